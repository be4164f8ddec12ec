/**
 * A form sent after its session ended is kept for its author only, re-shown on its page after signing in again
 * (never sent by itself), expires, and its values never reach a URL, a cookie or a log. Plus the session warning's
 * keep-alive.
 */
import request from 'supertest';
import { buildTree, csrfFrom, loginAs, PASSWORD, testApp, useDb, userWith, type Tree } from '../helpers';
import { inputValue } from '../forms/html';
import { db } from '../../src/db';
import { KEPT_MESSAGE } from '../../src/http/kept-form';

useDb();

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
});

const TYPED = {
  lastName: 'Забытова',
  firstName: 'Ксения',
  middleName: 'Игоревна',
  birthDate: '12.03.1990',
  gender: 'FEMALE',
  category: 'WORKING',
  joinedAt: '01.09.2026',
  consentProcessing: 'on',
  phone: '+79991234567',
};

/** A chair signed in, with the new-member form open: its token and page address as the browser holds them. */
async function openForm() {
  const u = await userWith('CHAIR', t.primA1, { ndaAccepted: true });
  const agent = await loginAs(u.login);
  const page = `/orgs/${t.primA1.id}/members/new`;
  const form = await agent.get(page);
  expect(form.status).toBe(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
  expect(inputValue(form.text, '_page')).toBe(page);
  return { u, agent, page, csrf: csrf! };
}

/** The session ends while the form is open (idle: the server no longer has it). */
async function endSessions(userId: string) {
  await db().$executeRaw`DELETE FROM "session" WHERE sess::jsonb #>> '{passport,user}' = ${userId}`;
}

function send(agent: request.Agent, page: string, csrf: string, extra: Record<string, string> = {}) {
  return agent
    .post(page)
    .type('form')
    .send({ _csrf: csrf, _page: page, ...TYPED, ...extra });
}

async function signIn(agent: request.Agent, login: string) {
  const csrf = await csrfFrom(agent, '/login');
  return agent.post('/login').type('form').send({ _csrf: csrf, login, password: PASSWORD });
}

const keptRows = (userId: string) => db().keptForm.findMany({ where: { userId } });

describe('a form sent after the session ended', () => {
  it('is kept and re-shown with what was typed after the same user signs in again, not sent by itself', async () => {
    const { u, agent, page, csrf } = await openForm();
    const members = await db().member.count();
    await endSessions(u.id);
    const sent = await send(agent, page, csrf, { password: 'Secret-typed-9' });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/login');
    const rows = await keptRows(u.id);
    expect(rows).toHaveLength(1);
    const fields = rows[0].fields as Record<string, unknown>;
    expect(fields.lastName).toBe('Забытова');
    // The token, the page address and anything like a password are not kept.
    expect(Object.keys(fields)).not.toEqual(expect.arrayContaining(['_csrf']));
    expect(fields).not.toHaveProperty('_page');
    expect(fields).not.toHaveProperty('password');

    const login = await agent.get('/login');
    expect(login.text).toContain('сохранено и появится после входа');
    const signed = await signIn(agent, u.login);
    expect(signed.status).toBe(303);
    expect(signed.headers.location).toBe(page);

    const shown = await agent.get(page);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain(KEPT_MESSAGE);
    expect(inputValue(shown.text, 'lastName')).toBe('Забытова');
    expect(inputValue(shown.text, 'firstName')).toBe('Ксения');
    expect(inputValue(shown.text, 'phone')).toBe('+79991234567');
    expect(shown.text).not.toContain('Secret-typed-9');
    // Shown once, then gone; nothing was created until the user sends it again.
    expect(await keptRows(u.id)).toHaveLength(0);
    expect(await db().member.count()).toBe(members);
    const again = await agent.get(page);
    expect(inputValue(again.text, 'lastName')).toBe('');

    // Sent again from the re-shown page, it goes through as usual.
    const token = /name="_csrf" value="([^"]+)"/.exec(shown.text)![1];
    const created = await send(agent, page, token);
    expect([created.status, /field-error[^>]*>([^<]+)/.exec(created.text)?.[1]]).toEqual([303, undefined]);
    expect(await db().member.count()).toBe(members + 1);
  });

  it('is never shown to another user signing in on the same browser, and is removed', async () => {
    const { u, agent, page, csrf } = await openForm();
    const other = await userWith('CHAIR', t.primA1, { ndaAccepted: true });
    await endSessions(u.id);
    expect((await send(agent, page, csrf)).headers.location).toBe('/login');
    expect(await keptRows(u.id)).toHaveLength(1);

    const signed = await signIn(agent, other.login);
    expect(signed.status).toBe(303);
    expect(signed.headers.location).not.toBe(page);
    expect(await keptRows(u.id)).toHaveLength(0);
    const shown = await agent.get(page);
    expect(shown.status).toBe(200);
    expect(shown.text).not.toContain('Забытова');
    expect(shown.text).not.toContain(KEPT_MESSAGE);
  });

  it('expires: an hour later the sign-in leads to the usual page and the form is empty', async () => {
    const { u, agent, page, csrf } = await openForm();
    await endSessions(u.id);
    await send(agent, page, csrf);
    await db().keptForm.updateMany({ where: { userId: u.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const signed = await signIn(agent, u.login);
    expect(signed.headers.location).not.toBe(page);
    const shown = await agent.get(page);
    expect(shown.text).not.toContain('Забытова');
  });

  it('is kept at the 12-hour limit too, and a still signed-in user with a stale token goes straight back', async () => {
    const { u, agent, page, csrf } = await openForm();
    await db()
      .$executeRaw`UPDATE "session" SET sess = jsonb_set(sess::jsonb, '{createdAt}', to_jsonb(${Date.now() - 13 * 3600_000}::bigint))::json WHERE sess::jsonb #>> '{passport,user}' = ${u.id}`;
    const sent = await send(agent, page, csrf);
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/login');
    expect(await keptRows(u.id)).toHaveLength(1);
    expect((await signIn(agent, u.login)).headers.location).toBe(page);
    expect(inputValue((await agent.get(page)).text, 'lastName')).toBe('Забытова');

    // Signed in, but the form's token is an old one (e.g. signed in again in another tab).
    const stale = await send(agent, page, 'stale-token-from-another-session', { lastName: 'Устаревшая' });
    expect(stale.status).toBe(303);
    expect(stale.headers.location).toBe(page);
    const shown = await agent.get(page);
    expect(shown.text).toContain(KEPT_MESSAGE);
    expect(inputValue(shown.text, 'lastName')).toBe('Устаревшая');
  });

  it('is not kept from another site, nor without a signed-in user having used the browser', async () => {
    const { u, agent, page, csrf } = await openForm();
    await endSessions(u.id);
    const foreign = await send(agent, page, csrf).set('Origin', 'https://evil.example');
    expect(foreign.status).toBe(403);
    const crossSite = await send(agent, page, csrf).set('Sec-Fetch-Site', 'cross-site');
    expect(crossSite.status).toBe(403);
    const stranger = await request(testApp())
      .post(page)
      .type('form')
      .send({ _csrf: 'x', _page: page, ...TYPED });
    expect(stranger.status).toBe(403);
    expect(stranger.text).toContain('Форма устарела');
    expect(await keptRows(u.id)).toHaveLength(0);
  });

  it('never puts a typed value into a URL, a cookie or a log line', async () => {
    const out: string[] = [];
    const spies = (['log', 'info', 'warn', 'error'] as const).map((m) =>
      jest.spyOn(console, m).mockImplementation((...a: unknown[]) => void out.push(a.map(String).join(' '))),
    );
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      out.push(String(c));
      return true;
    });
    try {
      const { u, agent, page, csrf } = await openForm();
      await endSessions(u.id);
      const heads: string[] = [];
      const sent = await send(agent, page, csrf);
      heads.push(sent.headers.location ?? '', JSON.stringify(sent.headers['set-cookie'] ?? []));
      const signed = await signIn(agent, u.login);
      heads.push(signed.headers.location ?? '', JSON.stringify(signed.headers['set-cookie'] ?? []));
      const shown = await agent.get(page);
      heads.push(JSON.stringify(shown.headers['set-cookie'] ?? []));
      expect(inputValue(shown.text, 'lastName')).toBe('Забытова');
      const seen = [...heads, ...out].join('\n');
      for (const v of ['Забытова', encodeURIComponent('Забытова'), 'Ксения', '+79991234567', '9991234567']) {
        expect(seen).not.toContain(v);
      }
    } finally {
      spies.forEach((s) => s.mockRestore());
      write.mockRestore();
    }
  });

  it('logging out forgets the browser: a form sent from an old tab afterwards is refused, not kept', async () => {
    const { u, agent, page, csrf } = await openForm();
    const token = await csrfFrom(agent, '/profile');
    expect((await agent.post('/logout').type('form').send({ _csrf: token })).status).toBe(303);
    const sent = await send(agent, page, csrf);
    expect(sent.status).toBe(403);
    expect(await keptRows(u.id)).toHaveLength(0);
  });
});

describe('the session warning', () => {
  it('every signed-in page says when the session ends and loads the warning script', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const agent = await loginAs(u.login);
    const page = await agent.get(`/orgs/${t.primA1.id}`);
    const ms = Number(/data-session-ends-in="(\d+)"/.exec(page.text)?.[1]);
    expect(ms).toBeGreaterThan(29 * 60_000);
    expect(ms).toBeLessThanOrEqual(30 * 60_000);
    expect(page.text).toMatch(/<script src="\/static\/session\.[0-9a-f]+\.js" defer><\/script>/);
    const script = /src="(\/static\/session\.[0-9a-f]+\.js)"/.exec(page.text)![1];
    const js = await agent.get(script);
    expect(js.status).toBe(200);
    expect(js.text).toContain('Продлить сеанс');
  });

  it('the keep-alive extends a signed-in session and answers how long it lasts; signed out it only redirects', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const agent = await loginAs(u.login);
    const res = await agent.get('/session/keep-alive').set('Accept', 'application/json');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.body.limit).toBe(false);
    expect(res.body.msLeft).toBeGreaterThan(29 * 60_000);

    await db()
      .$executeRaw`UPDATE "session" SET sess = jsonb_set(sess::jsonb, '{createdAt}', to_jsonb(${Date.now() - 12 * 3600_000 + 10 * 60_000}::bigint))::json WHERE sess::jsonb #>> '{passport,user}' = ${u.id}`;
    const late = await agent.get('/session/keep-alive').set('Accept', 'application/json');
    expect(late.body.limit).toBe(true);
    expect(late.body.msLeft).toBeLessThanOrEqual(10 * 60_000);

    const anon = request.agent(testApp());
    const out = await anon.get('/session/keep-alive').set('Accept', 'application/json');
    expect(out.status).toBe(303);
    // A script's request is not where the sign-in should lead back to, and opens no session.
    expect(out.headers['set-cookie'] ?? []).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^reestr\.sid=/)]),
    );
  });
});

describe('the statistical report form sent after the session ended', () => {
  it('comes back with the figures typed into it (not saved until sent again)', async () => {
    const { loadShippedTemplates } = await import('../../src/modules/reports/reports.repo');
    const { userAt } = await import('../reports/support');
    const { postForm } = await import('../helpers');
    await loadShippedTemplates();
    const year = Number(new Date().toISOString().slice(0, 4)) + 1;
    const admin = await loginAs((await userAt(t.central, 'ADMIN')).login);
    const opened = await postForm(admin, `/orgs/${t.central.id}/reports`, `/orgs/${t.central.id}/campaigns`, {
      title: `Отчёт для сохранённой формы ${year}`,
      reportDate: `01.01.${year}`,
      deadline: `01.03.${year}`,
    });
    expect(opened.status).toBe(303);
    const campaign = /campaign=([0-9a-f-]{36})/.exec(opened.headers.location)![1];

    const u = await userWith('CHAIR', t.primA2, { ndaAccepted: true });
    const agent = await loginAs(u.login);
    const page = `/orgs/${t.primA2.id}/reports/${campaign}`;
    const form = await agent.get(page);
    expect(form.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const cell = /name="(c_[^"]+)"/.exec(form.text)![1];
    expect(inputValue(form.text, cell)).toBe('');
    await endSessions(u.id);
    const sent = await agent
      .post(`${page}/save`)
      .type('form')
      .send({ _csrf: csrf, _page: page, version: '1', [cell]: '37', submit: '0' });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/login');
    expect((await signIn(agent, u.login)).headers.location).toBe(page);
    const shown = await agent.get(page);
    expect(shown.text).toContain(KEPT_MESSAGE);
    expect(inputValue(shown.text, cell)).toBe('37');
    // Nothing was saved by itself.
    const report = await db().report.findFirst({ where: { campaignId: campaign, organisationId: t.primA2.id } });
    expect((report?.entered as Record<string, unknown> | null)?.[cell.slice(2)] ?? null).toBeNull();
  });
});

describe('the card order form sent after the session ended', () => {
  it('comes back with the same members ticked, and no order was made', async () => {
    const { buildOrg, buildMember } = await import('../../src/seed/builders.repo');
    const org = await buildOrg(t.terrA1, 'PRIMARY', { name: 'ППО билетов', institutionType: 'POO' });
    const a = await buildMember({ org, lastName: 'Выбранова' });
    const b = await buildMember({ org, lastName: 'Невыбранова' });
    const u = await userWith('CHAIR', org, { ndaAccepted: true });
    const agent = await loginAs(u.login);
    const page = `/orgs/${org.id}/cards`;
    const form = await agent.get(page);
    expect(form.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    await endSessions(u.id);
    const sent = await agent
      .post(`/orgs/${org.id}/cards/order`)
      .type('form')
      .send(`_csrf=${csrf}&_page=${encodeURIComponent(page)}&memberIds=${a.memberId}`);
    expect(sent.headers.location).toBe('/login');
    expect((await signIn(agent, u.login)).headers.location).toBe(page);
    const shown = await agent.get(page);
    expect(shown.text).toContain(KEPT_MESSAGE);
    const box = (id: string) => new RegExp(`<input[^>]*value="${id}"[^>]*>`).exec(shown.text)?.[0] ?? '';
    expect(box(a.memberId)).toContain('checked');
    expect(box(b.memberId)).not.toContain('checked');
    expect(await db().cardOrder.count({ where: { organisationId: org.id } })).toBe(0);
  });
});

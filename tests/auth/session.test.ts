import request from 'supertest';
import { api, buildTree, csrfFrom, loginAs, PASSWORD, postForm, testApp, useDb, userWith, type Tree } from '../helpers';
import { cookiePair, fieldError, inputValue, sessionIdOf } from '../forms/html';
import { db } from '../../src/db';
import { setDemoMode } from '../../src/config';
import { addDays, today } from '../../src/lib/dates';
import { buildMember, buildUser } from '../../src/seed/builders.repo';

useDb();

/*
 * Budget: the app allows 50 POST /login per address per 15 minutes, and each test file shares one app,
 * so this file keeps well under it (about 30 logins in all).
 */

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
});

/**
 * A fresh browser: a protected page first (which opens an anonymous session to remember where to return; the
 * sign-in page alone opens none, see tests/http/anonymous-sessions.test.ts), then the login form.
 */
async function openLoginPage() {
  const agent = request.agent(testApp());
  const protectedPage = await agent.get('/profile');
  const page = await agent.get('/login');
  page.headers['set-cookie'] = protectedPage.headers['set-cookie'];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  if (!csrf) throw new Error('no CSRF token on /login');
  return { agent, page, csrf };
}

describe('login form', () => {
  it('logs a user in with the right password and redirects with 303', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const { agent, csrf } = await openLoginPage();
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, login: u.login, password: PASSWORD });
    expect(res.status).toBe(303);
    const profile = await agent.get('/profile');
    expect(profile.status).toBe(200);
    expect(profile.text).toContain(u.login);
  });

  it('answers 401 «Неверный логин или пароль» to a wrong password and keeps the typed login', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const { agent, csrf } = await openLoginPage();
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrf, login: u.login, password: 'Wrong-password-9' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Неверный логин или пароль');
    expect(inputValue(res.text, 'login')).toBe(u.login);
    // The password is never echoed back.
    expect(res.text).not.toContain('Wrong-password-9');
    expect((await agent.get('/profile')).status).toBe(303);
  });

  it('answers the same 401 page for an unknown login as for a wrong password', async () => {
    const { agent, csrf } = await openLoginPage();
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrf, login: 'no-such-user-xyz', password: 'Wrong-password-9' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Неверный логин или пароль');
    expect(inputValue(res.text, 'login')).toBe('no-such-user-xyz');
  });

  it('issues a new session id at login and the pre-login session no longer exists (no session fixation)', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const { agent, page, csrf } = await openLoginPage();
    const before = sessionIdOf(page.headers['set-cookie']);
    const beforePair = cookiePair(page.headers['set-cookie']);
    expect(before).toBeTruthy();
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, login: u.login, password: PASSWORD });
    expect(res.status).toBe(303);
    const after = sessionIdOf(res.headers['set-cookie']);
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    // Someone holding the pre-login cookie is not logged in.
    const withOld = await request(testApp()).get('/profile').set('Cookie', beforePair!);
    expect(withOld.status).toBe(303);
    expect(withOld.headers.location).toBe('/login');
    const withNew = await request(testApp()).get('/profile').set('Cookie', cookiePair(res.headers['set-cookie'])!);
    expect(withNew.status).toBe(200);
  });

  it('destroys the session at logout: the old cookie no longer opens /profile', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const { agent, csrf } = await openLoginPage();
    const login = await agent.post('/login').type('form').send({ _csrf: csrf, login: u.login, password: PASSWORD });
    expect(login.status).toBe(303);
    const cookie = cookiePair(login.headers['set-cookie'])!;
    const sid = sessionIdOf(login.headers['set-cookie'])!;
    expect((await request(testApp()).get('/profile').set('Cookie', cookie)).status).toBe(200);
    expect(await db().session.count({ where: { sid } })).toBe(1);

    const out = await postForm(agent, '/profile', '/logout', {});
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');

    const again = await request(testApp()).get('/profile').set('Cookie', cookie);
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/login');
    expect(await db().session.count({ where: { sid } })).toBe(0);
    expect(await db().auditLog.count({ where: { userId: u.id, action: 'logout' } })).toBe(1);
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, before and after login', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const { agent, page, csrf } = await openLoginPage();
    const pre = (page.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('reestr.sid='))!;
    expect(pre).toMatch(/;\s*HttpOnly/i);
    expect(pre).toMatch(/;\s*SameSite=Lax/i);
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, login: u.login, password: PASSWORD });
    const post = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('reestr.sid='))!;
    expect(post).toMatch(/;\s*HttpOnly/i);
    expect(post).toMatch(/;\s*SameSite=Lax/i);
  });
});

describe('CSRF protection of forms', () => {
  let agent: request.Agent;
  beforeAll(async () => {
    const chair = await userWith('CHAIR', t.terrA1);
    agent = await loginAs(chair.login);
  });

  const orgForm = (name: string) => ({ kind: 'PRIMARY', name, institutionType: 'OO' });

  it('refuses a POST without _csrf with 403 and creates no organisation', async () => {
    const before = await db().organisation.count();
    const res = await agent.post(`/orgs/${t.terrA1.id}/new`).type('form').send(orgForm('ППО без токена'));
    expect(res.status).toBe(403);
    expect(res.text).toContain('Форма устарела');
    expect(await db().organisation.count()).toBe(before);
    expect(await db().organisation.count({ where: { name: 'ППО без токена' } })).toBe(0);
  });

  it('refuses a POST with a wrong _csrf with 403 and creates no organisation', async () => {
    const before = await db().organisation.count();
    const res = await agent
      .post(`/orgs/${t.terrA1.id}/new`)
      .type('form')
      .send({ _csrf: 'not-the-token', ...orgForm('ППО с чужим токеном') });
    expect(res.status).toBe(403);
    expect(await db().organisation.count()).toBe(before);
  });

  it('refuses the CSRF token of another session', async () => {
    const other = request.agent(testApp());
    const foreign = await csrfFrom(other, '/login');
    const before = await db().organisation.count();
    const res = await agent
      .post(`/orgs/${t.terrA1.id}/new`)
      .type('form')
      .send({ _csrf: foreign, ...orgForm('ППО с токеном другой сессии') });
    expect(res.status).toBe(403);
    expect(await db().organisation.count()).toBe(before);
  });

  it('accepts the same form with the page token (control)', async () => {
    const res = await postForm(
      agent,
      `/orgs/${t.terrA1.id}/new`,
      `/orgs/${t.terrA1.id}/new`,
      orgForm('ППО с верным токеном'),
    );
    expect(res.status).toBe(303);
    expect(await db().organisation.count({ where: { name: 'ППО с верным токеном', parentId: t.terrA1.id } })).toBe(1);
  });

  it('refuses the login form itself without a token', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const res = await request.agent(testApp()).post('/login').type('form').send({ login: u.login, password: PASSWORD });
    expect(res.status).toBe(403);
  });
});

describe('security headers', () => {
  it('sends CSP, frame protection and nosniff, and no x-powered-by, on pages and on the API', async () => {
    for (const res of [await api().get('/login'), await api().get('/no-such-page'), await api().get('/api/v1/me')]) {
      expect(res.headers['content-security-policy']).toBeDefined();
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toMatch(/default-src 'self'/);
      const framed =
        /frame-ancestors '(self|none)'/.test(csp) ||
        /^(DENY|SAMEORIGIN)$/i.test(String(res.headers['x-frame-options'] ?? ''));
      expect(framed).toBe(true);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('login rate limit', () => {
  it('answers the 11th attempt for one login within 15 minutes with 429 and a Russian message, even with the right password', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const { agent, csrf } = await openLoginPage();
    for (let i = 1; i <= 10; i++) {
      const res = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrf, login: u.login, password: `Wrong-password-${i}` });
      expect(res.status).toBe(401);
    }
    const blocked = await agent.post('/login').type('form').send({ _csrf: csrf, login: u.login, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Слишком много неудачных попыток');
    // When to try again, and the typed login kept on the re-shown form.
    expect(blocked.text).toMatch(/Попробуйте снова через \d+ мин\./);
    expect(blocked.text).toContain(`value="${u.login}"`);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // The same login typed with other case or spaces is the same login.
    const variant = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrf, login: `  ${u.login.toUpperCase()} `, password: PASSWORD });
    expect(variant.status).toBe(429);
  });

  it('successful sign-ins do not count: one login signs in 15 times in a row from one address', async () => {
    const u = await userWith('CHAIR', t.primA1);
    for (let i = 0; i < 15; i++) await expect(loginAs(u.login)).resolves.toBeDefined();
  });

  it('does not lock out another login from the same address', async () => {
    const other = await userWith('CHAIR', t.primA1);
    await expect(loginAs(other.login)).resolves.toBeDefined();
  });
});

describe('demo accounts', () => {
  it('cannot log in outside the embedded demo mode', async () => {
    const demo = await buildUser({ isDemo: true, roles: [{ role: 'CHAIR', org: t.primA1 }] });
    const { agent, csrf } = await openLoginPage();
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, login: demo.login, password: PASSWORD });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Неверный логин или пароль');
    const tok = await api().post('/api/v1/auth/token').send({ login: demo.login, password: PASSWORD });
    expect(tok.status).toBe(401);
  });

  it('can log in in demo mode (control: the refusal comes from the demo flag, not the password)', async () => {
    const demo = await buildUser({ isDemo: true, roles: [{ role: 'CHAIR', org: t.primA1 }] });
    setDemoMode(true);
    try {
      await expect(loginAs(demo.login)).resolves.toBeDefined();
    } finally {
      setDemoMode(false);
    }
  });
});

describe('a user whose role has ended', () => {
  it('logs in but sees no organisation and gets 404 for the former one', async () => {
    const u = await userWith('CHAIR', t.primA2, { startsOn: '2020-01-01', endsOn: addDays(today(), -1) });
    const agent = await loginAs(u.login);
    const home = await agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('нет действующих полномочий');
    expect(home.text).not.toContain(t.primA2.name);
    expect((await agent.get(`/orgs/${t.primA2.id}`)).status).toBe(404);
    expect((await agent.get(`/orgs/${t.primA2.id}/members/new`)).status).toBe(404);
  });

  it("still reaches the organisation on the role's last day (control)", async () => {
    const u = await userWith('CHAIR', t.primA2, { startsOn: '2020-01-01', endsOn: today() });
    const agent = await loginAs(u.login);
    expect((await agent.get(`/orgs/${t.primA2.id}`)).status).toBe(200);
  });
});

describe('API tokens', () => {
  it('answers 401 with the same body for an unknown login and for a wrong password', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const unknown = await api()
      .post('/api/v1/auth/token')
      .send({ login: 'nobody-here-42', password: 'Wrong-password-1' });
    const wrong = await api().post('/api/v1/auth/token').send({ login: u.login, password: 'Wrong-password-1' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.message).toBe('Неверный логин или пароль');
    expect(await db().apiToken.count({ where: { userId: u.id } })).toBe(0);
  });

  it('issues a token (201 {token, expiresAt}) that opens /api/v1/me, and a token revoked on the profile page answers 401', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const issued = await api().post('/api/v1/auth/token').send({ login: u.login, password: PASSWORD });
    expect(issued.status).toBe(201);
    expect(typeof issued.body.token).toBe('string');
    expect(issued.body.token.length).toBeGreaterThan(20);
    expect(new Date(issued.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    // Stored hashed: the token itself is nowhere in the table.
    const rows = await db().apiToken.findMany({ where: { userId: u.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).not.toBe(issued.body.token);

    const auth = `Bearer ${issued.body.token}`;
    const me = await api().get('/api/v1/me').set('Authorization', auth);
    expect(me.status).toBe(200);
    expect(me.body.login).toBe(u.login);
    expect(me.body.organisations.map((o: { id: string }) => o.id)).toEqual([t.primA1.id]);

    const agent = await loginAs(u.login);
    const profile = await agent.get('/profile');
    const action = new RegExp(`action="/profile/tokens/(${rows[0].id})/revoke"`).exec(profile.text);
    expect(action).not.toBeNull();
    const revoke = await postForm(agent, '/profile', `/profile/tokens/${rows[0].id}/revoke`, {});
    expect(revoke.status).toBe(303);
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: rows[0].id } })).revokedAt).not.toBeNull();

    const after = await api().get('/api/v1/me').set('Authorization', auth);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
  });

  it("answers 404 when revoking someone else's token, and that token keeps working", async () => {
    const owner = await userWith('CHAIR', t.primA1);
    const other = await userWith('CHAIR', t.primA1);
    const issued = await api().post('/api/v1/auth/token').send({ login: owner.login, password: PASSWORD });
    const row = await db().apiToken.findFirstOrThrow({ where: { userId: owner.id } });
    const agent = await loginAs(other.login);
    const res = await postForm(agent, '/profile', `/profile/tokens/${row.id}/revoke`, {});
    expect(res.status).toBe(404);
    expect((await api().get('/api/v1/me').set('Authorization', `Bearer ${issued.body.token}`)).status).toBe(200);
  });
});

describe('non-disclosure obligation', () => {
  it('sends a user without it from a member card to /nda, stores the acceptance and audits it', async () => {
    const u = await userWith('CHAIR', t.primA1, { ndaAccepted: false });
    const m = await buildMember({ org: t.primA1 });
    const agent = await loginAs(u.login);

    const card = await agent.get(`/members/${m.memberId}`);
    expect(card.status).toBe(303);
    expect(card.headers.location).toBe(`/nda?returnTo=${encodeURIComponent(`/members/${m.memberId}`)}`);

    // Without the tick: 400 and nothing stored.
    const unticked = await postForm(agent, '/nda', '/nda', { returnTo: `/members/${m.memberId}` });
    expect(unticked.status).toBe(400);
    expect(unticked.text).toContain('Отметьте, что принимаете обязательство');
    expect((await db().user.findUniqueOrThrow({ where: { id: u.id } })).ndaAcceptedAt).toBeNull();

    const accepted = await postForm(agent, '/nda', '/nda', { accept: 'on', returnTo: `/members/${m.memberId}` });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toBe(`/members/${m.memberId}`);
    expect((await db().user.findUniqueOrThrow({ where: { id: u.id } })).ndaAcceptedAt).not.toBeNull();
    expect(await db().auditLog.count({ where: { userId: u.id, action: 'nda.accepted' } })).toBe(1);

    const open = await agent.get(`/members/${m.memberId}`);
    expect(open.status).toBe(200);
  });

  it('does not follow an outside returnTo after acceptance (no open redirect)', async () => {
    const u = await userWith('CHAIR', t.primA1, { ndaAccepted: false });
    const agent = await loginAs(u.login);
    const res = await postForm(agent, '/nda', '/nda', { accept: 'on', returnTo: '//evil.example/steal' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
  });
});

describe('password change on the profile page', () => {
  it('refuses a wrong current password with 400 and a message, then a good change lets the user log in with the new one only', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const agent = await loginAs(u.login);
    const hashBefore = (await db().user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash;

    const wrong = await postForm(agent, '/profile', '/profile/password', {
      current: 'Not-my-password-1',
      next: 'New-password-2026',
      repeat: 'New-password-2026',
    });
    expect(wrong.status).toBe(400);
    expect(fieldError(wrong.text, 'current')).toBe('Текущий пароль введён неверно');
    expect((await db().user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash).toBe(hashBefore);

    const mismatch = await postForm(agent, '/profile', '/profile/password', {
      current: PASSWORD,
      next: 'New-password-2026',
      repeat: 'New-password-2027',
    });
    expect(mismatch.status).toBe(400);
    expect(fieldError(mismatch.text, 'repeat')).toBe('Пароли не совпадают');

    const weak = await postForm(agent, '/profile', '/profile/password', {
      current: PASSWORD,
      next: 'short1',
      repeat: 'short1',
    });
    expect(weak.status).toBe(400);
    expect(fieldError(weak.text, 'next')).toMatch(/не короче 10 символов/);
    expect((await db().user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash).toBe(hashBefore);

    const good = await postForm(agent, '/profile', '/profile/password', {
      current: PASSWORD,
      next: 'New-password-2026',
      repeat: 'New-password-2026',
    });
    expect(good.status).toBe(303);
    expect(good.headers.location).toBe('/profile');
    expect(await db().auditLog.count({ where: { userId: u.id, action: 'password.changed' } })).toBe(1);

    await expect(loginAs(u.login, 'New-password-2026')).resolves.toBeDefined();
    await expect(loginAs(u.login, PASSWORD)).rejects.toThrow(/401/);
  });
});

describe('the 12-hour absolute session limit', () => {
  it('an older session leads to the sign-in page with a message, not a 500', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const agent = await loginAs(u.login);
    expect((await agent.get(`/orgs/${t.primA1.id}`)).status).toBe(200);
    await db()
      .$executeRaw`UPDATE "session" SET sess = jsonb_set(sess::jsonb, '{createdAt}', to_jsonb(${Date.now() - 13 * 3600_000}::bigint))::json`;
    const res = await agent.get(`/orgs/${t.primA1.id}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    const login = await agent.get('/login');
    expect(login.status).toBe(200);
    expect(login.text).toContain('прошло 12 часов');
  });
});

import request from 'supertest';
import { totpCode } from '../../src/modules/auth/totp';
import { createApp } from '../../src/app';
import { db } from '../../src/db';
import { buildTree, PASSWORD, useDb, userWith, type Tree } from '../helpers';

useDb();

// Its own app with the requirement on (the shared test app turns it off, see tests/helpers.ts).
const app = createApp({ sessionSecret: 'second-factor-test-secret-0123', secondFactorRequired: true });

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
});

const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function passwordStep(login: string, returnTo?: string) {
  const agent = request.agent(app);
  if (returnTo) await agent.get(returnTo);
  const page = await agent.get('/login');
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: tokenOf(page.text), login, password: PASSWORD });
  return { agent, res };
}

async function post(agent: request.Agent, pageUrl: string, url: string, data: Record<string, string>) {
  const page = await agent.get(pageUrl);
  return agent
    .post(url)
    .type('form')
    .send({ _csrf: tokenOf(page.text), ...data });
}

/** Sets up the second factor from the setup page: reads the secret shown as text, answers with the app's code. */
async function enrol(agent: request.Agent) {
  const page = await agent.get('/profile/second-factor');
  expect(page.status).toBe(200);
  expect(page.text).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
  const secret = /Секрет для ввода вручную: <code>([A-Z2-7 ]+)<\/code>/.exec(page.text)![1].replace(/ /g, '');
  const res = await agent
    .post('/profile/second-factor')
    .type('form')
    .send({ _csrf: tokenOf(page.text), code: await totpCode(secret) });
  expect(res.status).toBe(200);
  const codes = [...res.text.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]);
  return { secret, codes };
}

/** A code of the next time step: each step is accepted once, so a second sign-in in the same 30 s needs it. */
const nextCode = (secret: string) => totpCode(secret, Math.floor(Date.now() / 1000) + 30);

describe('second factor (TOTP) for the central and regional levels', () => {
  it('leads a regional chair to set it up at sign-in; nothing else opens until then; codes are hashed', async () => {
    const u = await userWith('CHAIR', t.regionA);
    const { agent, res } = await passwordStep(u.login);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile/second-factor');
    const blocked = await agent.get(`/orgs/${t.regionA.id}`);
    expect(blocked.status).toBe(303);
    expect(blocked.headers.location).toBe('/profile/second-factor');

    const { codes } = await enrol(agent);
    expect(codes).toHaveLength(10);
    expect((await agent.get(`/orgs/${t.regionA.id}`)).status).toBe(200);
    const stored = await db().recoveryCode.findMany({ where: { userId: u.id } });
    expect(stored).toHaveLength(10);
    expect(stored.map((c) => c.codeHash)).not.toContain(codes[0]);
    expect(await db().auditLog.count({ where: { userId: u.id, action: 'mfa.enabled' } })).toBe(1);
  });

  it('asks for the code after the password; a wrong or replayed code is refused; a recovery code works once', async () => {
    const u = await userWith('ADMIN', t.central);
    const first = await passwordStep(u.login);
    const { secret, codes } = await enrol(first.agent);

    const { agent, res } = await passwordStep(u.login, `/orgs/${t.central.id}`);
    expect(res.headers.location).toBe('/login/code');
    expect((await agent.get(`/orgs/${t.central.id}`)).status).toBe(303); // not signed in yet
    const wrong = await post(agent, '/login/code', '/login/code', { code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Неверный или уже использованный код');
    const code = await nextCode(secret);
    const ok = await post(agent, '/login/code', '/login/code', { code });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/orgs/${t.central.id}`);
    expect((await agent.get('/profile')).status).toBe(200);

    const replay = await passwordStep(u.login);
    expect((await post(replay.agent, '/login/code', '/login/code', { code })).status).toBe(401);
    const recovery = await post(replay.agent, '/login/code', '/login/code', { code: codes[3].toUpperCase() });
    expect(recovery.status).toBe(303);
    const start = await replay.agent.get('/');
    const landing = start.status === 303 ? await replay.agent.get(start.headers.location) : start;
    expect(landing.text).toContain('Неиспользованных кодов осталось: 9');

    const again = await passwordStep(u.login);
    expect((await post(again.agent, '/login/code', '/login/code', { code: codes[3] })).status).toBe(401);
  });

  it('limits wrong codes: the 6th in 15 minutes answers 429 and says when to try again', async () => {
    const u = await userWith('ADMIN', t.central);
    await enrol((await passwordStep(u.login)).agent);
    const { agent } = await passwordStep(u.login);
    for (let i = 0; i < 5; i++)
      expect((await post(agent, '/login/code', '/login/code', { code: '123456' })).status).toBe(401);
    const limited = await post(agent, '/login/code', '/login/code', { code: '123456' });
    expect(limited.status).toBe(429);
    expect(limited.text).toMatch(/Попробуйте снова через \d+ мин/);
  });

  it('is optional for a primary chair: set up and switched off on their own profile with the password', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const { agent, res } = await passwordStep(u.login);
    expect(res.headers.location).toBe('/');
    expect((await agent.get('/profile')).text).toContain('не подключён');
    await enrol(agent);
    const wrong = await post(agent, '/profile/second-factor', '/profile/second-factor/disable', { password: 'x' });
    expect(wrong.status).toBe(400);
    const off = await post(agent, '/profile/second-factor', '/profile/second-factor/disable', { password: PASSWORD });
    expect(off.status).toBe(303);
    expect(await db().secondFactor.count({ where: { userId: u.id } })).toBe(0);
    expect((await passwordStep(u.login)).res.headers.location).toBe('/');
  });

  it('cannot be switched off where it is required', async () => {
    const u = await userWith('VIEWER', t.regionB);
    const { agent } = await passwordStep(u.login);
    await enrol(agent);
    const off = await post(agent, '/profile/second-factor', '/profile/second-factor/disable', { password: PASSWORD });
    expect(off.status).toBe(400);
    expect(await db().secondFactor.count({ where: { userId: u.id } })).toBe(1);
  });

  it('the API token by password needs the code too once the account has a second factor', async () => {
    const u = await userWith('CHAIR', t.primA2);
    const { secret } = await enrol((await passwordStep(u.login)).agent);
    const without = await request(app).post('/api/v1/auth/token').send({ login: u.login, password: PASSWORD });
    expect(without.status).toBe(401);
    expect(without.body.error.message).toMatch(/код второго фактора/);
    const withCode = await request(app)
      .post('/api/v1/auth/token')
      .send({ login: u.login, password: PASSWORD, code: await nextCode(secret) });
    expect(withCode.status).toBe(201);
  });
});

import request from 'supertest';
import { buildTree, csrfFrom, PASSWORD, testApp, useDb, userWith } from '../helpers';
import { db } from '../../src/db';

useDb();

const sessions = async () => db().session.count();

describe('anonymous requests', () => {
  it('create no session rows: the sign-in pages, health, public pages and a failed sign-in', async () => {
    const t = await buildTree();
    const u = await userWith('CHAIR', t.primA1);
    const before = await sessions();
    const agent = request.agent(testApp());
    for (const url of ['/login', '/healthz', '/me/login', '/verify', '/join', '/login', '/no-such-page'])
      await agent.get(url);
    const csrf = await csrfFrom(agent, '/login');
    const failed = await agent.post('/login').type('form').send({ _csrf: csrf, login: u.login, password: 'Wrong-1x' });
    expect(failed.status).toBe(401);
    expect(await sessions()).toBe(before);
    expect(failed.headers['set-cookie']?.toString() ?? '').not.toContain('reestr.sid');

    // The login form's token (kept in a signed cookie) still protects and works.
    const noToken = await agent.post('/login').type('form').send({ login: u.login, password: PASSWORD });
    expect(noToken.status).toBe(403);
    const forged = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: 'f'.repeat(64), login: u.login, password: PASSWORD });
    expect(forged.status).toBe(403);
    const ok = await agent.post('/login').type('form').send({ _csrf: csrf, login: u.login, password: PASSWORD });
    expect(ok.status).toBe(303);
    expect(await sessions()).toBe(before + 1);
    // Once signed in, the forms carry the session's own token (not the anonymous cookie's).
    const profileToken = await csrfFrom(agent, '/profile');
    expect(profileToken).not.toBe(csrf);
  });

  it('a token from another browser’s cookie is refused', async () => {
    const a = request.agent(testApp());
    const tokenA = await csrfFrom(a, '/login');
    const b = request.agent(testApp());
    await b.get('/login');
    const res = await b.post('/login').type('form').send({ _csrf: tokenA, login: 'x', password: 'y' });
    expect(res.status).toBe(403);
  });
});

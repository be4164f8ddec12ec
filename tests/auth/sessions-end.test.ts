import { api, bearer, buildTree, loginAs, PASSWORD, postForm, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';

useDb();

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
});

async function sessionsOf(userId: string): Promise<number> {
  const rows = await db().$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "session" WHERE sess -> 'passport' ->> 'user' = ${userId}`;
  return Number(rows[0].n);
}

describe('changing the password', () => {
  it('ends the user’s other sessions and revokes their API tokens; the session that changed it stays', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const here = await loginAs(u.login);
    const elsewhere = await loginAs(u.login);
    const token = await bearer(u.id);
    expect(await sessionsOf(u.id)).toBe(2);
    const res = await postForm(here, '/profile', '/profile/password', {
      current: PASSWORD,
      next: 'Lipa-veter-stol-42',
      repeat: 'Lipa-veter-stol-42',
    });
    expect(res.status).toBe(303);
    expect(await sessionsOf(u.id)).toBe(1);
    expect((await here.get('/profile')).status).toBe(200);
    const other = await elsewhere.get('/profile');
    expect(other.status).toBe(303);
    expect(other.headers.location).toBe('/login');
    expect((await api().get('/api/v1/me').set('Authorization', token)).status).toBe(401);
  });
});

describe('the page that disables and re-enables a user', () => {
  it('asks to confirm, then ends the user’s sessions and tokens, audits, confirms; enabling lets them in again', async () => {
    const chair = await loginAs((await userWith('CHAIR', t.terrA1)).login);
    const target = await userWith('REGISTRAR', t.primA1);
    const targetAgent = await loginAs(target.login);
    const token = await bearer(target.id);

    const show = await chair.get(`/users/${target.id}`);
    expect(show.text).toContain(`/users/${target.id}/disable`);
    const confirm = await chair.get(`/users/${target.id}/disable`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Отключить пользователя?');
    expect(confirm.text).toContain(target.login);
    expect((await db().user.findUniqueOrThrow({ where: { id: target.id } })).active).toBe(true);

    const res = await postForm(chair, `/users/${target.id}/disable`, `/users/${target.id}/disable`, {});
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/users/${target.id}`);
    expect((await chair.get(`/users/${target.id}`)).text).toContain('отключён: его сеансы завершены');
    expect((await db().user.findUniqueOrThrow({ where: { id: target.id } })).active).toBe(false);
    expect(await sessionsOf(target.id)).toBe(0);
    expect((await targetAgent.get('/profile')).status).toBe(303);
    expect((await api().get('/api/v1/me').set('Authorization', token)).status).toBe(401);
    expect(await db().auditLog.count({ where: { entityId: target.id, action: 'user.disabled' } })).toBe(1);
    await expect(loginAs(target.login)).rejects.toThrow(/401/);

    const enable = await postForm(chair, `/users/${target.id}`, `/users/${target.id}/enable`, {});
    expect(enable.status).toBe(303);
    expect((await chair.get(`/users/${target.id}`)).text).toContain('снова может входить');
    expect(await db().auditLog.count({ where: { entityId: target.id, action: 'user.enabled' } })).toBe(1);
    await expect(loginAs(target.login)).resolves.toBeDefined();
  });

  it('is 404 for a user outside the subtree and leaves them active', async () => {
    const chair = await loginAs((await userWith('CHAIR', t.terrA1)).login);
    const other = await userWith('REGISTRAR', t.primB1);
    expect((await chair.get(`/users/${other.id}/disable`)).status).toBe(404);
    const res = await postForm(chair, '/profile', `/users/${other.id}/disable`, {});
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(other.login);
    expect((await db().user.findUniqueOrThrow({ where: { id: other.id } })).active).toBe(true);
  });

  it('is 403 for a viewer inside the subtree', async () => {
    const viewer = await loginAs((await userWith('VIEWER', t.terrA1)).login);
    const target = await userWith('REGISTRAR', t.primA1);
    expect((await viewer.get(`/users/${target.id}/disable`)).status).toBe(403);
  });
});

describe('the session end notice', () => {
  it('every page of a signed-in user says when the session ends without activity', async () => {
    const agent = await loginAs((await userWith('CHAIR', t.primA1)).login);
    const page = await agent.get('/profile');
    expect(page.text).toMatch(/Без действий сеанс завершится \d\d\.\d\d\.\d{4},? \d\d:\d\d/);
    expect((await agent.get('/login')).text).not.toContain('сеанс завершится');
  });
});

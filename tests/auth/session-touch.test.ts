/**
 * An unchanged session's row is touched at most once a minute (not on every page: that was an UPDATE per request
 * under load); a role taken away still counts on the very next request (the actor is read every time).
 */
import { buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';

useDb();

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
});

async function expiryOf(userId: string): Promise<number> {
  const rows = await db().$queryRaw<{ expire: Date }[]>`
    SELECT expire FROM "session" WHERE sess -> 'passport' ->> 'user' = ${userId}`;
  expect(rows).toHaveLength(1);
  return rows[0].expire.getTime();
}

describe('session touch', () => {
  it('the first page after sign-in moves the expiry on; pages within the minute do not write the row again', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const agent = await loginAs(u.login);
    const atLogin = await expiryOf(u.id);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await agent.get('/profile')).status).toBe(200);
    const touched = await expiryOf(u.id);
    expect(touched).toBeGreaterThan(atLogin);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await agent.get('/profile')).status).toBe(200);
    expect(await expiryOf(u.id)).toBe(touched);
  });

  it('a role ended between two pages takes effect on the next one', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const agent = await loginAs(u.login);
    expect((await agent.get(`/orgs/${t.primA1.id}`)).status).toBe(200);
    await db().roleAssignment.updateMany({
      where: { userId: u.id },
      data: { endsOn: new Date(Date.now() - 2 * 86_400_000) },
    });
    expect((await agent.get(`/orgs/${t.primA1.id}`)).status).toBe(404);
  });
});

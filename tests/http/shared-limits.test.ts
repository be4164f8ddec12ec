/**
 * Several app processes share one PostgreSQL: the rate limits count there, not in each process's memory, so a
 * second process does not double any allowance. Two apps built on one database stand for two processes.
 */
import request from 'supertest';
import { createApp } from '../../src/app';
import { PgRateStore } from '../../src/http/rate-store';
import { deleteExpiredHits } from '../../src/http/rate-limit.repo';
import { sqlPool } from '../../src/db';
import { PASSWORD, buildTree, useDb } from '../helpers';
import { buildMember, buildUser } from '../../src/seed/builders.repo';

useDb();

const SECRET = 'test-session-secret-0123456789';
const web1 = createApp({ sessionSecret: SECRET });
const web2 = createApp({ sessionSecret: SECRET });

async function loginPage(app: ReturnType<typeof createApp>) {
  const agent = request.agent(app);
  const res = await agent.get('/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(res.text)![1];
  return { agent, csrf };
}

it('ten failed sign-ins split between two processes lock the login on both', async () => {
  const t = await buildTree();
  const u = await buildUser({ roles: [{ role: 'CHAIR', org: t.primA1 }] });
  const one = await loginPage(web1);
  const two = await loginPage(web2);
  for (let i = 0; i < 10; i++) {
    const { agent, csrf } = i % 2 ? two : one;
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrf, login: u.login, password: `Wrong-${i}` });
    expect(res.status).toBe(401);
  }
  for (const { agent, csrf } of [one, two]) {
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, login: u.login, password: PASSWORD });
    expect(res.status).toBe(429);
  }
  // The table holds hashes, never the login itself.
  const rows = await sqlPool().query<{ key: string }>('SELECT key FROM "RateLimit"');
  expect(rows.rows.length).toBeGreaterThan(0);
  expect(rows.rows.some((r) => r.key.includes(u.login))).toBe(false);
});

it('a contact gets five codes an hour across both processes, not five on each', async () => {
  const t = await buildTree();
  await buildMember({ org: t.primA1, email: 'shared-limit@example.ru' });
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    const app = i % 2 ? web2 : web1;
    const contact = i % 3 ? 'shared-limit@example.ru' : 'SHARED-LIMIT@example.ru';
    statuses.push((await request(app).post('/api/v1/member/auth/code').send({ contact })).status);
  }
  expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
  const rows = await sqlPool().query<{ key: string }>('SELECT key FROM "RateLimit"');
  expect(rows.rows.some((r) => r.key.includes('shared-limit'))).toBe(false);
});

const store = (name: string, windowMs: number) => {
  const s = new PgRateStore(name);
  s.init({ windowMs } as Parameters<PgRateStore['init']>[0]);
  return s;
};

it('the store counts atomically under concurrency and takes hits back; another limiter counts apart', async () => {
  const a = store('store-test', 60_000);
  const b = store('store-test', 60_000);
  await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).increment('k')));
  expect((await b.get('k'))?.totalHits).toBe(20);
  await a.decrement('k');
  expect((await b.get('k'))?.totalHits).toBe(19);
  expect((await store('store-other', 60_000).increment('k')).totalHits).toBe(1);
  await a.resetKey('k');
  expect(await b.get('k')).toBeUndefined();
});

it('a window that has passed starts again at one', async () => {
  const a = store('store-expiry', 400);
  await a.increment('k');
  expect((await a.increment('k')).totalHits).toBe(2);
  await new Promise((r) => setTimeout(r, 450));
  expect(await a.get('k')).toBeUndefined();
  const again = await a.increment('k');
  expect(again.totalHits).toBe(1);
  expect(again.resetTime!.getTime()).toBeGreaterThan(Date.now());
});

it('the cleanup job drops expired counters only', async () => {
  await sqlPool().query(
    `INSERT INTO "RateLimit" (key, hits, "resetAt") VALUES ('old:x', 3, now() - interval '1 hour'), ('live:x', 1, now() + interval '1 hour')`,
  );
  await deleteExpiredHits();
  const keys = (await sqlPool().query<{ key: string }>(`SELECT key FROM "RateLimit" WHERE key LIKE '%:x'`)).rows;
  expect(keys.map((k) => k.key)).toEqual(['live:x']);
});

import { db } from '../../src/db';
import { startQueue, stopQueue } from '../../src/jobs/queue';
import { api, bearer, buildTree, useDb, userWith } from '../helpers';
import { csv, expectStatus, membersOf } from './support';

useDb();
jest.setTimeout(90_000);

beforeAll(async () => {
  await startQueue(process.env.DATABASE_URL!, { work: true });
});
afterAll(async () => {
  await stopQueue();
});

describe('the import through the PostgreSQL-backed queue (pg-boss)', () => {
  it('is picked up by the worker and reported through GET /api/v1/jobs/:id', async () => {
    const t = await buildTree();
    const chair = await userWith('CHAIR', t.primA2);
    const auth = await bearer(chair.id);
    const file = csv([
      ['Фамилия', 'Имя', 'Отчество', 'Дата рождения'],
      ['Шишкина', 'Шура', 'Павловна', '06.06.1986'],
      ['Щеглов', 'Олег', 'Ильич', '07.07.1987'],
    ]);
    const res = expectStatus(
      await api()
        .post(`/api/v1/orgs/${t.primA2.id}/imports`)
        .set('Authorization', auth)
        .field('mode', 'add')
        .attach('file', file, 'q.csv'),
      202,
    );
    // Sent to the queue, not run in this request.
    const queued = await db().$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'import' AND data->>'importId' = $1`,
      res.body.jobId,
    );
    expect(queued[0].n).toBe(1);

    const until = Date.now() + 60_000;
    let body: { status: string; result: { created: number } | null } = { status: 'queued', result: null };
    while (body.status !== 'done' && body.status !== 'failed') {
      if (Date.now() > until) throw new Error(`still ${body.status}`);
      await new Promise((r) => setTimeout(r, 200));
      body = expectStatus(await api().get(`/api/v1/jobs/${res.body.jobId}`).set('Authorization', auth), 200).body;
    }
    expect(body.status).toBe('done');
    expect(body.result).toMatchObject({ created: 2, rejected: [] });
    expect((await membersOf(t.primA2.id)).map((m) => m.person.lastName).sort()).toEqual(['Шишкина', 'Щеглов']);
  });
});

/** GET /healthz says the process answers; GET /readyz that the database answers and every migration is applied. */
import request from 'supertest';
import { testApp, useDb } from '../helpers';
import { db } from '../../src/db';

useDb();

it('answers /healthz and /readyz without a login, as JSON, and not ready while a migration is missing', async () => {
  const h = await request(testApp()).get('/healthz');
  expect(h.status).toBe(200);
  expect(h.body).toEqual({ status: 'ok' });
  expect(h.headers['set-cookie']).toBeUndefined();

  const ready = await request(testApp()).get('/readyz');
  expect(ready.status).toBe(200);
  expect(ready.body).toEqual({ status: 'ready', database: 'ok', migrations: 'applied' });

  // This test file's own database: forget the last migration as if the server ran an older schema.
  const last = await db().$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`;
  await db()
    .$executeRaw`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = ${last[0].migration_name}`;
  const pending = await request(testApp()).get('/readyz');
  expect(pending.status).toBe(503);
  expect(pending.body).toEqual({ status: 'not_ready', database: 'ok', migrations: 'pending' });
});

/**
 * DATABASE_READ_URL: lists, dashboards, report figures and exports read from the replica; writes, and the reads of a
 * session that has just written, stay on the primary. The "replica" here is a second, empty database (a replica that
 * lags without limit), so a read that went there shows nothing.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { config } from '../../src/config';
import { db, primaryReads, readDb, readPool } from '../../src/db';
import { buildMember } from '../../src/seed/builders.repo';
import { buildTree, loginAs, postForm, useDb, userWith } from '../helpers';

useDb();

const replicaName = `reestr_test_replica_${crypto.randomBytes(4).toString('hex')}`;
const admin = () => new pg.Client({ connectionString: process.env.REESTR_TEST_ADMIN_URL });

beforeAll(async () => {
  const c = admin();
  await c.connect();
  await c.query(`CREATE DATABASE ${replicaName} TEMPLATE ${process.env.REESTR_TEST_TEMPLATE}`);
  await c.end();
  const u = new URL(process.env.REESTR_TEST_ADMIN_URL!);
  u.pathname = `/${replicaName}`;
  config.DATABASE_READ_URL = u.toString();
});

afterAll(async () => {
  const { disconnectDb } = await import('../../src/db');
  await disconnectDb();
  config.DATABASE_READ_URL = undefined;
  const c = admin();
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${replicaName} WITH (FORCE)`);
  await c.end();
});

const dbName = async (q: () => Promise<{ n: string }[]>) => (await q())[0].n;

it('readDb and readPool answer from the replica, and from the primary inside primaryReads', async () => {
  const primary = await dbName(() => db().$queryRaw`SELECT current_database()::text AS n`);
  expect(await dbName(() => readDb().$queryRaw`SELECT current_database()::text AS n`)).toBe(replicaName);
  expect((await readPool().query<{ n: string }>('SELECT current_database()::text AS n')).rows[0].n).toBe(replicaName);
  await primaryReads(async () => {
    await new Promise((r) => setTimeout(r, 5));
    expect(await dbName(() => readDb().$queryRaw`SELECT current_database()::text AS n`)).toBe(primary);
  });
});

it('a member list reads the replica, except for a session that has just saved something', async () => {
  const t = await buildTree();
  const m = await buildMember({ org: t.primA1, lastName: 'Репликова' });
  const chair = await userWith('CHAIR', t.primA1, { ndaAccepted: true });
  const reader = await loginAs(chair.login);
  const list = `/members?org=${t.primA1.id}`;
  // The replica has not caught up: nobody in the list (the organisation itself is read from the primary).
  const lagging = await reader.get(list);
  expect(lagging.status).toBe(200);
  expect(lagging.text).not.toContain('Репликова');

  // The same chair edits the member: the pages after it read the primary and show the change.
  const writer = await loginAs(chair.login);
  const edit = `/members/${m.memberId}/edit`;
  const version = /name="version" value="(\d+)"/.exec((await writer.get(edit)).text)![1];
  const saved = await postForm(writer, edit, edit, {
    version,
    lastName: 'Репликова-Новая',
    firstName: 'Иван',
    birthDate: '01.02.1980',
  });
  expect(saved.status).toBe(303);
  expect((await writer.get(list)).text).toContain('Репликова-Новая');
  // Another session that saved nothing still reads the replica.
  expect((await reader.get(list)).text).not.toContain('Репликова');
});

/**
 * Scale-out on one PostgreSQL: two web processes (`npm run web`) and a worker (`npm run worker`) as child processes.
 * A session made on one web process is valid on the other, a rate limit counts requests to both, and an import
 * sent to one web process is done by the worker (the web processes run no jobs).
 */
import { createToken } from '../../src/modules/auth/auth.repo';
import pg from 'pg';
import { db } from '../../src/db';
import { buildMember } from '../../src/seed/builders.repo';
import { PASSWORD, buildTree, useDb, userWith } from '../helpers';
import { csv } from '../imports/support';
import { Browser, startRole, stopAll, type Child } from './processes';
import { startReplica, type Replica } from './replica';

useDb();
jest.setTimeout(90_000);

let web1: Child | undefined;
let web2: Child | undefined;
let worker: Child | undefined;
let replica: Replica | null = null;
const base = (c: Child | undefined) => `http://127.0.0.1:${c!.port}`;

beforeAll(async () => {
  // A streaming replica where the test can make one (the embedded cluster, run as root): the web processes read there.
  replica = await startReplica(process.env.REESTR_TEST_ADMIN_URL!);
  const dbName = new URL(process.env.DATABASE_URL!).pathname.slice(1);
  const env: Record<string, string> = { DATABASE_URL: process.env.DATABASE_URL! };
  if (replica) env.DATABASE_READ_URL = replica.url(dbName);
  // All at once: migrate() serialises them on an advisory lock (the test database is migrated already).
  await Promise.all([
    startRole('web', env).then((c) => (web1 = c)),
    startRole('web', env).then((c) => (web2 = c)),
    startRole('worker', env).then((c) => (worker = c)),
  ]);
}, 150_000);

afterAll(async () => {
  await stopAll();
  await replica?.stop();
});

it('a session signed in on web 1 is valid on web 2, and signing out on web 2 ends it on web 1', async () => {
  const t = await buildTree();
  const chair = await userWith('CHAIR', t.primA1, { ndaAccepted: true });
  const b = new Browser();
  const login = await b.login(base(web1), chair.login, PASSWORD);
  expect(login.status).toBe(303);
  const other = await b.request(base(web2), `/orgs/${t.primA1.id}`);
  expect(other.status).toBe(200);
  expect(await other.text()).toContain(t.primA1.name);
  // An anonymous browser is sent to the sign-in page by the same process.
  const anonymous = await new Browser().request(base(web2), `/orgs/${t.primA1.id}`);
  expect(anonymous.status).toBe(303);
  expect(anonymous.headers.get('location')).toMatch(/^\/login/);
  // Signing out on web 2 ends the session on web 1 too.
  const csrf = await b.csrf(base(web2), `/orgs/${t.primA1.id}`);
  const out = await b.request(base(web2), '/logout', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf }).toString(),
  });
  expect(out.status).toBe(303);
  expect((await b.request(base(web1), `/orgs/${t.primA1.id}`)).status).toBe(303);
});

it('failed sign-ins sent to both web processes count against one allowance', async () => {
  const t = await buildTree();
  const chair = await userWith('CHAIR', t.primA1);
  const b = new Browser();
  for (let i = 0; i < 10; i++) {
    const res = await b.login(base(i % 2 ? web2 : web1), chair.login, `Wrong-password-${i}`);
    expect(res.status).toBe(401);
  }
  expect((await b.login(base(web1), chair.login, PASSWORD)).status).toBe(429);
  expect((await b.login(base(web2), chair.login, PASSWORD)).status).toBe(429);
});

it('an import sent to web 1 is done by the worker and reported by web 2', async () => {
  const t = await buildTree();
  const chair = await userWith('CHAIR', t.primA2);
  const { token } = await createToken(chair.id, 'scale-test', 1);
  const auth = { authorization: `Bearer ${token}` };
  const form = new FormData();
  form.set('mode', 'add');
  const file = csv([
    ['Фамилия', 'Имя', 'Отчество', 'Дата рождения'],
    ['Масштабова', 'Анна', 'Петровна', '01.02.1985'],
    ['Процессов', 'Иван', 'Ильич', '03.04.1979'],
  ]);
  form.set('file', new Blob([new Uint8Array(file)], { type: 'text/csv' }), 'scale.csv');
  const sent = await fetch(`${base(web1)}/api/v1/orgs/${t.primA2.id}/imports`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  expect(sent.status).toBe(202);
  const { jobId } = (await sent.json()) as { jobId: string };
  const until = Date.now() + 60_000;
  let body: { status: string; result: { created: number } | null } = { status: 'queued', result: null };
  while (body.status !== 'done' && body.status !== 'failed') {
    if (Date.now() > until) throw new Error(`still ${body.status}; worker said:\n${worker!.output()}`);
    await new Promise((r) => setTimeout(r, 250));
    body = (await (await fetch(`${base(web2)}/api/v1/jobs/${jobId}`, { headers: auth })).json()) as typeof body;
  }
  expect(body.status).toBe('done');
  expect(body.result).toMatchObject({ created: 2 });
  // pg-boss recorded the job as completed: the worker took it (the web processes run no workers).
  const [job] = await db().$queryRawUnsafe<{ state: string }[]>(
    `SELECT state::text FROM pgboss.job WHERE name = 'import' AND data->>'importId' = $1`,
    jobId,
  );
  expect(job.state).toBe('completed');
});

it('with a replica: lists on the web processes are read from the standby, which follows the primary', async () => {
  if (!replica) return; // no replica could be made here (external server): nothing more to prove
  const standby = new pg.Client({
    connectionString: replica.url(new URL(process.env.DATABASE_URL!).pathname.slice(1)),
  });
  await standby.connect();
  try {
    expect((await standby.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')).rows[0].r).toBe(true);
    const t = await buildTree();
    await buildMember({ org: t.primA1, lastName: 'Стендбаева' });
    const chair = await userWith('CHAIR', t.primA1, { ndaAccepted: true });
    const b = new Browser();
    expect((await b.login(base(web2), chair.login, PASSWORD)).status).toBe(303);
    const reads = async () =>
      Number(
        (
          await standby.query<{ n: string }>(
            'SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()',
          )
        ).rows[0].n,
      );
    const before = await reads();
    // The member written on the primary reaches the standby within moments, and the list shows it from there.
    const until = Date.now() + 15_000;
    let html = '';
    while (!html.includes('Стендбаева')) {
      if (Date.now() > until) throw new Error('the member never appeared in the list read from the replica');
      html = await (await b.request(base(web2), `/members?org=${t.primA1.id}`)).text();
    }
    await standby.query('SELECT pg_stat_clear_snapshot()');
    expect(await reads()).toBeGreaterThan(before);
  } finally {
    await standby.end();
  }
});

import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client';
import { config } from './config';

export type Db = PrismaClient;
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

let client: PrismaClient | undefined;
let pool: pg.Pool | undefined;

/** The one Prisma client, created on first use so that the database URL can be settled first. */
export function db(): PrismaClient {
  if (!client) {
    if (!config.DATABASE_URL) throw new Error('DATABASE_URL is not set');
    pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10 });
    // An idle connection cut by the server (restart, shutdown) must not crash the process.
    pool.on('error', (e) => {
      if (config.LOG_LEVEL !== 'silent') console.error('PostgreSQL (пул приложения):', e.message);
    });
    const adapter = new PrismaPg(pool);
    client = new PrismaClient({ adapter });
  }
  return client;
}

/**
 * The same connection pool, for the report repos' big aggregations: tens of thousands of aggregate rows come
 * back far faster through the plain driver than through the ORM's row decoding.
 */
export function sqlPool(): pg.Pool {
  db();
  return pool!;
}

const statementNames = new Map<string, string>();

/**
 * A fixed-text statement that every page runs (the signed-in user, the page's organisation, the session, the audit
 * row), as a named statement: each connection parses it once and PostgreSQL keeps its plan (a generic one once it is
 * no worse than the custom ones), instead of parsing and planning it on every page. Planning the signed-in user's
 * statement alone cost ~0.25 ms of the server's CPU per page (pgbench: 3,700 → 19,400 runs/s prepared).
 * Only for statements whose text never varies: each distinct text is one more statement kept per connection.
 */
export function prepared(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (!name) {
    name = `r_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}

/** The pool for the session store: its plain `query(text, params)` (all the store calls) runs as named statements. */
export function preparingPool(p: pg.Pool): pg.Pool {
  const q = Object.create(p) as pg.Pool;
  q.query = ((text: string, params: unknown[]) => p.query(prepared(text, params))) as pg.Pool['query'];
  return q;
}

/**
 * Rows of a `Prisma.sql` statement through a plain pool, not the ORM's raw query (which still costs the ORM's
 * request handling on every page). Only for statements whose columns read the same either way: text, uuid,
 * booleans, and counts that the caller passes through Number() (the driver gives int8 as text, the ORM as bigint).
 * Dates come back differently (the driver reads a timestamp without time zone as local time): cast them in SQL.
 */
export async function sqlRows<T extends pg.QueryResultRow>(p: pg.Pool, q: { text: string; values: unknown[] }) {
  return (await p.query<T>(q.text, q.values)).rows;
}

const appKeys = new Map<string, string>();

/**
 * A secret key of the installation by name (QR signing, sign-in codes, stand-in ids): made at random on first use
 * and kept in AppSecret, so that every process and every restart uses the same one; read once per process.
 */
export async function appKey(name: string): Promise<string> {
  const known = appKeys.get(name);
  if (known) return known;
  const value = randomBytes(32).toString('base64url');
  await db().appSecret.upsert({ where: { name }, create: { name, value }, update: {} });
  const kept = (await db().appSecret.findUniqueOrThrow({ where: { name } })).value;
  appKeys.set(name, kept);
  return kept;
}

let readClient: PrismaClient | undefined;
let readPoolRef: pg.Pool | undefined;
const onPrimary = new AsyncLocalStorage<true>();

/** Whether reads go to a replica at all: DATABASE_READ_URL is set and differs from the primary's. */
export function hasReadReplica(): boolean {
  return !!config.DATABASE_READ_URL && config.DATABASE_READ_URL !== config.DATABASE_URL;
}

function openReplica(): void {
  if (readClient) return;
  readPoolRef = new pg.Pool({ connectionString: config.DATABASE_READ_URL, max: 10 });
  readPoolRef.on('error', (e) => {
    if (config.LOG_LEVEL !== 'silent') console.error('PostgreSQL (реплика для чтения):', e.message);
  });
  readClient = new PrismaClient({ adapter: new PrismaPg(readPoolRef) });
}

/**
 * The client for reads that may lag a little behind the primary (dashboards, report figures, exports, search):
 * the replica of DATABASE_READ_URL, else the primary. Inside `primaryReads` (a session that has just written) it
 * is the primary, so nobody misses what they have just saved. Never write through it: a replica refuses writes.
 */
export function readDb(): PrismaClient {
  if (!hasReadReplica() || onPrimary.getStore()) return db();
  openReplica();
  return readClient!;
}

/** The plain pool beside readDb(), for the report repos' big aggregations. */
export function readPool(): pg.Pool {
  if (!hasReadReplica() || onPrimary.getStore()) return sqlPool();
  openReplica();
  return readPoolRef!;
}

/** Runs `fn` (and everything it awaits) with readDb()/readPool() answering from the primary. */
export function primaryReads<T>(fn: () => T): T {
  return onPrimary.run(true, fn);
}

const fresh = new AsyncLocalStorage<true>();

/**
 * Runs `fn` (and everything it awaits) wanting figures computed now: no precomputed snapshot (a session that has
 * changed something in the last minutes, an API call). See modules/organisations/snapshots.ts.
 */
export function freshReads<T>(fn: () => T): T {
  return fresh.run(true, fn);
}

export function wantsFresh(): boolean {
  return fresh.getStore() === true;
}

export async function disconnectDb(): Promise<void> {
  const r = readClient;
  const rp = readPoolRef;
  readClient = undefined;
  readPoolRef = undefined;
  await r?.$disconnect();
  // The adapter leaves a pool it was given open: its idle connections would outlive the stop.
  await rp?.end().catch(() => undefined);
  if (client) {
    const c = client;
    const p = pool;
    client = undefined;
    pool = undefined;
    await c.$disconnect();
    await p?.end().catch(() => undefined);
  }
}

/** One transaction on a plain pool client, for set-based bulk statements (imports, group operations, rollups). */
export async function withTransaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await sqlPool().connect();
  try {
    await c.query('BEGIN');
    const r = await fn(c);
    await c.query('COMMIT');
    return r;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

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

export async function disconnectDb(): Promise<void> {
  if (client) {
    const c = client;
    client = undefined;
    pool = undefined;
    await c.$disconnect();
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

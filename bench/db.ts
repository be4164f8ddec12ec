/**
 * The benchmark database, shared by `npm run bench` and `npm run bench:load`: an embedded PostgreSQL in
 * BENCH_PG_DIR (default ./data/bench-pg) on BENCH_PG_PORT (default 5477), or BENCH_DATABASE_URL. The union of
 * BENCH_MEMBERS members (default 4,000,000) is generated once per size (database bench_<members>) by names.sql +
 * generate.sql, and the load test's accounts by users.sql; then it is kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbedded } from '../src/db/embedded';
import { migrate } from '../src/db/migrate';
import { hashPassword } from '../src/modules/auth/passwords';

export const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 4_000_000);
/** The password of every generated account (bench-c, bench-r-N, bench-t-N, bench-p-N). */
export const BENCH_PASSWORD = 'bench-Пароль-2026';
/** The second factor of the central and regional accounts (required at those levels): bench/http.ts signs in with it. */
export const BENCH_TOTP_SECRET = 'KRUGKIDROVUWG2ZAMJSW4Y3ILBQWY5DF';
// A server sized for the union's registry: the statistics' indexes (about 0.5 GB at 4M) fit in shared memory.
// BENCH_PG_STATS=1 loads pg_stat_statements: npm run bench then lists the statements the pages spent most time in.
export const PG_STATS = process.env.BENCH_PG_STATS === '1';
export const SERVER_SETTINGS: Record<string, string> = {
  shared_buffers: process.env.BENCH_SHARED_BUFFERS ?? '2GB',
  ...(PG_STATS ? { shared_preload_libraries: 'pg_stat_statements' } : {}),
};

export async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e6, r];
}

export async function benchDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  let url = process.env.BENCH_DATABASE_URL;
  let stop = async (): Promise<void> => undefined;
  if (!url) {
    const dir = path.resolve(process.env.BENCH_PG_DIR ?? path.join('data', 'bench-pg'));
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    const port = Number(process.env.BENCH_PG_PORT ?? 5477);
    const db = await startEmbedded({ dir, port, persistent: true, settings: SERVER_SETTINGS });
    stop = () => db.stop();
    const name = `bench_${MEMBERS}`;
    if (!(await db.databaseExists(name))) await db.createDatabase(name);
    url = db.url(name);
  }
  await migrate(url);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const have = Number((await c.query('SELECT count(*) AS n FROM "Member"')).rows[0].n);
    if (have === 0) {
      console.log(`Генерация союза: ${MEMBERS.toLocaleString('ru-RU')} членов… (один раз)`);
      const sql = ['names.sql', 'generate.sql']
        .map((f) => fs.readFileSync(path.join(__dirname, f), 'utf8'))
        .join('\n')
        .replace(/:members/g, String(MEMBERS));
      // Statement by statement in one transaction, each timed (a long generation shows where it is).
      const statements = sql
        .split(/;\s*\n/)
        .map((x) => x.trim())
        .filter((x) => x.replace(/--.*$/gm, '').trim());
      const [ms] = await time(async () => {
        await c.query('BEGIN');
        for (const st of statements) {
          const [t] = await time(() => c.query(st));
          const first = st.replace(/--.*$/gm, '').trim().split('\n')[0].slice(0, 90);
          if (t > 1000) console.log(`  ${(t / 1000).toFixed(1).padStart(7)} с  ${first}`);
        }
        await c.query('COMMIT');
      });
      console.log(`  сгенерировано за ${(ms / 1000).toFixed(0)} с`);
    } else console.log(`Данные уже есть: ${have.toLocaleString('ru-RU')} членов`);
    const users = Number((await c.query(`SELECT count(*) AS n FROM "User" WHERE login LIKE 'bench-%'`)).rows[0].n);
    if (users === 0) {
      const hash = await hashPassword(BENCH_PASSWORD);
      const sql = fs.readFileSync(path.join(__dirname, 'users.sql'), 'utf8').replace(/:hash/g, pg.escapeLiteral(hash));
      await c.query(sql);
    }
    await c.query(
      `INSERT INTO "SecondFactor"("userId", secret) SELECT id, $1 FROM "User"
       WHERE login = 'bench-c' OR login LIKE 'bench-r-%' ON CONFLICT ("userId") DO NOTHING`,
      [BENCH_TOTP_SECRET],
    );
  } finally {
    await c.end();
  }
  return { url, stop };
}

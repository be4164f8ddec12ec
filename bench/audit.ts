/**
 * npm run bench:audit — the partitioned audit log at a year's volume (issue 12).
 * On the benchmark union (bench/db.ts), generates once BENCH_AUDIT_ROWS rows (default 3,000,000: about 8,000 a day,
 * enough to time the per-account query; the real log at the report deadline is larger, and the query reads only the
 * account's rows, one index range per month) with a heavy reader (bench-c, BENCH_AUDIT_HEAVY rows, default 50,000),
 * then times "whose records did this account read" over the year for the heavy reader and an ordinary one: the
 * first page and the counts (median of BENCH_RUNS runs), and prints the plan of the first page.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { benchDatabase, time } from './db';

const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 3_000_000);
const HEAVY = Number(process.env.BENCH_AUDIT_HEAVY ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const { url, stop } = await benchDatabase();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const have = Number(
      (await c.query(`SELECT count(*) AS n FROM "AuditLog" WHERE at < now() - interval '1 day'`)).rows[0].n,
    );
    if (have < ROWS / 2) {
      console.log(`Генерация журнала: ${ROWS.toLocaleString('ru-RU')} записей за год… (один раз)`);
      const sql = fs
        .readFileSync(path.join(__dirname, 'audit.sql'), 'utf8')
        .replace(/:rows/g, String(ROWS))
        .replace(/:heavy/g, String(HEAVY));
      const [ms] = await time(() => c.query(sql));
      console.log(`  сгенерировано за ${(ms / 1000).toFixed(0)} с`);
    }
    const parts = (await c.query(`SELECT count(*) AS n, sum(rows) AS r FROM audit_log_partitions()`)).rows[0];
    console.log(`Журнал: ${Number(parts.r).toLocaleString('ru-RU')} записей (оценка) в ${parts.n} месячных разделах`);
    process.env.DATABASE_URL = url;
    process.env.LOG_LEVEL = 'silent';
    const { readsOf } = await import('../src/modules/audit/reads.repo');
    const { disconnectDb } = await import('../src/db');
    const to = new Date();
    to.setUTCHours(24, 0, 0, 0);
    const from = new Date(to);
    from.setUTCFullYear(from.getUTCFullYear() - 1);
    const users = (
      await c.query<{ login: string; id: string }>(
        `SELECT login, id FROM "User" WHERE login IN ('bench-c', 'bench-p-1') ORDER BY login`,
      )
    ).rows;
    for (const u of users) {
      for (const page of [1, 20]) {
        const run = () => readsOf(u.id, { from, to, page, pageSize: 50 });
        const r = await run();
        const xs: number[] = [];
        for (let i = 0; i < RUNS; i++) xs.push((await time(run))[0]);
        console.log(
          `Чьи данные читал ${u.login.padEnd(10)} за год, стр. ${String(page).padEnd(3)} (${r.total.toLocaleString('ru-RU')} просмотров, ${r.records.toLocaleString('ru-RU')} записей): медиана ${median(xs).toFixed(0)} мс, макс ${Math.max(...xs).toFixed(0)} мс`,
        );
      }
    }
    await disconnectDb();
    const heavy = users.find((u) => u.login === 'bench-c')!;
    const plan = await c.query(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT a.id, a.at FROM "AuditLog" a WHERE a."userId" = $1 AND a.at >= $2 AND a.at < $3
       AND a.action = ANY($4) ORDER BY a.at DESC, a.id DESC LIMIT 50`,
      [heavy.id, from, to, ['member.viewed', 'card.viewed', 'member.listed', 'member.exported', 'member.updated']],
    );
    console.log('\nПлан первой страницы (bench-c):');
    for (const r of plan.rows.slice(0, 14)) console.log('  ' + (r as Record<string, string>)['QUERY PLAN']);
  } finally {
    await c.end();
    await stop();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});

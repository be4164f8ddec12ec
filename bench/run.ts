/**
 * npm run bench — speed of the statistical forms at the union's real scale (issue 4).
 * Generates (once; kept in ./data/bench-pg, or uses BENCH_DATABASE_URL) a deterministic union of 4,000,000 members in
 * 75,400 primary organisations (BENCH_MEMBERS to change), then prints the median of several runs of:
 *   the union-wide consolidated form computed live as of a date, the same for one region, one primary's 5СП,
 *   the dashboard's summary of the central council and of a region,
 *   and the union-wide form served from rollups (after one rollup build, also timed).
 * The embedded server gets shared_buffers=2GB (BENCH_SHARED_BUFFERS to change), as a server for the whole union would.
 */
import os from 'node:os';
import pg from 'pg';
import { benchDatabase, time } from './db';
import { benchPages } from './pages';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const AS_OF = '2026-01-01';

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const { url, stop } = await benchDatabase();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  // What autovacuum does in production after bulk changes: statistics for the planner and the visibility map
  // that lets the as-of index answer without reading the table.
  const [vacMs] = await time(() => c.query('VACUUM (ANALYZE)'));
  console.log(`  VACUUM ANALYZE: ${(vacMs / 1000).toFixed(1)} с`);
  const settings = (
    await c.query(`SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) AS s FROM pg_settings
    WHERE name IN ('shared_buffers', 'work_mem', 'random_page_cost', 'max_parallel_workers_per_gather')`)
  ).rows[0].s;
  // The largest region: the one with the most members on the date (one pass over the registrations, summed by the
  // region's id, the second id in every path).
  const regionId = (
    await c.query(
      `WITH per_org AS (SELECT r."organisationId" AS id, count(*) AS n FROM "Registration" r
         WHERE r."validFrom" <= $1 AND (r."validTo" IS NULL OR r."validTo" > $1) GROUP BY 1)
       SELECT split_part(o.path, '/', 3) AS id FROM per_org p JOIN "Organisation" o ON o.id = p.id
       WHERE o.depth >= 1 GROUP BY 1 ORDER BY sum(p.n) DESC, 1 LIMIT 1`,
      [AS_OF],
    )
  ).rows[0].id as string;
  await c.end();

  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL = 'silent';
  const { db, disconnectDb } = await import('../src/db');
  const { loadShippedTemplates, templateByCode } = await import('../src/modules/reports/reports.repo');
  const { computeLive, definitionOf, buildRollup } = await import('../src/modules/reports/figures');
  const { unitIndicators } = await import('../src/modules/reports/indicators.repo');
  const { subtreeSummary } = await import('../src/modules/organisations/summary.repo');
  const { cardProgress, notStarted } = await import('../src/modules/cards/progress.repo');
  const { listMembers } = await import('../src/modules/members/list.repo');
  const { countAndGroups } = await import('../src/modules/custom/custom.repo');
  await loadShippedTemplates();
  const union = definitionOf((await templateByCode('UNION'))!);
  const f1 = definitionOf((await templateByCode('1SP'))!);
  const f5 = definitionOf((await templateByCode('5SP'))!);
  const central = await db().organisation.findFirstOrThrow({ where: { kind: 'CENTRAL' } });
  const region = await db().organisation.findUniqueOrThrow({ where: { id: regionId } });
  const primary = await db().organisation.findFirstOrThrow({ where: { kind: 'PRIMARY' }, orderBy: { nameKey: 'asc' } });

  const cores = os.cpus().length;
  console.log(`\nМашина: ${cores} ядра, ${(os.totalmem() / 2 ** 30).toFixed(0)} ГБ; сервер: ${settings}`);
  console.log(`Дата расчёта ${AS_OF}; медиана из ${RUNS} прогонов; регион: ${region.name}\n`);
  const bench = async (label: string, fn: () => Promise<unknown>) => {
    await fn(); // warm-up
    const xs: number[] = [];
    for (let i = 0; i < RUNS; i++) xs.push((await time(fn))[0]);
    console.log(
      `${label.padEnd(62)} ${median(xs).toFixed(0).padStart(7)} мс  (мин ${Math.min(...xs).toFixed(0)}, макс ${Math.max(...xs).toFixed(0)})`,
    );
  };
  if (process.env.BENCH_FUNCTIONS !== '0') {
    await bench('Сводная форма всего Профсоюза, живой расчёт', () => computeLive(central, union, AS_OF));
    await bench('Форма 1СП одного региона, живой расчёт', () => computeLive(region, f1, AS_OF));
    await bench('Форма 5СП одной ППО, живой расчёт', () => computeLive(primary, f5, AS_OF));
    await bench('Показатели одной ППО (4 запроса SQL)', () => unitIndicators({ unitIds: [primary.id] }, AS_OF));
    await bench('Главная страница ЦС: сводка по регионам и ППО без членов', () =>
      subtreeSummary(central, AS_OF, { emptyList: 30 }),
    );
    await bench('Главная страница региона', () => subtreeSummary(region, AS_OF, { emptyList: 30 }));
    await bench('Ход обмена билетов по Профсоюзу (таблица регионов)', () => cardProgress(central, AS_OF));
    await bench('ППО, не начавшие обмен билетов (по Профсоюзу)', () => notStarted(central, AS_OF));
    const list = (path: string, q: object) =>
      listMembers(path, { page: 1, pageSize: 50, sort: 'name', asOf: AS_OF, ...q } as never);
    await bench('Список членов всего Профсоюза, первая страница', () => list(central.path, {}));
    await bench('Поиск по фамилии по всему Профсоюзу', () => list(central.path, { q: 'Смирнова' }));
    await bench('Список членов региона, первая страница', () => list(region.path, {}));
    await bench('Отчёт по параметрам по Профсоюзу: все, по регионам', () =>
      countAndGroups(central.path, central.depth, { subject: 'members', asOf: AS_OF, columns: [], group: true }),
    );
    await bench('Отчёт по параметрам: женщины до 35 лет с билетом', () =>
      countAndGroups(central.path, central.depth, {
        subject: 'members',
        asOf: AS_OF,
        columns: [],
        group: true,
        gender: 'FEMALE',
        age: 'under35',
        card: 'yes',
      }),
    );
    const [rollMs, n] = await time(() => buildRollup(central, AS_OF));
    console.log(
      `${'Построение свёрток на дату (один раз)'.padEnd(62)} ${rollMs.toFixed(0).padStart(7)} мс  (${n} организаций)`,
    );
    await bench('Сводная форма всего Профсоюза из свёрток', () =>
      computeLive(central, union, AS_OF, { fromRollup: true }),
    );
    await bench('Форма 1СП региона из свёрток', () => computeLive(region, f1, AS_OF, { fromRollup: true }));
  }
  // The union's dashboard, card progress and "not started" for today are served from a snapshot the app's job
  // recomputes every 2 minutes (src/modules/organisations/snapshots.ts): its cost, then the pages as served.
  const { refreshSnapshots } = await import('../src/modules/organisations/snapshots');
  const [snapMs] = await time(() => refreshSnapshots(central));
  console.log(
    `${'Снимок сводки Профсоюза на сегодня (задача раз в 2 минуты)'.padEnd(62)} ${snapMs.toFixed(0).padStart(7)} мс`,
  );
  await disconnectDb();
  if (process.env.BENCH_HTTP !== '0') await benchPages(url, regionId);
  await stop();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});

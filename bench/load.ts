/**
 * npm run bench:load — the server under many chairs at once (issue 12).
 * Uses the benchmark union (bench/db.ts: BENCH_MEMBERS, BENCH_PG_PORT, BENCH_PG_DIR), starts the app on loopback
 * (BENCH_LOAD_PORT, default 3121) as its own process, signs in the generated chairs (bench-p-N, bench-t-N,
 * bench-r-N, bench-c; BENCH_LOAD_USERS primary chairs, default 150, and a fifth as many territorial and regional),
 * then for BENCH_LOAD_SECONDS (default 60) keeps BENCH_LOAD_CONNECTIONS (default 20) connections busy with a mix:
 * 70 % primary chairs' pages, 20 % territorial and regional chairs' pages, 10 % searches and reports.
 * Prints throughput, p50/p95/p99 and errors per page kind and per page. A benchmark, not a test.
 */
import autocannon from 'autocannon';
import pg from 'pg';
import { benchDatabase, PG_STATS } from './db';
import { signIn, startServer } from './http';

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 20);
const PORT = Number(process.env.BENCH_LOAD_PORT ?? 3121);
const PRIMARY_USERS = Number(process.env.BENCH_LOAD_USERS ?? 150);
/** Web processes (BENCH_WEB_PROCESSES, default 1): the app plus that many less one `npm run web` beside it, each
 * on its own port, the connections shared between them as a proxy would (sessions live in PostgreSQL). */
const WEB_PROCESSES = Math.max(1, Number(process.env.BENCH_WEB_PROCESSES ?? 1));
/** The mix in percent, primary / territorial-regional / search-reports (BENCH_LOAD_MIX, default 70,20,10). */
const [MIX_PRIMARY, MIX_TERRITORIAL] = (process.env.BENCH_LOAD_MIX ?? '70,20,10').split(',').map(Number);
/** Only the pages whose name contains this text (BENCH_LOAD_ONLY, e.g. «карточка»): one page's cost alone. */
const ONLY = process.env.BENCH_LOAD_ONLY ?? '';
/** Common and rare surname beginnings, as chairs type them. */
const SEARCHES = ['Смирнова', 'Иванов', 'Кузнецова', 'Фёдоров', 'Ков', 'Белоусова', 'Шевченко', 'Лапш', 'Соловьёва'];

type Group = 'primary' | 'territorial' | 'search';
interface Chair {
  login: string;
  org: string;
  kind: string;
  members: string[];
  cookie?: string;
}
interface Page {
  group: Group;
  name: string;
  path: (c: Chair) => string;
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];
const enc = encodeURIComponent;
const PAGES: Record<Group, Page[]> = {
  primary: [
    { group: 'primary', name: 'ППО: главная', path: (c) => `/orgs/${c.org}` },
    { group: 'primary', name: 'ППО: список членов', path: (c) => `/members?org=${c.org}` },
    { group: 'primary', name: 'ППО: карточка члена', path: (c) => `/members/${pick(c.members)}` },
    { group: 'primary', name: 'ППО: билеты', path: (c) => `/orgs/${c.org}/cards` },
    { group: 'primary', name: 'ППО: отчёты', path: (c) => `/orgs/${c.org}/reports` },
  ],
  territorial: [
    { group: 'territorial', name: 'Терр./рег.: главная', path: (c) => `/orgs/${c.org}` },
    { group: 'territorial', name: 'Терр./рег.: список членов', path: (c) => `/members?org=${c.org}` },
    { group: 'territorial', name: 'Терр./рег.: ход обмена билетов', path: (c) => `/orgs/${c.org}/cards/progress` },
  ],
  search: [
    { group: 'search', name: 'Поиск по фамилии', path: (c) => `/members?org=${c.org}&q=${enc(pick(SEARCHES))}` },
    {
      group: 'search',
      name: 'Отчёт по параметрам',
      path: (c) => `/orgs/${c.org}/custom?run=1&subject=members&gender=FEMALE&age=under35&group=on`,
    },
    { group: 'search', name: 'Отчёты (формы)', path: (c) => `/orgs/${c.org}/reports` },
  ],
};

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function chairs(url: string): Promise<Chair[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ login: string; org: string; kind: string; path: string }>(
      `SELECT u.login, o.id AS org, o.kind::text AS kind, o.path
       FROM "User" u JOIN "RoleAssignment" ra ON ra."userId" = u.id JOIN "Organisation" o ON o.id = ra."organisationId"
       WHERE u.login LIKE 'bench-%'
         AND (o.kind <> 'PRIMARY' OR nullif(split_part(u.login, '-', 3), '')::int <= $1)
         AND (o.kind NOT IN ('TERRITORIAL', 'REGIONAL') OR nullif(split_part(u.login, '-', 3), '')::int <= $2)
       ORDER BY u.login`,
      [PRIMARY_USERS, Math.max(1, Math.ceil(PRIMARY_USERS / 5))],
    );
    // A few current members of each primary organisation, one query per chair with a constant path prefix (a
    // correlated LIKE over the organisation tree cannot use the path index and took minutes).
    const out: Chair[] = [];
    for (const r of rows) {
      let members: string[] = [];
      if (r.kind === 'PRIMARY') {
        const m = await c.query<{ id: string }>(
          `SELECT r."memberId"::text AS id FROM "Registration" r
           WHERE r."validTo" IS NULL AND r."organisationId" IN (SELECT id FROM "Organisation" WHERE path LIKE $1)
           LIMIT 5`,
          [`${r.path}%`],
        );
        members = m.rows.map((x) => x.id);
        if (!members.length) continue;
      }
      out.push({ login: r.login, org: r.org, kind: r.kind, members });
    }
    return out;
  } finally {
    await c.end();
  }
}

async function main() {
  const { url, stop } = await benchDatabase();
  const all = await chairs(url);
  const server = await startServer(url, PORT);
  const BASE = server.base;
  const others: Awaited<ReturnType<typeof startServer>>[] = [];
  try {
    for (let i = 1; i < WEB_PROCESSES; i++) others.push(await startServer(url, PORT + i, 'src/web.ts'));
    const t0 = Date.now();
    for (let i = 0; i < all.length; i += 4)
      await Promise.all(
        all.slice(i, i + 4).map(async (c, j) => {
          c.cookie = await signIn(BASE, c.login, i + j + 1);
        }),
      );
    console.log(`Вошли ${all.length} председателей за ${((Date.now() - t0) / 1000).toFixed(1)} с`);
    const by = {
      primary: all.filter((c) => c.kind === 'PRIMARY'),
      territorial: all.filter((c) => c.kind === 'TERRITORIAL' || c.kind === 'REGIONAL'),
      search: all.filter((c) => c.kind !== 'PRIMARY'),
    };
    const stats = new pg.Client({ connectionString: url });
    if (PG_STATS) {
      await stats.connect();
      await stats.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await stats.query('SELECT pg_stat_statements_reset()');
    }
    const samples = new Map<string, { group: Group; ms: number[]; errors: number }>();
    interface Ctx {
      page?: Page;
      t0?: bigint;
    }
    const run = (base: string, connections: number) =>
      autocannon({
        url: base,
        connections,
        duration: SECONDS,
        requests: [
          {
            method: 'GET',
            setupRequest: (req: autocannon.Request, context: Ctx) => {
              const r = Math.random();
              const group: Group =
                r < MIX_PRIMARY / 100
                  ? 'primary'
                  : r < (MIX_PRIMARY + MIX_TERRITORIAL) / 100
                    ? 'territorial'
                    : 'search';
              const only = ONLY ? PAGES[group].filter((p) => p.name.includes(ONLY)) : [];
              const page = pick(only.length ? only : PAGES[group]);
              const chair = pick(by[group]);
              context.page = page;
              context.t0 = process.hrtime.bigint();
              return {
                ...req,
                method: 'GET',
                path: page.path(chair),
                headers: { ...req.headers, cookie: chair.cookie! },
              };
            },
            onResponse: (status: number, _body: string, context: Ctx) => {
              const page = context.page!;
              const s = samples.get(page.name) ?? { group: page.group, ms: [], errors: 0 };
              s.ms.push(Number(process.hrtime.bigint() - context.t0!) / 1e6);
              if (status >= 400) s.errors++;
              samples.set(page.name, s);
            },
          },
        ],
      });
    // The connections shared between the processes as a proxy would; the totals summed.
    const bases = [BASE, ...others.map((o) => o.base)];
    const runs = await Promise.all(
      bases.map((b, i) => run(b, Math.floor(CONNECTIONS / bases.length) + (i < CONNECTIONS % bases.length ? 1 : 0))),
    );
    const result = {
      requests: {
        total: runs.reduce((n, r) => n + r.requests.total, 0),
        average: runs.reduce((n, r) => n + r.requests.average, 0),
      },
      errors: runs.reduce((n, r) => n + r.errors, 0),
      timeouts: runs.reduce((n, r) => n + r.timeouts, 0),
      non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    };
    const line = (label: string, ms: number[], errors: number) => {
      const s = [...ms].sort((a, b) => a - b);
      const f = (x: number) => x.toFixed(0).padStart(6);
      console.log(
        `${label.padEnd(34)} ${String(s.length).padStart(7)} ${(s.length / SECONDS).toFixed(1).padStart(7)} ` +
          `${f(percentile(s, 50))} ${f(percentile(s, 95))} ${f(percentile(s, 99))} ${String(errors).padStart(6)}`,
      );
    };
    console.log(
      `\n${SECONDS} с, ${CONNECTIONS} соединений, веб-процессов ${WEB_PROCESSES}, ${all.length} сессий; ` +
        `всего ${result.requests.total} запросов, ${result.requests.average.toFixed(1)} запр/с; ` +
        `ошибок соединения ${result.errors}, тайм-аутов ${result.timeouts}, ответов не 2xx ${result.non2xx}`,
    );
    console.log(`${'страница'.padEnd(34)} ${'запр.'.padStart(7)} ${'запр/с'.padStart(7)}    p50    p95    p99 ошибки`);
    const groups: [Group, string][] = [
      ['primary', 'ППО (70 %)'],
      ['territorial', 'Терр./рег. (20 %)'],
      ['search', 'Поиск и отчёты (10 %)'],
    ];
    const every = [...samples.values()];
    line(
      'ВСЕ',
      every.flatMap((s) => s.ms),
      every.reduce((n, s) => n + s.errors, 0),
    );
    for (const [g, label] of groups) {
      const xs = every.filter((s) => s.group === g);
      line(
        `${label}`,
        xs.flatMap((s) => s.ms),
        xs.reduce((n, s) => n + s.errors, 0),
      );
      for (const [name, s] of samples) if (s.group === g) line(`  ${name}`, s.ms, s.errors);
    }
    if (PG_STATS) {
      // Statements per request and where the database's time went (BENCH_PG_STATS=1).
      for (const order of ['calls', 'total_exec_time']) {
        const { rows } = await stats.query<{ calls: string; mean: number; total: number; query: string }>(
          `SELECT calls, mean_exec_time AS mean, total_exec_time AS total,
                  left(regexp_replace(query, '\\s+', ' ', 'g'), 200) AS query
           FROM pg_stat_statements ORDER BY ${order} DESC LIMIT 25`,
        );
        console.log(`\nЗапросы к базе по ${order === 'calls' ? 'числу вызовов' : 'суммарному времени'}:`);
        for (const r of rows)
          console.log(
            `${r.total.toFixed(0).padStart(8)} мс ${r.mean.toFixed(2).padStart(8)} мс × ${r.calls}  ${r.query}`,
          );
      }
      await stats.end();
    }
  } finally {
    for (const o of others) await o.stop();
    await server.stop();
    await stop();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});

/**
 * The daily pages timed through HTTP (npm run bench, after the function timings): the app as its own process
 * (bench/http.ts), chairs of a primary, a territorial organisation and the central council signed in, each page
 * requested BENCH_HTTP_RUNS times (default 20) after a warm-up, one at a time; median and p95 to the last byte.
 * The region is the largest one, opened by the central council's chair.
 */
import pg from 'pg';
import { signIn, startServer, timedGet } from './http';

const RUNS = Number(process.env.BENCH_HTTP_RUNS ?? 20);
const PORT = Number(process.env.BENCH_HTTP_PORT ?? process.env.BENCH_LOAD_PORT ?? 3121);

const at = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** The first generated chair whose login matches (with a member in the organisation), its organisation, a member. */
async function chairOrg(url: string, login: string): Promise<{ login: string; org: string; member: string | null }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ login: string; org: string; member: string | null }>(
      `SELECT * FROM (SELECT u.login, o.id AS org, (SELECT r."memberId"::text FROM "Organisation" s JOIN "Registration" r ON r."organisationId" = s.id
          WHERE s.path LIKE o.path || '%' AND r."validTo" IS NULL ORDER BY r."memberId" LIMIT 1) AS member
       FROM "User" u JOIN "RoleAssignment" ra ON ra."userId" = u.id JOIN "Organisation" o ON o.id = ra."organisationId"
       WHERE u.login LIKE $1) x WHERE member IS NOT NULL ORDER BY length(login), login LIMIT 1`,
      [login],
    );
    return rows[0];
  } finally {
    await c.end();
  }
}

export async function benchPages(url: string, regionId: string): Promise<void> {
  const p = await chairOrg(url, 'bench-p-%');
  const t = await chairOrg(url, 'bench-t-%');
  const c = await chairOrg(url, 'bench-c');
  const server = await startServer(url, PORT);
  try {
    const pc = await signIn(server.base, p.login, 1);
    const tc = await signIn(server.base, t.login, 2);
    const cc = await signIn(server.base, c.login, 3);
    const q = encodeURIComponent('Смирнова');
    const pages: [string, string, string][] = [
      ['ППО: главная', `/orgs/${p.org}`, pc],
      ['ППО: список членов', `/members?org=${p.org}`, pc],
      ['ППО: карточка члена', `/members/${p.member}`, pc],
      ['ППО: билеты', `/orgs/${p.org}/cards`, pc],
      ['ППО: отчёты', `/orgs/${p.org}/reports`, pc],
      ['ППО: поиск по фамилии', `/members?org=${p.org}&q=${q}`, pc],
      ['Территориальная: главная', `/orgs/${t.org}`, tc],
      ['Территориальная: список членов', `/members?org=${t.org}`, tc],
      ['Территориальная: ход обмена билетов', `/orgs/${t.org}/cards/progress`, tc],
      ['Регион: главная', `/orgs/${regionId}`, cc],
      ['Регион: список членов', `/members?org=${regionId}`, cc],
      ['Регион: поиск по фамилии', `/members?org=${regionId}&q=${q}`, cc],
      ['Регион: ход обмена билетов', `/orgs/${regionId}/cards/progress`, cc],
      ['Профсоюз: главная ЦС', `/orgs/${c.org}`, cc],
      ['Профсоюз: список членов', `/members?org=${c.org}`, cc],
      ['Профсоюз: поиск по фамилии', `/members?org=${c.org}&q=${q}`, cc],
      ['Профсоюз: поиск «Ков»', `/members?org=${c.org}&q=${encodeURIComponent('Ков')}`, cc],
      ['Профсоюз: ход обмена и не начавшие', `/orgs/${c.org}/cards/progress`, cc],
    ];
    console.log(`\nСтраницы через HTTP (${RUNS} запросов подряд после прогрева): медиана и p95, мс`);
    for (const [label, path, cookie] of pages) {
      await timedGet(server.base, path, cookie);
      const xs: number[] = [];
      for (let i = 0; i < RUNS; i++) xs.push(await timedGet(server.base, path, cookie));
      console.log(`${label.padEnd(62)} ${at(xs, 50).toFixed(0).padStart(7)} мс  p95 ${at(xs, 95).toFixed(0)}`);
    }
  } finally {
    await server.stop();
  }
}

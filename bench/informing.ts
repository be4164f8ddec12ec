/**
 * npm run bench:informing — the receipts of a union-wide announcement at the union's scale (issue 9):
 * BENCH_USERS users (default 100,000) across a generated tree (central → 85 regions → 10 territorial → 20
 * primary each), one announcement to all of them, 40 % of them having read it. Times the publication (the
 * audience frozen), the roll-up per region, a page of the not-read list, the whole receipts API answer and the
 * unread count every page of a user computes. A fresh database each run (embedded, dropped at the end).
 */
import path from 'node:path';
import fs from 'node:fs';
import { startEmbedded } from '../src/db/embedded';
import { migrate } from '../src/db/migrate';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const PORT = Number(process.env.EMBEDDED_PG_PORT ?? 5478);

/** The tree: ids and paths built in SQL, names numbered. */
const TREE_SQL = `
INSERT INTO "Organisation" (id, kind, "parentId", path, depth, name, "nameKey", "updatedAt")
VALUES ('00000000-0000-0000-0000-000000000001', 'CENTRAL', NULL, '/00000000-0000-0000-0000-000000000001/', 0,
        'Центральный Совет', 'ЦЕНТРАЛЬНЫЙ СОВЕТ', now());
INSERT INTO "Organisation" (id, kind, "parentId", path, depth, name, "nameKey", "updatedAt")
SELECT g.id, 'REGIONAL', '00000000-0000-0000-0000-000000000001', '/00000000-0000-0000-0000-000000000001/' || g.id || '/', 1,
       'Региональная ' || g.n, 'РЕГИОНАЛЬНАЯ ' || lpad(g.n::text, 3, '0'), now()
FROM (SELECT gen_random_uuid() AS id, n FROM generate_series(1, 85) n) g;
INSERT INTO "Organisation" (id, kind, "parentId", path, depth, name, "nameKey", "updatedAt")
SELECT x.id, 'TERRITORIAL', x.parent, x.ppath || x.id || '/', 2, 'Территориальная ' || x.n, 'ТЕРРИТОРИАЛЬНАЯ', now()
FROM (SELECT gen_random_uuid() AS id, r.id AS parent, r.path AS ppath, n
      FROM "Organisation" r CROSS JOIN generate_series(1, 10) n WHERE r.kind = 'REGIONAL') x;
INSERT INTO "Organisation" (id, kind, "parentId", path, depth, name, "nameKey", "updatedAt")
SELECT x.id, 'PRIMARY', x.parent, x.ppath || x.id || '/', 3, 'ППО ' || x.n, 'ППО', now()
FROM (SELECT gen_random_uuid() AS id, t.id AS parent, t.path AS ppath, n
      FROM "Organisation" t CROSS JOIN generate_series(1, 20) n WHERE t.kind = 'TERRITORIAL') x;
ANALYZE "Organisation";`;

/** Users spread over every organisation (mostly primaries), one assignment each, roles by turn. */
const USERS_SQL = `
WITH orgs AS (SELECT id, kind, row_number() OVER (ORDER BY id) - 1 AS i FROM "Organisation"),
u AS (
  INSERT INTO "User" (id, login, "passwordHash", "fullName", "ndaAcceptedAt", "updatedAt")
  SELECT gen_random_uuid(), 'bench-' || s, 'x', 'Пользователь ' || s, now(), now() FROM generate_series(1, $1::int) s
  RETURNING id, login
)
INSERT INTO "RoleAssignment" ("userId", "organisationId", role, "startsOn")
SELECT u.id, o.id,
       (CASE WHEN o.kind = 'CENTRAL' THEN 'ADMIN' ELSE (ARRAY['CHAIR', 'REGISTRAR', 'VIEWER'])[1 + s % 3] END)::"Role",
       DATE '2020-01-01'
FROM (SELECT id, substr(login, 7)::int AS s FROM u) u
JOIN orgs o ON o.i = (u.s::bigint * 7919) % $2::int`;

/** 40 % of the addressed have read it: receipts and the marks in the frozen audience. */
const READ_SQL = `
WITH r AS (
  UPDATE "AudienceMember" SET "doneAt" = now()
  WHERE "itemType" = 'ANNOUNCEMENT' AND "itemId" = $1::uuid AND abs(hashtext("userId"::text)) % 10 < 4
  RETURNING "userId"
)
INSERT INTO "AnnouncementRead" ("announcementId", "userId") SELECT $1::uuid, "userId" FROM r`;

async function timed<T>(label: string, runs: number, fn: () => Promise<T>): Promise<T> {
  let result: T = await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    result = await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  console.log(
    `${label}: медиана ${ms[Math.floor(ms.length / 2)].toFixed(0)} мс, худшее ${ms[ms.length - 1].toFixed(0)} мс`,
  );
  return result;
}

async function main() {
  const dir = path.resolve('data', 'bench-informing-pg');
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const pgdb = await startEmbedded({ dir, port: PORT, persistent: true });
  const name = `bench_informing_${Date.now()}`;
  await pgdb.createDatabase(name);
  const url = pgdb.url(name);
  await migrate(url);
  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL = 'silent';
  const { db, disconnectDb, sqlPool } = await import('../src/db');
  const { loadActor, createToken } = await import('../src/modules/auth/auth.repo');
  const { createAnnouncement } = await import('../src/modules/announcements/announcements.service');
  const { unreadSummary } = await import('../src/modules/announcements/announcements.repo');
  const { rollup, notDone } = await import('../src/modules/audience/audience.repo');
  const { createApp } = await import('../src/app');
  const request = (await import('supertest')).default;
  const pool = sqlPool();
  try {
    let t = Date.now();
    await pool.query(TREE_SQL);
    const orgCount = await db().organisation.count();
    await pool.query(USERS_SQL, [USERS, orgCount]);
    await pool.query('ANALYZE "User"; ANALYZE "RoleAssignment";');
    const orgs = await db().organisation.count();
    console.log(
      `Структура: ${orgs.toLocaleString('ru-RU')} организаций, ${USERS.toLocaleString('ru-RU')} пользователей (${((Date.now() - t) / 1000).toFixed(1)} с)`,
    );

    const central = await db().organisation.findFirstOrThrow({ where: { kind: 'CENTRAL' } });
    const adminRole = await db().roleAssignment.findFirstOrThrow({ where: { role: 'ADMIN' } });
    const admin = (await loadActor(adminRole.userId, 'session'))!;
    t = Date.now();
    const a = await createAnnouncement(
      admin,
      central,
      {
        data: { title: 'Всем пользователям', body: 'Текст', important: true },
        audience: { kinds: [], roles: [], orgIds: [], members: false },
      },
      true,
    );
    console.log(
      `Публикация для всего Профсоюза (адресаты зафиксированы): ${Date.now() - t} мс, адресовано ${a.addressed.toLocaleString('ru-RU')}`,
    );
    await pool.query(READ_SQL, [a.id]);
    await pool.query('ANALYZE "AudienceMember"; ANALYZE "AnnouncementRead";');

    const item = { type: 'ANNOUNCEMENT' as const, id: a.id };
    const r = await timed('Свод прочтения по 85 регионам (SQL, один GROUP BY)', 9, () => rollup(item));
    console.log(
      `  адресовано ${r.addressed.toLocaleString('ru-RU')}, прочитали ${r.done.toLocaleString('ru-RU')} (${r.percent} %), строк ${r.children.length}`,
    );
    await timed('Не прочитали: страница 50 из одного региона', 9, () =>
      notDone(item, { withinPath: central.path, child: r.children[0].id, page: 1, pageSize: 50 }),
    );
    await timed('Не прочитали: страница 50 по всему Профсоюзу', 5, () =>
      notDone(item, { withinPath: central.path, page: 1, pageSize: 50 }),
    );
    const { token } = await createToken(admin.userId!, 'bench', 1);
    const app = createApp({ sessionSecret: 'bench-session-secret-0123456789abcdef' });
    await timed('GET /api/v1/announcements/:id/receipts (весь ответ)', 9, async () => {
      const res = await request(app)
        .get(`/api/v1/announcements/${a.id}/receipts`)
        .set('Authorization', `Bearer ${token}`);
      if (res.status !== 200) throw new Error(`receipts: ${res.status}`);
      return res.body as unknown;
    });
    const someone = await db().roleAssignment.findFirstOrThrow({
      where: { role: 'CHAIR', organisation: { kind: 'PRIMARY' } },
    });
    const reader = (await loadActor(someone.userId, 'session'))!;
    await timed('Число непрочитанных для навигации (каждая страница)', 9, () => unreadSummary(reader, 5));
  } finally {
    await disconnectDb();
    await pgdb.dropDatabase(name);
    await pgdb.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

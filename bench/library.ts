/**
 * npm run bench:library — the library search on BENCH_DOCS documents (default 10,000) with ~2,000 characters of
 * Russian text each: median and worst time of a search by a word of the text, a prefix, a number, a filter by
 * kind and year, as a reader below the publisher sees them (audience condition included). Target: under 200 ms.
 * A fresh database each run (embedded, port 5592 or BENCH_PG_PORT, in /tmp/h9b-bench-pg).
 */
import fs from 'node:fs';
import { startEmbedded } from '../src/db/embedded';
import { migrate } from '../src/db/migrate';

const DOCS = Number(process.env.BENCH_DOCS ?? 10_000);
const RUNS = 15;

const WORDS = `профсоюз организация председатель член билет учёт отчёт собрание протокол обучение учитель школа
детский сад колледж университет зарплата охрана труда отпуск договор коллективный соглашение взносы комиссия
ревизия конференция выборы пленум президиум положение методические рекомендации справка шаблон форма заявление
санаторий оздоровление молодёжь ветеран пенсия аттестация нагрузка премия стимулирование конкурс ёлка праздник`
  .split(/\s+/)
  .filter(Boolean);

async function main() {
  const dir = '/tmp/h9b-bench-pg';
  fs.mkdirSync(dir, { recursive: true });
  const pgdb = await startEmbedded({ dir, port: Number(process.env.BENCH_PG_PORT ?? 5592), persistent: true });
  const name = `bench_library_${Date.now()}`;
  await pgdb.createDatabase(name);
  const url = pgdb.url(name);
  await migrate(url);
  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL = 'silent';
  const { disconnectDb, db } = await import('../src/db');
  const { buildOrg, buildUser } = await import('../src/seed/builders.repo');
  const { loadActor } = await import('../src/modules/auth/auth.repo');
  const { searchDocuments } = await import('../src/modules/library/library.repo');
  const { visibleSql } = await import('../src/modules/audience/audience.fields');
  const { searchQuery } = await import('../src/modules/library/library.input');
  try {
    const central = await buildOrg(null, 'CENTRAL', { name: 'ЦС' });
    const region = await buildOrg(central, 'REGIONAL', { name: 'Регион' });
    const prim = await buildOrg(region, 'PRIMARY', { name: 'ППО школы' });
    const reader = await buildUser({ roles: [{ role: 'CHAIR', org: prim }] });
    const t0 = Date.now();
    // Set-based: DOCS documents, text drawn from the vocabulary, publishers alternating central / region.
    await db().$executeRaw`
      INSERT INTO "Document" ("organisationId", title, kind, number, "numberKey", "docDate", "bodyText", "audienceKinds")
      SELECT CASE WHEN i % 2 = 0 THEN ${central.id}::uuid ELSE ${region.id}::uuid END,
             'Документ ' || i || ' о ' || (${WORDS}::text[])[1 + i % ${WORDS.length}::int],
             (ARRAY['NORMATIVE','METHODICAL','REFERENCE','TEMPLATE','OTHER'])[1 + i % 5]::"DocumentKind",
             i || '-П', i || '-п', make_date(2015 + i % 11, 1 + i % 12, 1 + i % 28),
             (SELECT string_agg((${WORDS}::text[])[1 + ((i * 7919 + k * 104729) % ${WORDS.length}::int)], ' ')
              FROM generate_series(1, 220) k),
             CASE WHEN i % 10 = 0 THEN ARRAY['TERRITORIAL']::"OrgKind"[] ELSE ARRAY[]::"OrgKind"[] END
      FROM generate_series(1, ${DOCS}::int) i`;
    await db().$executeRawUnsafe('ANALYZE "Document"');
    console.log(`${DOCS} документов загружено за ${((Date.now() - t0) / 1000).toFixed(1)} с`);
    const actor = (await loadActor(reader.id, 'token'))!;
    const visible = visibleSql(actor, 'document.publish');
    const cases: [string, Record<string, string>][] = [
      ['слово из текста «аттестация»', { q: 'аттестация' }],
      ['два слова «охрана труда»', { q: 'охрана труда' }],
      ['Ё = Е «елка»', { q: 'елка' }],
      ['начало слова «санатор»', { q: 'санатор' }],
      ['номер «1234-п»', { q: '1234-п' }],
      ['вид и год', { kind: 'METHODICAL', year: '2020' }],
      ['слово + вид + год', { q: 'премия', kind: 'NORMATIVE', year: '2019' }],
      ['без условий (первая страница)', {}],
    ];
    let worst = 0;
    for (const [label, query] of cases) {
      const q = searchQuery.parse(query);
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < RUNS; i++) {
        const s = process.hrtime.bigint();
        total = (await searchDocuments(visible, actor.userId, q)).total;
        times.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      worst = Math.max(worst, median);
      console.log(
        `${label.padEnd(34)} найдено ${String(total).padStart(6)}  медиана ${median.toFixed(1)} мс, макс. ${times[times.length - 1].toFixed(1)} мс`,
      );
    }
    console.log(
      worst < 200 ? `OK: худшая медиана ${worst.toFixed(1)} мс < 200 мс` : `МЕДЛЕННО: ${worst.toFixed(1)} мс`,
    );
  } finally {
    await disconnectDb();
    await pgdb.dropDatabase(name).catch(() => undefined);
    await pgdb.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

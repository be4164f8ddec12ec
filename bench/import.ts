/**
 * npm run bench:import — 100,000 rows imported, validated and committed (issue 5), and a streamed export of them.
 * A fresh database each run (embedded, in ./data/bench-pg), a deterministic CSV of BENCH_ROWS rows (default 100,000).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startEmbedded } from '../src/db/embedded';
import { migrate } from '../src/db/migrate';
import { PG_STATS, SERVER_SETTINGS } from './db';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);

async function main() {
  const dir = path.resolve('data', 'bench-pg');
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  // The benchmark server's settings (bench/db.ts; BENCH_PG_STATS=1 lists the import's statements by time).
  const pgdb = await startEmbedded({ dir, port: 5477, persistent: true, settings: SERVER_SETTINGS });
  const name = `bench_import_${Date.now()}`;
  await pgdb.createDatabase(name);
  const url = pgdb.url(name);
  await migrate(url);
  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL = 'silent';
  const { disconnectDb, db } = await import('../src/db');
  const { buildOrg, buildUser } = await import('../src/seed/builders.repo');
  const { runImport } = await import('../src/modules/imports/imports.service');
  const central = await buildOrg(null, 'CENTRAL', { name: 'ЦС' });
  const region = await buildOrg(central, 'REGIONAL', { name: 'Регион' });
  const uni = await buildOrg(region, 'PRIMARY', {
    name: 'ППО университета',
    institutionType: 'OOVO',
    hasTerritorialRights: true,
  });
  const user = await buildUser({ roles: [{ role: 'CHAIR', org: uni }] });
  const L = ['Иванова', 'Смирнов', 'Кузнецова', 'Попов', 'Соколова', 'Лебедев', 'Новикова', 'Морозов'];
  const F = ['Анна', 'Иван', 'Мария', 'Пётр', 'Елена', 'Сергей', 'Ольга', 'Дмитрий'];
  const lines = ['Фамилия;Имя;Отчество;Дата рождения;Категория;Номер студенческого'];
  for (let i = 0; i < ROWS; i++) {
    const d = new Date(Date.UTC(1998, 0, 1) + ((i * 7919) % 3000) * 86_400_000)
      .toISOString()
      .slice(0, 10)
      .split('-')
      .reverse()
      .join('.');
    const abc = 'абвгдежзиклмнопрстуфхцчшэюя';
    let n = i;
    let suffix = '';
    do {
      suffix += abc[n % abc.length];
      n = Math.floor(n / abc.length);
    } while (n > 0);
    lines.push(`${L[i % 8]}-${suffix};${F[(i >> 3) % 8]};Петровна;${d};студент;S${i}`);
  }
  const file = Buffer.from(`\uFEFF${lines.join('\r\n')}`, 'utf8');
  console.log(`Файл: ${ROWS.toLocaleString('ru-RU')} строк, ${(file.length / 2 ** 20).toFixed(1)} МБ`);
  const job = await db().importJob.create({
    data: {
      organisationId: uni.id,
      userId: user.id,
      mode: 'ADD',
      fileName: 'bench.csv',
      fileHash: 'x',
      file: new Uint8Array(file),
      mapping: {
        columns: { lastName: 0, firstName: 1, middleName: 2, birthDate: 3, category: 4, externalId: 5 },
        category: 'STUDENT',
        joinedAt: '2024-09-01',
      },
    },
    select: { id: true }, // not the file back (the ORM's adapter returns a bytea as an array of numbers)
  });
  if (PG_STATS) {
    await db().$executeRawUnsafe('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await db().$executeRawUnsafe('SELECT pg_stat_statements_reset()');
  }
  let t = Date.now();
  await runImport(job.id);
  if (PG_STATS) {
    const top = await db().$queryRawUnsafe<{ calls: bigint; total: number; query: string }[]>(
      `SELECT calls, total_exec_time AS total, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
       FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12`,
    );
    for (const q of top) console.log(`${q.total.toFixed(0).padStart(8)} мс × ${q.calls}  ${q.query}`);
  }
  const done = await db().importJob.findUniqueOrThrow({ where: { id: job.id } });
  const r = done.result as { created: number; rejected: unknown[] };
  console.log(
    `Импорт (добавление): ${((Date.now() - t) / 1000).toFixed(1)} с — статус ${done.status}, добавлено ${r?.created}, отклонено ${r?.rejected?.length}${done.error ? `, ошибка: ${done.error}` : ''}`,
  );
  const job2 = await db().importJob.create({
    data: {
      organisationId: uni.id,
      userId: user.id,
      mode: 'SYNC',
      fileName: 'bench.csv',
      fileHash: 'x',
      file: new Uint8Array(file),
      mapping: done.mapping as object,
      exitReason: 'EXIT_GRADUATED',
      exitDate: new Date(),
    },
  });
  t = Date.now();
  await runImport(job2.id);
  const d2 = await db().importJob.findUniqueOrThrow({ where: { id: job2.id } });
  console.log(
    `Повторная сверка того же файла: ${((Date.now() - t) / 1000).toFixed(1)} с — ${JSON.stringify({ ...(d2.result as object), rejected: undefined })}`,
  );
  // The streamed export of the same 100,000 members (the custom report's XLSX): rows fetched 5,000 at a time.
  const ExcelJS = (await import('exceljs')).default;
  const { rows } = await import('../src/modules/custom/custom.repo');
  const org = await db().organisation.findUniqueOrThrow({ where: { id: uni.id } });
  const params = {
    subject: 'members' as const,
    asOf: new Date().toISOString().slice(0, 10),
    columns: ['name', 'birthDate', 'category', 'organisation', 'joinedAt'],
    group: false,
  };
  t = Date.now();
  const before = process.memoryUsage().rss;
  let peak = before;
  const out = fs.createWriteStream('/dev/null');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false });
  const ws = wb.addWorksheet('Отчёт');
  ws.columns = params.columns.map((c) => ({ header: c, key: c }));
  let n = 0;
  for (let off = 0; ; off += 5000) {
    const part = await rows(org.path, params, 5000, off);
    if (!part.length) break;
    for (const r of part) {
      ws.addRow(r).commit();
      n += 1;
    }
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  ws.commit();
  await wb.commit();
  console.log(
    `Потоковая выгрузка XLSX: ${n.toLocaleString('ru-RU')} строк за ${((Date.now() - t) / 1000).toFixed(1)} с, прирост памяти процесса ${((peak - before) / 2 ** 20).toFixed(0)} МБ`,
  );
  // Undo of the first import: every member it added goes, with their history, in a few set-based statements.
  const { undoImport } = await import('../src/modules/imports/imports.service');
  const { userActor } = await import('../src/policy/actor');
  t = Date.now();
  const u = await undoImport(userActor(user.id, 'session'), job.id);
  console.log(
    `Отмена импорта: ${((Date.now() - t) / 1000).toFixed(1)} с — отменено ${u.reversed.toLocaleString('ru-RU')}, пропущено ${u.skipped.length}; членов осталось ${await db().member.count()}`,
  );
  await disconnectDb();
  // Each run works in a database of its own: dropped at the end.
  await pgdb.dropDatabase(name);
  await pgdb.stop();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});

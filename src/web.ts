/**
 * `npm run web`: the pages and the API against DATABASE_URL, no background jobs (they go to the queue, which
 * `npm run worker` works). Run as many as the load needs behind a proxy: sessions, rate limits and jobs live in
 * PostgreSQL, so any process serves any request.
 */
import { config } from './config';
import {
  closeServer,
  listen,
  log,
  onStop,
  prepareDatabase,
  requireDatabaseUrl,
  sessionSecret,
  startFailed,
} from './runtime';

async function main() {
  const url = requireDatabaseUrl('web');
  await prepareDatabase(url);
  const { createApp } = await import('./app');
  const app = createApp({ sessionSecret: await sessionSecret() });
  // Started without workers: enqueue() then sends jobs to PostgreSQL instead of running them here.
  const { startQueue, stopQueue } = await import('./jobs/queue');
  await startQueue(url, { work: false });
  const { server, port } = await listen(app);
  log(`Веб-процесс Единого реестра слушает http://${config.HOST}:${port} (задачи выполняет npm run worker)`);
  onStop(async () => {
    await closeServer(server);
    await stopQueue();
  });
}

main().catch(startFailed);

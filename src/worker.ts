/**
 * `npm run worker`: the background jobs against DATABASE_URL (imports, messages to members, retention, the
 * rate-limit cleanup), no web server. Several workers may run: pg-boss hands each job to one of them, and the
 * jobs themselves lock what they work on (an import, a message's deliveries).
 */
import { config } from './config';
import { log, onStop, prepareDatabase, requireDatabaseUrl, startFailed } from './runtime';

async function main() {
  const url = requireDatabaseUrl('worker');
  // The jobs' reads feed their writes (rollups, imports, deliveries): all on the primary, never on a replica.
  config.DATABASE_READ_URL = undefined;
  await prepareDatabase(url);
  // The feature modules register their job handlers when they load; the app module loads them all.
  await import('./app');
  const { startQueue, stopQueue, queueNames } = await import('./jobs/queue');
  await startQueue(url, { work: true });
  log(`Обработчик задач Единого реестра запущен: ${queueNames().join(', ')}`);
  onStop(stopQueue);
}

main().catch(startFailed);

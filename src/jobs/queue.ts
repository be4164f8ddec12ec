import PgBoss from 'pg-boss';
import { config } from '../config';
import { runLater } from '../lib/background';
import { withStartupLock } from '../db/migrate';

/**
 * The background job queue: pg-boss, in the same PostgreSQL (schema "pgboss"). Long work (imports) runs here,
 * survives restarts, and is retried once if the process dies mid-run (the run itself is one transaction,
 * so a dead run leaves nothing behind).
 */
let boss: PgBoss | undefined;
type Handler = (data: Record<string, unknown>) => Promise<void>;
const handlers = new Map<string, Handler>();

const schedules = new Map<string, string>();

export function registerHandler(queue: string, fn: Handler) {
  handlers.set(queue, fn);
}

export function queueNames(): string[] {
  return [...handlers.keys()];
}

/** Work a starting worker does before it takes jobs: e.g. taking up again what a killed process left running. */
type Startup = () => Promise<void>;
const startups: Startup[] = [];
export function registerWorkerStartup(fn: Startup) {
  startups.push(fn);
}

/** Runs a queue's handler on a cron schedule (Moscow time) in the process that works the queue. */
export function registerSchedule(queue: string, cron: string) {
  schedules.set(queue, cron);
}

export async function startQueue(url: string, opts: { work: boolean }): Promise<void> {
  boss = new PgBoss({ connectionString: url, schema: 'pgboss', max: 3 });
  boss.on('error', (e) => {
    if (config.LOG_LEVEL !== 'silent') console.error('Очередь задач:', e.message);
  });
  await boss.start();
  // One process at a time: web and worker processes starting together deadlocked creating the same new queues.
  const b = boss;
  await withStartupLock(url, async () => {
    for (const name of handlers.keys()) await b.createQueue(name);
  });
  if (opts.work) for (const s of startups) await s();
  for (const [name, fn] of handlers) {
    const cron = schedules.get(name);
    if (cron && opts.work) await boss.schedule(name, cron, {}, { tz: 'Europe/Moscow' });
    if (opts.work)
      await boss.work(name, { batchSize: 1, pollingIntervalSeconds: 1 }, async (jobs) => {
        for (const j of jobs) await fn(j.data as Record<string, unknown>);
      });
  }
}

export async function stopQueue(): Promise<void> {
  const b = boss;
  boss = undefined;
  await b?.stop({ graceful: true, wait: true, timeout: 10_000 });
}

/** Enqueues a job; with no queue running (a test that did not start one) the job runs in this process at once. */
export async function enqueue(queue: string, data: Record<string, unknown>): Promise<void> {
  if (boss) {
    await boss.send(queue, data, { retryLimit: 1, expireInSeconds: 30 * 60 });
    return;
  }
  const fn = handlers.get(queue);
  if (!fn) throw new Error(`No handler for queue ${queue}`);
  runLater(
    () => fn(data),
    (e) => {
      if (config.LOG_LEVEL !== 'silent') console.error(`Задача ${queue}:`, e);
    },
  );
}

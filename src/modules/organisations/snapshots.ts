/**
 * Snapshots of the union's dashboard figures for today (issue 12). The central office's dashboard, card progress
 * and "not started" list sum the counters of ~80,000 organisations: about a second each at 4 million members. A job
 * computes them every two minutes and the pages read one row. They are live instead when the snapshot is missing,
 * older than SNAPSHOT_MAX_AGE_MS (the job has stopped), of another date, for any other organisation or date, and
 * for a session that has changed something in the last minutes or an API call (wantsFresh, set by
 * http/read-after-write.ts), so nobody misses what they have just saved.
 */
import { Prisma } from '../../generated/prisma/client';
import { db, readDb, wantsFresh } from '../../db';
import { fromDate, today, toDate } from '../../lib/dates';
import { registerHandler, registerSchedule } from '../../jobs/queue';

export const SNAPSHOT_CRON = '*/2 * * * *';
export const SNAPSHOT_MAX_AGE_MS = 5 * 60_000;

/** Whether this organisation's figures on this date may come from a snapshot: the whole union, today. */
export function snapshotApplies(org: { path: string }, asOf: string): boolean {
  return org.path.split('/').length === 3 && asOf === today() && !wantsFresh();
}

/** The snapshot's data and time, if there is a usable one. */
export async function readSnapshot<T>(
  org: { id: string },
  kind: string,
  asOf: string,
): Promise<{ data: T; at: Date } | null> {
  const row = await readDb().dashboardSnapshot.findUnique({
    where: { organisationId_kind: { organisationId: org.id, kind } },
  });
  if (!row || fromDate(row.asOf) !== asOf || Date.now() - row.computedAt.getTime() > SNAPSHOT_MAX_AGE_MS) return null;
  return { data: row.data as T, at: row.computedAt };
}

export async function writeSnapshot(org: { id: string }, kind: string, asOf: string, data: unknown): Promise<void> {
  const value = data as Prisma.InputJsonValue;
  await db().dashboardSnapshot.upsert({
    where: { organisationId_kind: { organisationId: org.id, kind } },
    create: { organisationId: org.id, kind, asOf: toDate(asOf), data: value },
    update: { asOf: toDate(asOf), data: value, computedAt: new Date() },
  });
}

type Compute = (org: { id: string; path: string }, asOf: string) => Promise<void>;
const computes: Compute[] = [];

/** Adds the snapshots a module keeps: `compute` gets the union's organisation and today and writes them (live). */
export function registerSnapshots(compute: Compute): void {
  computes.push(compute);
}

/** Computes every snapshot of the union `org` for today (the job; tests call it for their own union). */
export async function refreshSnapshots(org: { id: string; path: string }): Promise<void> {
  const asOf = today();
  for (const compute of computes) await compute(org, asOf);
}

// The job: every two minutes, for the union (one CENTRAL organisation in the registry).
registerHandler('dashboards.refresh', async () => {
  const unions = await db().organisation.findMany({
    where: { kind: 'CENTRAL', status: 'ACTIVE', parentId: null },
    select: { id: true, path: true },
  });
  for (const u of unions) await refreshSnapshots(u);
});
registerSchedule('dashboards.refresh', SNAPSHOT_CRON);

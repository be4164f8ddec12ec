import { db } from '../../db';
import type { DepersonalisationReason } from '../../generated/prisma/client';
import {
  CLEAR_RELATED,
  CREATE_BATCH,
  DEPERSONALISE_PERSONS,
  RESTORE_POSITION_COPIES,
  RESTORE_REGISTRATION_COPIES,
  dueCountSql,
  fillBatchSql,
  recordItemsSql,
} from './retention.sql';

export async function retentionYears(): Promise<number> {
  const s = await db().retentionSetting.findUnique({ where: { id: 1 } });
  return s?.yearsAfterExit ?? 3;
}

export async function saveRetentionYears(years: number, userId: string | null): Promise<void> {
  await db().retentionSetting.upsert({
    where: { id: 1 },
    create: { id: 1, yearsAfterExit: years, updatedById: userId },
    update: { yearsAfterExit: years, updatedById: userId, updatedAt: new Date() },
  });
}

export async function settingsRow() {
  return db().retentionSetting.findUnique({ where: { id: 1 } });
}

export async function dueCounts(cutoff: string, withdrawnBy: string): Promise<Record<DepersonalisationReason, number>> {
  const rows = await db().$queryRaw<{ reason: DepersonalisationReason; n: number }[]>(dueCountSql(cutoff, withdrawnBy));
  const out: Record<DepersonalisationReason, number> = { RETENTION_EXPIRED: 0, PROCESSING_WITHDRAWN: 0 };
  for (const r of rows) out[r.reason] = r.n;
  return out;
}

export async function createAct(trigger: 'SCHEDULE' | 'MANUAL', userId: string | null, years: number) {
  return db().depersonalisationAct.create({ data: { trigger, userId, yearsAfterExit: years } });
}

/**
 * Depersonalises up to `limit` due persons in one transaction and records them in the act; returns how many.
 * A transaction-level advisory lock keeps two runs (the schedule and a «run now») from taking the same persons.
 */
export async function depersonaliseBatch(actId: string, cutoff: string, withdrawnBy: string, limit: number) {
  return db().$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('depersonalisation'))`;
      await tx.$executeRaw(CREATE_BATCH);
      const n = await tx.$executeRaw(fillBatchSql(cutoff, withdrawnBy, limit));
      if (n === 0) return 0;
      await tx.$executeRaw(DEPERSONALISE_PERSONS);
      await tx.$executeRaw(RESTORE_REGISTRATION_COPIES);
      await tx.$executeRaw(RESTORE_POSITION_COPIES);
      for (const q of CLEAR_RELATED) await tx.$executeRaw(q);
      await tx.$executeRaw(recordItemsSql(actId));
      await tx.depersonalisationAct.update({ where: { id: actId }, data: { personCount: { increment: n } } });
      return n;
    },
    { timeout: 10 * 60_000, maxWait: 60_000 },
  );
}

export async function finishAct(actId: string) {
  return db().depersonalisationAct.update({ where: { id: actId }, data: { finishedAt: new Date() } });
}

export async function dropEmptyAct(actId: string) {
  await db().depersonalisationAct.deleteMany({ where: { id: actId, personCount: 0 } });
}

export async function actsPage(page: number, pageSize: number) {
  const [items, total] = await Promise.all([
    db().depersonalisationAct.findMany({ orderBy: { number: 'desc' }, skip: (page - 1) * pageSize, take: pageSize }),
    db().depersonalisationAct.count(),
  ]);
  const users = await usersById(items.map((a) => a.userId).filter((x): x is string => !!x));
  return { items: items.map((a) => ({ ...a, user: a.userId ? (users.get(a.userId) ?? null) : null })), total };
}

async function usersById(ids: string[]) {
  const rows = ids.length
    ? await db().user.findMany({ where: { id: { in: ids } }, select: { id: true, login: true, fullName: true } })
    : [];
  return new Map(rows.map((u) => [u.id, u]));
}

/** An act with its items (ids, reasons, dates: no personal values) and who ran it. */
export async function actWithItems(id: string) {
  const act = await db().depersonalisationAct.findUnique({ where: { id } });
  if (!act) return null;
  const items = await db().depersonalisationItem.findMany({ where: { actId: id }, orderBy: { id: 'asc' } });
  const user = act.userId ? ((await usersById([act.userId])).get(act.userId) ?? null) : null;
  return { act, items, user };
}

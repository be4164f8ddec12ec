import { db, withTransaction } from '../../db';
import type { Actor } from '../../policy/actor';

/**
 * The audit log's monthly partitions (migration 20261216001000_audit_partitions): made ahead, and dropped whole
 * once older than the period the central office sets. Dropping is the only way rows leave the log.
 */

/** Months made ahead of the current one (at start and daily): a write never finds its month missing. */
export const AHEAD_MONTHS = 3;

export async function ensureAuditPartitions(): Promise<number> {
  const [r] = await db().$queryRaw<{ n: number }[]>`SELECT audit_log_ensure_partitions(${AHEAD_MONTHS}::int) AS n`;
  return r.n;
}

export interface AuditPartition {
  name: string;
  month: Date;
  rows: number;
}

/** The monthly partitions, oldest first, with their row counts as estimated by the last ANALYZE. */
export async function auditPartitions(): Promise<AuditPartition[]> {
  const rows = await db().$queryRaw<{ name: string; month: Date; rows: bigint }[]>`
    SELECT name, month, rows FROM audit_log_partitions()`;
  return rows.map((r) => ({ name: r.name, month: r.month, rows: Number(r.rows) }));
}

export async function auditRetentionMonths(): Promise<number> {
  const r = await db().auditRetention.findUnique({ where: { id: 1 } });
  return r?.months ?? 36;
}

export async function setAuditRetention(actor: Actor, months: number): Promise<void> {
  await withTransaction(async (c) => {
    await c.query(
      `INSERT INTO "AuditRetention" (id, months, "updatedById", "updatedAt") VALUES (1, $1, $2, now())
       ON CONFLICT (id) DO UPDATE SET months = excluded.months, "updatedById" = excluded."updatedById", "updatedAt" = now()`,
      [months, actor.userId],
    );
    await c.query(
      `INSERT INTO "AuditLog" ("userId", action, entity, outcome, details) VALUES ($1, 'audit.retention', 'AuditRetention', 'OK', $2)`,
      [actor.userId, JSON.stringify({ months })],
    );
  });
}

/** The first day of the oldest month kept on `today` (a UTC date): the current month and `months - 1` before it. */
export function keptFrom(today: Date, months: number): Date {
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - (months - 1), 1));
}

/**
 * Drops every monthly partition wholly older than the retention period, each in its own transaction together with
 * an audit row that names it and its row count (the rows are counted, not estimated). Returns what was dropped.
 */
export async function dropExpiredAuditPartitions(actor: Actor, now = new Date()): Promise<AuditPartition[]> {
  const from = keptFrom(now, await auditRetentionMonths());
  const dropped: AuditPartition[] = [];
  for (const p of await auditPartitions()) {
    if (p.month >= from) break;
    if (!/^AuditLog_p\d{6}$/.test(p.name)) continue; // only the partitions this module names
    const table = `"${p.name}"`;
    await withTransaction(async (c) => {
      const n = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
      await c.query(`DROP TABLE ${table}`);
      await c.query(
        `INSERT INTO "AuditLog" ("userId", action, entity, "rowCount", outcome, details) VALUES ($1, 'audit.partition.dropped', 'AuditLog', $2, 'OK', $3)`,
        [
          actor.userId,
          n,
          JSON.stringify({
            partition: p.name,
            month: p.month.toISOString().slice(0, 10),
            keptFrom: from.toISOString().slice(0, 10),
          }),
        ],
      );
      dropped.push({ ...p, rows: n });
    });
  }
  return dropped;
}

/** The daily upkeep: the months ahead made, the expired ones dropped. */
export async function auditUpkeep(actor: Actor): Promise<AuditPartition[]> {
  await ensureAuditPartitions();
  return dropExpiredAuditPartitions(actor);
}

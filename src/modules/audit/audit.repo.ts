import type pg from 'pg';
import { db, prepared, sqlPool, type Tx } from '../../db';
import type { Actor } from '../../policy/actor';

export type AuditAction =
  | 'login'
  | 'login.failed'
  | 'logout'
  | 'access.denied'
  | 'token.created'
  | 'token.revoked'
  | 'token.failed'
  | 'nda.accepted'
  | 'password.changed'
  | 'org.created'
  | 'org.updated'
  | 'org.excluded'
  | 'member.viewed'
  | 'member.listed'
  | 'member.created'
  | 'member.updated'
  | 'member.exited'
  | 'member.transferred'
  | 'transfer.requested'
  | 'transfer.approved'
  | 'transfer.declined'
  | 'member.exported'
  | 'consent.changed'
  | 'position.changed'
  | 'user.created'
  | 'user.updated'
  | 'user.disabled'
  | 'user.enabled'
  | 'mfa.enabled'
  | 'mfa.disabled'
  | 'mfa.failed'
  | 'mfa.recovery.used'
  | 'role.assigned'
  | 'role.ended'
  | 'role.handover'
  | 'card.ordered'
  | 'card.order.forwarded'
  | 'card.order.returned'
  | 'card.order.resubmitted'
  | 'card.order.delivered'
  | 'card.order.closed'
  | 'card.batch.created'
  | 'card.batch.produced'
  | 'card.batch.delivered'
  | 'card.batch.exported'
  | 'card.issued'
  | 'card.virtual'
  | 'card.blocked'
  | 'card.reissued'
  | 'card.viewed'
  | 'verify.checked'
  | 'report.saved'
  | 'report.submitted'
  | 'report.accepted'
  | 'report.returned'
  | 'report.campaign'
  | 'report.template'
  | 'import.created'
  | 'import.run'
  | 'import.undone'
  | 'event.created'
  | 'event.participants'
  | 'event.checkin'
  | 'event.exported'
  | 'bonus.exported'
  | 'report.exported'
  | 'document.published'
  | 'document.versioned'
  | 'document.superseded'
  | 'document.unsuperseded'
  | 'library.section'
  | 'survey.published'
  | 'survey.updated'
  | 'survey.copied'
  | 'survey.answered'
  | 'survey.exported'
  | 'member.code.sent'
  | 'member.signin'
  | 'member.signin.failed'
  | 'member.signout'
  | 'member.token.created'
  | 'member.request'
  | 'member.request.closed'
  | 'member.push.subscribed'
  | 'member.push.unsubscribed'
  | 'member.data.exported'
  | 'retention.settings'
  | 'retention.run'
  | 'retention.act.exported'
  | 'message.created'
  | 'message.unsubscribed'
  | 'announcement.drafted'
  | 'announcement.published'
  | 'announcement.edited'
  | 'announcement.archived'
  | 'announcement.reminded'
  | 'audit.retention'
  | 'audit.partition.dropped'
  | 'audit.reads';

export interface AuditEntry {
  action: AuditAction;
  entity?: string;
  entityId?: string;
  organisationId?: string | null;
  rowCount?: number;
  outcome?: 'OK' | 'DENIED' | 'FAILED';
  /** Ids, codes and counts only: never names, birth dates, phones or any other personal value. */
  details?: Record<string, string | number | boolean | null>;
}

/** One audit row; the time as the ORM writes it (UTC wall time in a timestamp column). */
const AUDIT_INSERT_SQL = `INSERT INTO "AuditLog" (at, "userId", action, entity, "entityId", "organisationId", "rowCount", outcome, details)
  VALUES (now() AT TIME ZONE 'UTC', $1::uuid, $2, $3, $4, $5::uuid, $6, $7, $8::jsonb)`;

/**
 * Appends to the audit log, inside the caller's transaction when one is given. Outside one (every view of personal
 * data: the busiest write of the registry) in plain SQL, without reading the row back.
 */
export async function audit(actor: Actor | null, e: AuditEntry, tx?: Tx): Promise<void> {
  if (!tx) return auditSql(sqlPool(), actor?.userId ?? null, e);
  await tx.auditLog.create({
    data: {
      userId: actor?.userId ?? null,
      action: e.action,
      entity: e.entity,
      entityId: e.entityId,
      organisationId: e.organisationId ?? null,
      rowCount: e.rowCount,
      outcome: e.outcome ?? 'OK',
      details: e.details ?? undefined,
    },
  });
}

/**
 * The same audit row written through plain SQL: on the pool, or on the client of a transaction that writes in
 * plain SQL (group operations, imports) so that the row commits or rolls back with its change.
 */
export async function auditSql(q: Pick<pg.Pool, 'query'>, userId: string | null, e: AuditEntry): Promise<void> {
  await q.query(
    prepared(AUDIT_INSERT_SQL, [
      userId,
      e.action,
      e.entity ?? null,
      e.entityId ?? null,
      e.organisationId ?? null,
      e.rowCount ?? null,
      e.outcome ?? 'OK',
      e.details === undefined ? null : JSON.stringify(e.details),
    ]),
  );
}

/** Audit rows about organisations of a subtree (all rows for the whole union when `path` is the root's). */
export async function auditPage(opts: {
  path: string;
  includeUnscoped: boolean;
  page: number;
  pageSize: number;
  action?: string;
}) {
  const offset = (opts.page - 1) * opts.pageSize;
  const action = opts.action ?? null;
  const rows = await db().$queryRaw<
    {
      id: bigint;
      at: Date;
      login: string | null;
      action: string;
      entity: string | null;
      entityId: string | null;
      orgName: string | null;
      rowCount: number | null;
      outcome: string;
    }[]
  >`
    SELECT a.id, a.at, u.login, a.action, a.entity, a."entityId", coalesce(o."shortName", o.name) AS "orgName", a."rowCount", a.outcome
    FROM "AuditLog" a
    LEFT JOIN "Organisation" o ON o.id = a."organisationId"
    LEFT JOIN "User" u ON u.id = a."userId"
    WHERE (o.path LIKE ${opts.path} || '%' OR (${opts.includeUnscoped} AND a."organisationId" IS NULL))
      AND (${action}::text IS NULL OR a.action = ${action})
    ORDER BY a.id DESC LIMIT ${opts.pageSize} OFFSET ${offset}`;
  const [{ n }] = await db().$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "AuditLog" a LEFT JOIN "Organisation" o ON o.id = a."organisationId"
    WHERE (o.path LIKE ${opts.path} || '%' OR (${opts.includeUnscoped} AND a."organisationId" IS NULL))
      AND (${action}::text IS NULL OR a.action = ${action})`;
  return { rows, total: Number(n) };
}

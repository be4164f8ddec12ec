import { db, type Tx } from '../../db';
import type { Actor } from '../../policy/actor';

export type AuditAction =
  | 'login' | 'login.failed' | 'logout' | 'access.denied' | 'token.created' | 'token.revoked' | 'token.failed'
  | 'nda.accepted' | 'password.changed'
  | 'org.created' | 'org.updated' | 'org.excluded'
  | 'member.viewed' | 'member.listed' | 'member.created' | 'member.updated' | 'member.exited' | 'member.transferred'
  | 'member.exported' | 'consent.changed' | 'position.changed'
  | 'user.created' | 'user.updated' | 'role.assigned' | 'role.ended' | 'role.handover';

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

/** Appends to the audit log, inside the caller's transaction when one is given. */
export async function audit(actor: Actor | null, e: AuditEntry, tx?: Tx): Promise<void> {
  await (tx ?? db()).auditLog.create({
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

export async function auditPage(opts: { organisationIds?: string[] | 'all'; userId?: string; page: number; pageSize: number }) {
  const where = {
    ...(opts.organisationIds === 'all' || !opts.organisationIds ? {} : { organisationId: { in: opts.organisationIds } }),
    ...(opts.userId ? { userId: opts.userId } : {}),
  };
  const [items, total] = await Promise.all([
    db().auditLog.findMany({ where, orderBy: { id: 'desc' }, skip: (opts.page - 1) * opts.pageSize, take: opts.pageSize }),
    db().auditLog.count({ where }),
  ]);
  return { items, total };
}

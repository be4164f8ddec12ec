import type { Category, MovementKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import type { PoolClient } from 'pg';
import { withTransaction } from '../../db';
import { auditSql, type AuditAction, type AuditEntry } from '../audit/audit.repo';
import {
  categoryWrites,
  exitMembers,
  lockMovable,
  lockRecategorised,
  registeredAfter,
  splitCategory,
  transferWrites,
} from './bulk.repo';

/**
 * Group operations on many members at once: each is ONE transaction of set-based statements, audited with the
 * number of rows. The caller has already restricted `ids` to active members inside the actor's scope.
 */
async function guardDates(c: PoolClient, ids: string[], date: string) {
  if (date > today()) throw new AppError('BAD_REQUEST', undefined, { date: 'Дата не может быть в будущем' });
  const n = await registeredAfter(c, ids, date);
  if (n > 0)
    throw new AppError('BAD_REQUEST', undefined, { date: `Дата раньше постановки на учёт у ${n} из выбранных` });
}

/** The group operation's audit row, in its transaction: the action, the organisation, how many. */
async function auditBulk(
  c: PoolClient,
  actor: Actor,
  action: AuditAction,
  orgId: string,
  n: number,
  details: NonNullable<AuditEntry['details']>,
) {
  await auditSql(c, actor.userId, { action, entity: 'Member', organisationId: orgId, rowCount: n, details });
}

export async function bulkExit(actor: Actor, orgId: string, ids: string[], reason: MovementKind, date: string) {
  return withTransaction(async (c) => {
    await guardDates(c, ids, date);
    const { ids: exited } = await exitMembers(c, { ids, reason, date, userId: actor.userId });
    await auditBulk(c, actor, 'member.exited', orgId, exited.length, { bulk: true, reason });
    return exited.length;
  });
}

export async function bulkTransfer(actor: Actor, orgId: string, ids: string[], target: { id: string }, date: string) {
  return withTransaction(async (c) => {
    await guardDates(c, ids, date);
    // Member rows are locked first, in id order (as the triggers on cards do), then the registrations are touched.
    const mids = await lockMovable(c, ids, target.id);
    if (!mids.length) return 0;
    await transferWrites(c, mids, target.id, date, actor.userId);
    await auditBulk(c, actor, 'member.transferred', target.id, mids.length, { bulk: true, from: orgId });
    return mids.length;
  });
}

export async function bulkCategory(actor: Actor, orgId: string, ids: string[], category: Category, date: string) {
  return withTransaction(async (c) => {
    await guardDates(c, ids, date);
    const mids = await lockRecategorised(c, ids, category);
    if (!mids.length) return 0;
    await splitCategory(
      c,
      mids,
      mids.map(() => category),
      date,
    );
    await categoryWrites(c, mids, category, date, actor.userId);
    await auditBulk(c, actor, 'member.updated', orgId, mids.length, { bulk: true, category });
    return mids.length;
  });
}

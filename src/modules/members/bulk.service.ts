import type { Category, MovementKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { withTransaction } from '../../db';
import { exitMembers, registeredAfter, splitCategory } from './bulk.repo';

/**
 * Group operations on many members at once: each is ONE transaction of set-based statements, audited with the
 * number of rows. The caller has already restricted `ids` to active members inside the actor's scope.
 */
async function guardDates(c: import('pg').PoolClient, ids: string[], date: string) {
  if (date > today()) throw new AppError('BAD_REQUEST', undefined, { date: 'Дата не может быть в будущем' });
  const n = await registeredAfter(c, ids, date);
  if (n > 0)
    throw new AppError('BAD_REQUEST', undefined, { date: `Дата раньше постановки на учёт у ${n} из выбранных` });
}

async function auditBulk(
  c: import('pg').PoolClient,
  actor: Actor,
  action: string,
  orgId: string,
  n: number,
  details: object,
) {
  await c.query(
    `INSERT INTO "AuditLog" ("userId", action, entity, "organisationId", "rowCount", outcome, details) VALUES ($1, $2, 'Member', $3, $4, 'OK', $5)`,
    [actor.userId, action, orgId, n, JSON.stringify(details)],
  );
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
    const moved = await c.query<{ id: string; organisationId: string }>(
      `SELECT id, "organisationId" FROM "Member" WHERE id = ANY($1::uuid[]) AND status = 'ACTIVE' AND "organisationId" <> $2::uuid ORDER BY id FOR NO KEY UPDATE`,
      [ids, target.id],
    );
    const mids = moved.rows.map((x) => x.id);
    if (!mids.length) return 0;
    // Registered and moved on the same day: the period simply moves; otherwise it is closed and a new one opens.
    await c.query(
      `UPDATE "Registration" SET "organisationId" = $2::uuid WHERE "memberId" = ANY($1::uuid[]) AND "validTo" IS NULL AND "validFrom" = $3::date`,
      [mids, target.id, date],
    );
    await c.query(
      `WITH closed AS (UPDATE "Registration" SET "validTo" = $3::date, "endKind" = 'TRANSFER_OUT' WHERE "memberId" = ANY($1::uuid[]) AND "validTo" IS NULL AND "validFrom" < $3::date RETURNING "memberId", category)
      INSERT INTO "Registration" (id, "memberId", "organisationId", category, "validFrom", "startKind") SELECT gen_random_uuid(), "memberId", $2::uuid, category, $3::date, 'TRANSFER_IN' FROM closed`,
      [mids, target.id, date],
    );
    await c.query(
      `INSERT INTO "Movement" (id, "memberId", kind, date, "organisationId", "otherOrganisationId", "createdById")
      SELECT gen_random_uuid(), id, 'TRANSFER_OUT'::"MovementKind", $3::date, "organisationId", $2::uuid, $4::uuid FROM "Member" WHERE id = ANY($1::uuid[])
      UNION ALL SELECT gen_random_uuid(), id, 'TRANSFER_IN'::"MovementKind", $3::date, $2::uuid, "organisationId", $4::uuid FROM "Member" WHERE id = ANY($1::uuid[])`,
      [mids, target.id, date, actor.userId],
    );
    await c.query(
      `UPDATE "Member" SET "organisationId" = $2::uuid, version = version + 1, "updatedAt" = now() WHERE id = ANY($1::uuid[])`,
      [mids, target.id],
    );
    await auditBulk(c, actor, 'member.transferred', target.id, mids.length, { bulk: true, from: orgId });
    return mids.length;
  });
}

export async function bulkCategory(actor: Actor, orgId: string, ids: string[], category: Category, date: string) {
  return withTransaction(async (c) => {
    await guardDates(c, ids, date);
    const ch = await c.query<{ id: string }>(
      `SELECT id FROM "Member" WHERE id = ANY($1::uuid[]) AND status = 'ACTIVE' AND category <> $2::"Category" ORDER BY id FOR NO KEY UPDATE`,
      [ids, category],
    );
    const mids = ch.rows.map((x) => x.id);
    if (!mids.length) return 0;
    await splitCategory(
      c,
      mids,
      mids.map(() => category),
      date,
    );
    await c.query(
      `INSERT INTO "Movement" (id, "memberId", kind, date, "organisationId", note, "createdById") SELECT gen_random_uuid(), id, 'CATEGORY_CHANGE', $3::date, "organisationId", $2, $4::uuid FROM "Member" WHERE id = ANY($1::uuid[])`,
      [mids, category, date, actor.userId],
    );
    await c.query(
      `UPDATE "Member" SET category = $2::"Category", version = version + 1, "updatedAt" = now() WHERE id = ANY($1::uuid[])`,
      [mids, category],
    );
    await auditBulk(c, actor, 'member.updated', orgId, mids.length, { bulk: true, category });
    return mids.length;
  });
}

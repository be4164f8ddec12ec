import { Prisma } from '../../generated/prisma/client';
import { db } from '../../db';

/** The audit actions by which an account reads members' personal data. */
export const READ_ACTIONS = ['member.viewed', 'card.viewed', 'member.listed', 'member.exported', 'member.updated'];

const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/**
 * Whose records the account read between `from` (inclusive) and `to` (exclusive), newest first, one page: the
 * account's rows of the audit log found through ("userId", at) in each monthly partition of the period (the
 * planner skips the other months), then, for the page only, the member each row names (a card's member for a card)
 * and the organisation.
 */
const READS_SQL = (userId: string, from: Date, to: Date, limit: number, offset: number) => Prisma.sql`
  WITH hits AS (
    SELECT a.id, a.at, a.action, a.entity, a."entityId", a."organisationId", a."rowCount"
    FROM "AuditLog" a
    WHERE a."userId" = ${userId}::uuid AND a.at >= ${from} AND a.at < ${to} AND a.action = ANY(${READ_ACTIONS})
    ORDER BY a.at DESC, a.id DESC LIMIT ${limit} OFFSET ${offset}
  ), named AS (
    SELECT h.*, CASE WHEN h."entityId" ~ ${UUID} THEN h."entityId"::uuid END AS eid FROM hits h
  )
  SELECT h.id, h.at, h.action, h."rowCount", m.id::text AS "memberId",
    concat_ws(' ', p."lastName", p."firstName", p."middleName") AS person, coalesce(o."shortName", o.name) AS "orgName"
  FROM named h
  LEFT JOIN "Card" k ON h.entity = 'Card' AND k.id = h.eid
  LEFT JOIN "Member" m ON m.id = CASE WHEN h.entity = 'Member' THEN h.eid ELSE k."memberId" END
  LEFT JOIN "Person" p ON p.id = m."personId"
  LEFT JOIN "Organisation" o ON o.id = coalesce(h."organisationId", m."organisationId")
  ORDER BY h.at DESC, h.id DESC`;

/** How many rows and how many distinct records (members, cards) the account read in the period. */
const READS_COUNT_SQL = (userId: string, from: Date, to: Date) => Prisma.sql`
  SELECT count(*) AS n, count(DISTINCT a."entityId") FILTER (WHERE a.entity IN ('Member', 'Card')) AS records
  FROM "AuditLog" a
  WHERE a."userId" = ${userId}::uuid AND a.at >= ${from} AND a.at < ${to} AND a.action = ANY(${READ_ACTIONS})`;

export interface ReadRow {
  id: bigint;
  at: Date;
  action: string;
  rowCount: number | null;
  memberId: string | null;
  person: string;
  orgName: string | null;
}

export async function readsOf(userId: string, opts: { from: Date; to: Date; page: number; pageSize: number }) {
  const [rows, [count]] = await Promise.all([
    db().$queryRaw<ReadRow[]>(READS_SQL(userId, opts.from, opts.to, opts.pageSize, (opts.page - 1) * opts.pageSize)),
    db().$queryRaw<{ n: bigint; records: bigint }[]>(READS_COUNT_SQL(userId, opts.from, opts.to)),
  ]);
  return { rows, total: Number(count.n), records: Number(count.records) };
}

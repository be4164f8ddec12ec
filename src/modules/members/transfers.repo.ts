import { Prisma } from '../../generated/prisma/client';
import { db, type Tx } from '../../db';
import { toDate } from '../../lib/dates';

export type TransferRequestRow = Prisma.TransferRequestGetPayload<object>;

export async function insertTransferRequest(
  tx: Tx,
  r: { memberId: string; fromOrgId: string; toOrgId: string; date: string; requestedById: string | null },
) {
  return tx.transferRequest.create({ data: { ...r, date: toDate(r.date) } });
}

export async function findTransferRequest(id: string) {
  return db().transferRequest.findUnique({ where: { id } });
}

/** Marks a pending request decided; false when someone else decided it first. */
export async function decideTransferRequest(
  tx: Tx,
  id: string,
  status: 'APPROVED' | 'DECLINED',
  userId: string | null,
): Promise<boolean> {
  const r = await tx.transferRequest.updateMany({
    where: { id, status: 'PENDING' },
    data: { status, decidedById: userId, decidedAt: new Date() },
  });
  return r.count === 1;
}

/** Subtree filter on an organisation id column: the organisation's path starts with one of the prefixes. */
function underSql(column: Prisma.Sql, prefixes: string[] | 'all'): Prisma.Sql {
  if (prefixes === 'all') return Prisma.sql`TRUE`;
  if (!prefixes.length) return Prisma.sql`FALSE`;
  return Prisma.sql`EXISTS (SELECT 1 FROM "Organisation" o WHERE o.id = ${column}
    AND o.path LIKE ANY (${prefixes.map((p) => p + '%')}::text[]))`;
}

export interface TransferListRow {
  id: string;
  memberId: string;
  fromOrgId: string;
  toOrgId: string;
  date: Date;
  status: 'PENDING' | 'APPROVED' | 'DECLINED';
  createdAt: Date;
  decidedAt: Date | null;
  lastName: string;
  firstName: string;
  middleName: string | null;
}

/**
 * Requests whose member's organisation (fromOrg) lies in `incoming` prefixes — those the caller decides —
 * or whose receiving organisation lies in `outgoing` prefixes; newest first, at most `take`.
 */
const TRANSFER_LIST_SQL = (where: Prisma.Sql, take: number) => Prisma.sql`
  SELECT r.id, r."memberId", r."fromOrgId", r."toOrgId", r.date, r.status, r."createdAt", r."decidedAt",
         p."lastName", p."firstName", p."middleName"
    FROM "TransferRequest" r
    JOIN "Member" m ON m.id = r."memberId"
    JOIN "Person" p ON p.id = m."personId"
   WHERE ${where}
   ORDER BY (r.status = 'PENDING') DESC, r."createdAt" DESC
   LIMIT ${take}`;

export async function incomingRequests(prefixes: string[] | 'all', take = 200) {
  return db().$queryRaw<TransferListRow[]>(TRANSFER_LIST_SQL(underSql(Prisma.sql`r."fromOrgId"`, prefixes), take));
}

export async function outgoingRequests(prefixes: string[] | 'all', take = 200) {
  return db().$queryRaw<TransferListRow[]>(TRANSFER_LIST_SQL(underSql(Prisma.sql`r."toOrgId"`, prefixes), take));
}

export async function pendingIncomingCount(prefixes: string[] | 'all'): Promise<number> {
  const [r] = await db().$queryRaw<{ n: bigint }[]>(
    Prisma.sql`SELECT count(*) AS n FROM "TransferRequest" r
                WHERE r.status = 'PENDING' AND ${underSql(Prisma.sql`r."fromOrgId"`, prefixes)}`,
  );
  return Number(r.n);
}

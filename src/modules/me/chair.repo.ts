import { Prisma } from '../../generated/prisma/client';
import { db } from '../../db';

/** Open member requests in an organisation's subtree, for its chair: one query per kind, paged by the caller. */
const OPEN_SQL = (path: string) => Prisma.sql`
  SELECT 'card' AS kind, r.id, r."requestedAt", p."lastName", p."firstName", p."middleName", o.name AS org,
         NULL::text AS field, NULL::text AS proposed
  FROM "VirtualCardRequest" r JOIN "Organisation" o ON o.id = r."organisationId"
  JOIN "Member" m ON m.id = r."memberId" JOIN "Person" p ON p.id = m."personId"
  WHERE r.status = 'OPEN' AND o.path LIKE ${path} || '%'
  UNION ALL
  SELECT 'withdrawal', r.id, r."requestedAt", p."lastName", p."firstName", p."middleName", o.name, NULL, NULL
  FROM "ProcessingWithdrawal" r JOIN "Organisation" o ON o.id = r."organisationId" JOIN "Person" p ON p.id = r."personId"
  WHERE r.status = 'OPEN' AND o.path LIKE ${path} || '%'
  UNION ALL
  SELECT 'correction', r.id, r."requestedAt", p."lastName", p."firstName", p."middleName", o.name, r.field, r.proposed
  FROM "CorrectionRequest" r JOIN "Organisation" o ON o.id = r."organisationId" JOIN "Person" p ON p.id = r."personId"
  WHERE r.status = 'OPEN' AND o.path LIKE ${path} || '%'
  ORDER BY 3 DESC
  LIMIT 500`;

export interface OpenRequest {
  kind: 'card' | 'withdrawal' | 'correction';
  id: string;
  requestedAt: Date;
  lastName: string;
  firstName: string;
  middleName: string | null;
  org: string;
  field: string | null;
  proposed: string | null;
}

export async function openRequests(path: string): Promise<OpenRequest[]> {
  return db().$queryRaw<OpenRequest[]>(OPEN_SQL(path));
}

export async function cardRequest(id: string) {
  return db().virtualCardRequest.findUnique({ where: { id } });
}

export async function correctionRequest(id: string) {
  return db().correctionRequest.findUnique({ where: { id } });
}

export async function orgPath(id: string) {
  return (await db().organisation.findUnique({ where: { id }, select: { path: true } }))?.path ?? null;
}

export async function memberForCard(memberId: string) {
  return db().member.findUniqueOrThrow({
    where: { id: memberId },
    select: {
      id: true,
      status: true,
      organisationId: true,
      person: { select: { lastName: true, firstName: true, middleName: true } },
    },
  });
}

export async function closeCardRequest(
  id: string,
  status: 'DONE' | 'REJECTED',
  userId: string | null,
  cardId?: string,
) {
  const n = await db().virtualCardRequest.updateMany({
    where: { id, status: 'OPEN' },
    data: { status, closedAt: new Date(), closedById: userId, cardId: cardId ?? null },
  });
  return n.count === 1;
}

export async function closeCorrection(id: string, status: 'DONE' | 'REJECTED', userId: string | null) {
  const n = await db().correctionRequest.updateMany({
    where: { id, status: 'OPEN' },
    data: { status, closedAt: new Date(), closedById: userId },
  });
  return n.count === 1;
}

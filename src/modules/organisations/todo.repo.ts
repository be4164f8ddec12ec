import { Prisma } from '../../generated/prisma/client';
import { db, sqlPool, sqlRows } from '../../db';

/** Transfer requests waiting for a decision from this organisation's subtree (members registered there). */
const PENDING_TRANSFERS_SQL = (path: string) => Prisma.sql`
  SELECT count(*) AS n
    FROM "TransferRequest" r
    JOIN "Organisation" o ON o.id = r."fromOrgId"
   WHERE r.status = 'PENDING' AND o.path LIKE ${path + '%'}`;

export async function pendingTransfersUnder(path: string): Promise<number> {
  const [r] = await db().$queryRaw<{ n: bigint }[]>(PENDING_TRANSFERS_SQL(path));
  return Number(r.n);
}

/**
 * What the start page of an organisation asks its people to do, counted in ONE statement, every count bound to
 * the organisation (its own report, its direct children, the orders it holds) or its subtree (applications,
 * transfer requests):
 * - returned: its own reports in open campaigns returned for correction (the campaign of the latest one);
 * - toAccept: reports its direct children submitted in open campaigns (a report is accepted by the level above);
 * - orders: card orders of organisations below that it holds and has to pass on (as the card hub lists them);
 * - applications: online join applications waiting in the subtree;
 * - transfers: transfer requests waiting for a decision from the subtree.
 */
const TODO_SQL = (org: { id: string; path: string }) => Prisma.sql`
  SELECT
    (SELECT count(*) FROM "Report" r JOIN "ReportCampaign" c ON c.id = r."campaignId" AND c.status = 'OPEN'
      WHERE r."organisationId" = ${org.id}::uuid AND r.status = 'RETURNED') AS returned,
    (SELECT r."campaignId"::text FROM "Report" r JOIN "ReportCampaign" c ON c.id = r."campaignId" AND c.status = 'OPEN'
      WHERE r."organisationId" = ${org.id}::uuid AND r.status = 'RETURNED' ORDER BY c."reportDate" DESC LIMIT 1) AS "returnedCampaign",
    (SELECT count(*) FROM "Report" r JOIN "ReportCampaign" c ON c.id = r."campaignId" AND c.status = 'OPEN'
      JOIN "Organisation" o ON o.id = r."organisationId"
      WHERE o."parentId" = ${org.id}::uuid AND r.status = 'SUBMITTED') AS "toAccept",
    (SELECT count(*) FROM "CardOrder" k
      WHERE k."holderId" = ${org.id}::uuid AND k."organisationId" <> ${org.id}::uuid
        AND k.status IN ('SUBMITTED', 'FORWARDED', 'DELIVERED')) AS orders,
    (SELECT count(*) FROM "JoinApplication" a JOIN "Organisation" o ON o.id = a."organisationId"
      WHERE a.status = 'NEW' AND o.path LIKE ${org.path + '%'}) AS applications,
    (${PENDING_TRANSFERS_SQL(org.path)}) AS transfers`;

export interface TodoCounts {
  returned: number;
  returnedCampaign: string | null;
  toAccept: number;
  orders: number;
  applications: number;
  transfers: number;
}

export async function todoCounts(org: { id: string; path: string }): Promise<TodoCounts> {
  const [r] = await sqlRows<{
    returned: bigint | string;
    returnedCampaign: string | null;
    toAccept: bigint | string;
    orders: bigint | string;
    applications: bigint | string;
    transfers: bigint | string;
  }>(sqlPool(), TODO_SQL(org));
  return {
    returned: Number(r.returned),
    returnedCampaign: r.returnedCampaign,
    toAccept: Number(r.toAccept),
    orders: Number(r.orders),
    applications: Number(r.applications),
    transfers: Number(r.transfers),
  };
}

import { Prisma } from '../../generated/prisma/client';
import { db } from '../../db';

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

import { Prisma } from '../../generated/prisma/client';

/**
 * SQL: the plastic cards of batch `batchId` counted per region (the ancestor at depth 1 of the card's primary
 * organisation): id, name, n. With `scope` (subtree paths), only the cards of primary organisations inside them;
 * null counts them all.
 */
export const BATCH_BY_REGION_SQL = (batchId: string, scope: string[] | null) => Prisma.sql`
    SELECT r.id::text AS id, r.name, count(*) AS n
    FROM "Card" c JOIN "CardOrder" o ON o.id = c."orderId" JOIN "Organisation" p ON p.id = o."organisationId"
    JOIN "Organisation" r ON r.depth = 1 AND p.path LIKE r.path || '%'
    WHERE c."batchId" = ${batchId}::uuid AND c.form = 'PLASTIC'
      AND (${scope}::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest(${scope}::text[]) s WHERE p.path LIKE s || '%'))
    GROUP BY r.id, r.name, r."nameKey" ORDER BY r."nameKey"`;

/**
 * SQL: the manufacturer's file of batch `batchId`, a row per card not blocked: number, the name as printed, the
 * organisation's path by short names ("orgPath", from the region down) and the region; by region, path and name.
 */
export const BATCH_FILE_SQL = (batchId: string) => Prisma.sql`
    SELECT c.number, c."printedName",
      (SELECT string_agg(coalesce(a."shortName", a.name), ' / ' ORDER BY a.depth) FROM "Organisation" a
        WHERE p.path LIKE a.path || '%' AND a.depth >= 1) AS "orgPath",
      (SELECT a.name FROM "Organisation" a WHERE a.depth = 1 AND p.path LIKE a.path || '%') AS region
    FROM "Card" c JOIN "CardOrder" o ON o.id = c."orderId" JOIN "Organisation" p ON p.id = o."organisationId"
    WHERE c."batchId" = ${batchId}::uuid AND c.status <> 'BLOCKED'
    ORDER BY region, "orgPath", c."printedName"`;

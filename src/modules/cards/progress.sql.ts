import { Prisma } from '../../generated/prisma/client';
import { cardedOrgsSql, orgCountsSql } from '../organisations/counts.sql';

/**
 * SQL: the active primary organisations of the subtree at `path` with members registered on `asOf` (anywhere in
 * their unit) and no card ordered or issued there by then: id, name, members; by name, at most `limit`.
 */
export const NOT_STARTED_SQL = (path: string, asOf: string, limit: number) => Prisma.sql`
    WITH per_org AS (${orgCountsSql(path, asOf)}),
    -- A primary organisation's subtree is its unit (its профбюро and профгруппы): members and cards summed by unit.
    members_in AS (SELECT unit AS id, sum(n)::bigint AS n FROM per_org WHERE unit IS NOT NULL GROUP BY 1),
    started AS (SELECT DISTINCT unit AS id FROM (${cardedOrgsSql(path, asOf)}) c WHERE unit IS NOT NULL)
    SELECT p.id::text AS id, coalesce(p."shortName", p.name) AS name, mi.n AS members
    FROM "Organisation" p JOIN members_in mi ON mi.id = p.id
    WHERE p.path LIKE ${path} || '%' AND p.kind = 'PRIMARY' AND p.status = 'ACTIVE' AND NOT EXISTS (SELECT 1 FROM started s WHERE s.id = p.id)
    ORDER BY p."nameKey" LIMIT ${limit}`;

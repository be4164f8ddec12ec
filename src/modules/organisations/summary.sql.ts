import { Prisma } from '../../generated/prisma/client';
import { orgCountsSql } from './counts.sql';
import { pathIdsSql } from './organisations.repo';

/**
 * SQL: the dashboard's figures for the subtree of `org` on `asOf` (summary.repo.ts), rows of three parts:
 * - 'm': members by category (w, s, p) and in all (n) per child (`child`: the id after the org's path);
 * - 'p': primary organisations existing on the date per child (total), and those with no member registered in their
 *   whole subtree (empty);
 * - 'e': the first `emptyList` of those empty primaries by name (id, name), the organisation itself excluded.
 */
export const SUBTREE_SUMMARY_SQL = (org: { id: string; path: string }, asOf: string, emptyList: number) => {
  const prefixLen = org.path.length;
  return Prisma.sql`
    WITH per_org AS MATERIALIZED (${orgCountsSql(org.path, asOf)}),
    -- Every organisation above (and including) one with members has members in its subtree (the unit alone is not
    -- enough: a university's ППО with territorial rights holds whole primary organisations, each its own unit).
    busy AS (SELECT DISTINCT a AS id FROM per_org CROSS JOIN LATERAL ${pathIdsSql('per_org.path')} AS a),
    prims AS (
      SELECT o.id, o.path, coalesce(o."shortName", o.name) AS name, o."nameKey", o.status, b.id IS NULL AS empty
      FROM "Organisation" o LEFT JOIN busy b ON b.id = o.id
      WHERE o.path LIKE ${org.path} || '%' AND o.kind = 'PRIMARY' AND coalesce(o."foundedAt", o."createdAt"::date) <= ${asOf}::date
        AND (o.status = 'ACTIVE' OR o."excludedAt" > ${asOf}::date))
    SELECT 'm' AS part, split_part(substr(path, ${prefixLen + 1}::int), '/', 1) AS child, NULL AS name, sum(w)::bigint AS w, sum(s)::bigint AS s, sum(p)::bigint AS p, sum(n)::bigint AS n,
           NULL::bigint AS total, NULL::bigint AS empty
    FROM per_org GROUP BY 2
    UNION ALL
    SELECT 'p', split_part(substr(path, ${prefixLen + 1}::int), '/', 1), NULL, NULL, NULL, NULL, NULL, count(*), count(*) FILTER (WHERE empty)
    FROM prims GROUP BY 2
    UNION ALL
    (SELECT 'e', id::text, name, NULL, NULL, NULL, NULL, NULL, NULL FROM prims
     WHERE empty AND status = 'ACTIVE' AND id <> ${org.id}::uuid ORDER BY "nameKey" LIMIT ${emptyList})`;
};

import { Prisma } from '../../generated/prisma/client';

/**
 * Per-organisation figures as of a date from the counters kept by triggers ("OrgCount", migration
 * 20261216000000_org_counts) instead of a pass over every registration of the subtree (issue 12).
 *
 * The counters hold each organisation's registrations in their final state (after every recorded date). The
 * figures on `asOf` are the counters plus, for the registrations with a recorded date after `asOf` (a start, an end,
 * a card issued or blocked: the index on reg_last_change), the difference between their state on `asOf` and their
 * final state. For today that is a handful of rows; the result equals counting the registrations valid on the date.
 */

/** Registrations of the subtree whose state on the date differs from the counted one: figures on the date minus final. */
const LATE_REGISTRATIONS = (path: string, asOf: string) => Prisma.sql`
  SELECT r."organisationId" AS id, sum(d.working - f.working) AS w, sum(d.student - f.student) AS s,
    sum(d.pensioner - f.pensioner) AS p, sum(d.members - f.members) AS n, sum(d.plastic - f.plastic) AS plastic,
    sum(d.virtual - f.virtual) AS virtual
  FROM "Registration" r
    CROSS JOIN LATERAL reg_tally(r."validFrom", r."validTo", r.category, r."cardPlastic", r."cardVirtual", ${asOf}::date) d
    CROSS JOIN LATERAL reg_tally(r."validFrom", r."validTo", r.category, r."cardPlastic", r."cardVirtual", '9999-12-31') f
  WHERE reg_last_change(r."validFrom", r."validTo", r."cardPlastic", r."cardVirtual") > ${asOf}::date
    AND r."organisationId" IN (SELECT id FROM "Organisation" WHERE path LIKE ${path} || '%')
  GROUP BY 1`;

/**
 * SQL: the organisations of the subtree at `path` with members registered on `asOf`, one row each: id, path, unit
 * (the primary organisation a профбюро/профгруппа belongs to, or the organisation itself),
 * members by category (w, s, p), in all (n), card holders by form (plastic, virtual). The same rows and figures as
 * counting the registrations valid on the date (perOrgSql), read from the counters.
 *
 * An organisation may have no counter row at all: none is made for figures that stay zero (a registration written
 * already closed, an exit or a transfer away in the past) and org_count_rebuild() keeps none for an organisation
 * with no open registration. Its figures on a past date then come from the correction alone, so the counters are
 * LEFT JOINed and a missing row counts as zero (an inner join dropped such organisations and their past members).
 */
export function orgCountsSql(path: string, asOf: string): Prisma.Sql {
  return Prisma.sql`SELECT * FROM (
    SELECT o.id, o.path, o."unitId" AS unit, coalesce(c.working, 0) + coalesce(l.w, 0) AS w,
      coalesce(c.student, 0) + coalesce(l.s, 0) AS s, coalesce(c.pensioner, 0) + coalesce(l.p, 0) AS p,
      coalesce(c.members, 0) + coalesce(l.n, 0) AS n, coalesce(c.plastic, 0) + coalesce(l.plastic, 0) AS plastic,
      coalesce(c.virtual, 0) + coalesce(l.virtual, 0) AS virtual
    FROM "Organisation" o LEFT JOIN "OrgCount" c ON c."organisationId" = o.id
      LEFT JOIN (${LATE_REGISTRATIONS(path, asOf)}) l ON l.id = o.id
    WHERE o.path LIKE ${path} || '%') x
  WHERE n > 0`;
}

/**
 * SQL: the organisations of the subtree at `path` (path, unit) for which a card had been ordered by `asOf`
 * (created on or before the date, for a current member): the counted cards minus those created after the date.
 */
export function cardedOrgsSql(path: string, asOf: string): Prisma.Sql {
  return Prisma.sql`SELECT o.path, o."unitId" AS unit FROM "Organisation" o JOIN "OrgCount" c ON c."organisationId" = o.id
    LEFT JOIN (SELECT m."organisationId" AS id, count(*) AS n FROM "Card" k JOIN "Member" m ON m.id = k."memberId"
      WHERE k."createdAt" >= ${asOf}::date + 1 GROUP BY 1) late ON late.id = o.id
    WHERE o.path LIKE ${path} || '%' AND c."cardsOrdered" > coalesce(late.n, 0)`;
}

import { db } from '../../db';

export interface CategoryCounts { WORKING: number; STUDENT: number; PENSIONER: number; total: number }
export interface SummaryRow { id: string; name: string; kind: string; members: CategoryCounts; primaryOrgs: number; primaryOrgsWithoutMembers: number }

const zero = (): CategoryCounts => ({ WORKING: 0, STUDENT: 0, PENSIONER: 0, total: 0 });

/**
 * The dashboard's figures for an organisation's subtree as of a date, aggregated in SQL in three
 * queries whatever the size of the subtree: members by category, per child; primary organisations and
 * those with no member registered on the date, per child. Raw SQL with the subtree bound as a parameter.
 */
export async function subtreeSummary(org: { id: string; path: string }, asOf: string) {
  const prefixLen = org.path.length;
  // Members by category, grouped by the child of `org` they sit under ('' = registered in org itself).
  const members = await db().$queryRaw<{ child: string; category: string; n: bigint }[]>`
    SELECT split_part(substr(o.path, ${prefixLen + 1}::int), '/', 1) AS child, r.category::text AS category, count(*) AS n
    FROM "Registration" r JOIN "Organisation" o ON o.id = r."organisationId"
    WHERE o.path LIKE ${org.path} || '%' AND r."validFrom" <= ${asOf}::date AND (r."validTo" IS NULL OR r."validTo" > ${asOf}::date)
    GROUP BY 1, 2`;
  // Primary organisations existing on the date, and those of them with no member registered then.
  const prim = await db().$queryRaw<{ child: string; total: bigint; empty: bigint }[]>`
    WITH p AS (
      SELECT o.id, o.path FROM "Organisation" o
      WHERE o.path LIKE ${org.path} || '%' AND o.kind = 'PRIMARY' AND coalesce(o."foundedAt", o."createdAt"::date) <= ${asOf}::date
        AND (o.status = 'ACTIVE' OR o."excludedAt" > ${asOf}::date)
    ), busy AS (
      SELECT DISTINCT p.id FROM p
      JOIN "Organisation" o ON o.path LIKE p.path || '%'
      JOIN "Registration" r ON r."organisationId" = o.id
      WHERE r."validFrom" <= ${asOf}::date AND (r."validTo" IS NULL OR r."validTo" > ${asOf}::date)
    )
    SELECT split_part(substr(p.path, ${prefixLen + 1}::int), '/', 1) AS child, count(*) AS total,
           count(*) FILTER (WHERE busy.id IS NULL) AS empty
    FROM p LEFT JOIN busy ON busy.id = p.id GROUP BY 1`;
  const children = await db().organisation.findMany({ where: { parentId: org.id, OR: [{ status: 'ACTIVE' }, { excludedAt: { gt: new Date(asOf) } }] }, select: { id: true, name: true, shortName: true, kind: true, nameKey: true }, orderBy: { nameKey: 'asc' } });
  const total = zero();
  const byChild = new Map<string, SummaryRow>(children.map((c) => [c.id, { id: c.id, name: c.shortName ?? c.name, kind: c.kind, members: zero(), primaryOrgs: 0, primaryOrgsWithoutMembers: 0 }]));
  for (const r of members) {
    const n = Number(r.n);
    const cat = r.category as keyof Omit<CategoryCounts, 'total'>;
    total[cat] += n; total.total += n;
    const c = byChild.get(r.child);
    if (c) { c.members[cat] += n; c.members.total += n; }
  }
  let primaryOrgs = 0;
  let primaryOrgsWithoutMembers = 0;
  for (const r of prim) {
    primaryOrgs += Number(r.total); primaryOrgsWithoutMembers += Number(r.empty);
    const c = byChild.get(r.child);
    if (c) { c.primaryOrgs += Number(r.total); c.primaryOrgsWithoutMembers += Number(r.empty); }
  }
  return { members: total, primaryOrgs, primaryOrgsWithoutMembers, children: [...byChild.values()] };
}

/** Primary organisations of the subtree with no member registered as of the date (for the dashboard list). */
export async function emptyPrimaries(org: { path: string }, asOf: string, limit = 50) {
  return db().$queryRaw<{ id: string; name: string }[]>`
    SELECT p.id::text AS id, coalesce(p."shortName", p.name) AS name FROM "Organisation" p
    WHERE p.path LIKE ${org.path} || '%' AND p.kind = 'PRIMARY' AND p.status = 'ACTIVE'
      AND NOT EXISTS (
        SELECT 1 FROM "Organisation" o JOIN "Registration" r ON r."organisationId" = o.id
        WHERE o.path LIKE p.path || '%' AND r."validFrom" <= ${asOf}::date AND (r."validTo" IS NULL OR r."validTo" > ${asOf}::date))
    ORDER BY p."nameKey" LIMIT ${limit}`;
}

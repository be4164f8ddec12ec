import { db } from '../../db';
import { pct } from '../reports/formula';

export interface ProgressRow { id: string; name: string; kind: string; members: number; plastic: number; virtual: number; cards: number; percent: number }

/** Rounded half up to one decimal, from the sums (never averaged): the forms' own rule, 0 for no members. */
export function percent(part: number, whole: number): number {
  return pct(part, whole) ?? 0;
}

/**
 * Card exchange progress as of a date for an organisation and each child, in one SQL aggregation:
 * members registered on the date and, of them, those holding a card issued on or before the date and not
 * blocked by then, by form.
 */
export async function cardProgress(org: { id: string; path: string }, asOf: string) {
  const prefixLen = org.path.length;
  const rows = await db().$queryRaw<{ child: string; members: bigint; plastic: bigint; virtual: bigint }[]>`
    WITH m AS (
      SELECT r."memberId", split_part(substr(o.path, ${prefixLen + 1}::int), '/', 1) AS child
      FROM "Registration" r JOIN "Organisation" o ON o.id = r."organisationId"
      WHERE o.path LIKE ${org.path} || '%' AND r."validFrom" <= ${asOf}::date AND (r."validTo" IS NULL OR r."validTo" > ${asOf}::date)
    ), c AS (
      SELECT DISTINCT ON (c."memberId") c."memberId", c.form FROM "Card" c JOIN m ON m."memberId" = c."memberId"
      WHERE c."issuedAt" <= ${asOf}::date AND (c."blockedAt" IS NULL OR c."blockedAt" > ${asOf}::date)
      ORDER BY c."memberId", c."issuedAt" DESC
    )
    SELECT m.child, count(*) AS members,
      count(*) FILTER (WHERE c.form = 'PLASTIC') AS plastic, count(*) FILTER (WHERE c.form = 'VIRTUAL') AS virtual
    FROM m LEFT JOIN c ON c."memberId" = m."memberId" GROUP BY m.child`;
  // The children that existed on the date, also those excluded since.
  const children = await db().organisation.findMany({ where: { parentId: org.id, OR: [{ status: 'ACTIVE' }, { excludedAt: { gt: new Date(`${asOf}T00:00:00Z`) } }] }, select: { id: true, name: true, shortName: true, kind: true }, orderBy: { nameKey: 'asc' } });
  const by = new Map(rows.map((r) => [r.child, r]));
  const mk = (id: string, name: string, kind: string, r?: { members: bigint; plastic: bigint; virtual: bigint }): ProgressRow => {
    const members = Number(r?.members ?? 0); const plastic = Number(r?.plastic ?? 0); const virtual = Number(r?.virtual ?? 0);
    return { id, name, kind, members, plastic, virtual, cards: plastic + virtual, percent: percent(plastic + virtual, members) };
  };
  const childRows = children.map((c) => mk(c.id, c.shortName ?? c.name, c.kind, by.get(c.id)));
  const own = by.get('');
  const sum = (k: 'members' | 'plastic' | 'virtual') => rows.reduce((s, r) => s + Number(r[k]), 0);
  const members = sum('members'); const plastic = sum('plastic'); const virtual = sum('virtual');
  return {
    asOf,
    total: { members, plastic, virtual, cards: plastic + virtual, percent: percent(plastic + virtual, members) },
    children: childRows,
    ownMembers: own ? Number(own.members) : 0,
  };
}

/** Primary organisations with members registered on the date but no card ordered or issued at all. */
export async function notStarted(org: { path: string }, asOf: string, limit = 100) {
  return db().$queryRaw<{ id: string; name: string; members: bigint }[]>`
    SELECT p.id::text AS id, coalesce(p."shortName", p.name) AS name, count(r.id) AS members
    FROM "Organisation" p
    JOIN "Organisation" o ON o.path LIKE p.path || '%'
    JOIN "Registration" r ON r."organisationId" = o.id AND r."validFrom" <= ${asOf}::date AND (r."validTo" IS NULL OR r."validTo" > ${asOf}::date)
    WHERE p.path LIKE ${org.path} || '%' AND p.kind = 'PRIMARY' AND p.status = 'ACTIVE'
      AND NOT EXISTS (SELECT 1 FROM "Card" c JOIN "Member" mm ON mm.id = c."memberId" JOIN "Organisation" o2 ON o2.id = mm."organisationId"
                      WHERE o2.path LIKE p.path || '%' AND c."createdAt"::date <= ${asOf}::date)
    GROUP BY p.id, p."shortName", p.name, p."nameKey" ORDER BY p."nameKey" LIMIT ${limit}`;
}

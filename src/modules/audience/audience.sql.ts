import { Prisma } from '../../generated/prisma/client';
import type { AudienceItem } from '../../generated/prisma/enums';
import type { Actor } from '../../policy/actor';
import type { Audience } from './audience.input';

/**
 * SQL of the audience, shared by announcements, documents and surveys. Every item table carries the columns
 * "organisationId" (the publisher), "audienceKinds", "audienceRoles", "audienceOrgIds", "audienceMembers".
 * Nothing here touches the database: the repos run these fragments.
 */

/** Ids along a materialised path (the organisation and everything above it), root first. */
function pathIdList(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function col(alias: string, column: string): Prisma.Sql {
  if (!/^[a-z_][a-z0-9_]*$/i.test(alias)) throw new Error(`Bad SQL alias ${alias}`);
  return Prisma.raw(`"${alias}"."${column}"`);
}

/**
 * Items (table alias `alias`) visible to the actor NOW: published at an organisation on the path of one of
 * the actor's current assignments (that organisation or above), whose audience matches that assignment's role,
 * its organisation's kind and, when orgIds are set, lies under one of them. Evaluated from the actor's
 * assignments in force today, so a user appointed after publication sees current items, and one whose term
 * ended does not. Members-only items (audienceMembers) are not for users. The caller adds status and dates.
 */
export function audienceVisibleSql(alias: string, actor: Actor): Prisma.Sql {
  if (actor.kind !== 'user' || actor.assignments.length === 0) return Prisma.sql`FALSE`;
  const [org, roles, kinds, orgIds, members] = [
    col(alias, 'organisationId'),
    col(alias, 'audienceRoles'),
    col(alias, 'audienceKinds'),
    col(alias, 'audienceOrgIds'),
    col(alias, 'audienceMembers'),
  ];
  // The assignments as three arrays (role, kind, path), so that the text is the same for every user however many
  // assignments they hold: the statements built on it can run as named statements (db.ts `prepared`).
  const as = actor.assignments;
  return Prisma.sql`(NOT ${members} AND EXISTS (
    SELECT 1 FROM unnest(${as.map((a) => a.role)}::text[], ${as.map((a) => a.orgKind)}::text[],
                         ${as.map((a) => a.orgPath)}::text[]) AS asg(role, kind, path)
      CROSS JOIN LATERAL (SELECT string_to_array(trim(both '/' from asg.path), '/')::uuid[] AS ids) up
    WHERE ${org} = ANY(up.ids)
      AND (coalesce(cardinality(${roles}), 0) = 0 OR asg.role::"Role" = ANY(${roles}))
      AND (coalesce(cardinality(${kinds}), 0) = 0 OR asg.kind::"OrgKind" = ANY(${kinds}))
      AND (coalesce(cardinality(${orgIds}), 0) = 0 OR ${orgIds} && up.ids)))`;
}

/**
 * Members-only items (audienceMembers) for a member registered at the organisation with path `orgPath`:
 * published at that organisation or above, the organisation's kind and place matching the audience.
 */
export function memberVisibleSql(alias: string, orgPath: string): Prisma.Sql {
  const ids = pathIdList(orgPath);
  const [org, kinds, orgIds, members] = [
    col(alias, 'organisationId'),
    col(alias, 'audienceKinds'),
    col(alias, 'audienceOrgIds'),
    col(alias, 'audienceMembers'),
  ];
  return Prisma.sql`(${members} AND ${org} = ANY(${ids}::uuid[])
    AND (coalesce(cardinality(${kinds}), 0) = 0
         OR (SELECT o.kind FROM "Organisation" o WHERE o.id = ${ids[ids.length - 1] ?? null}::uuid) = ANY(${kinds}))
    AND (coalesce(cardinality(${orgIds}), 0) = 0 OR ${orgIds} && ${ids}::uuid[]))`;
}

/** Organisations (alias `o`) under the publisher that the audience's kinds and orgIds select. */
function audienceOrgsWhere(publisherPath: string, a: Audience): Prisma.Sql {
  return Prisma.sql`o.path LIKE ${publisherPath} || '%' AND o.status = 'ACTIVE'
    ${a.kinds.length ? Prisma.sql`AND o.kind = ANY(${a.kinds}::"OrgKind"[])` : Prisma.empty}
    ${a.orgIds.length ? Prisma.sql`AND string_to_array(trim(both '/' from o.path), '/')::uuid[] && ${a.orgIds}::uuid[]` : Prisma.empty}`;
}

/**
 * Freezes the users an audience holds now into AudienceMember: every active user with a role assignment in
 * force on `day` matching the roles, at an organisation the audience selects. One row per user (at the
 * highest of their matching organisations); `childId` is the direct child of the publisher above the user's
 * organisation, cut from the path (null for the publisher's own users).
 */
export function freezeUsersSql(
  item: { type: AudienceItem; id: string },
  publisherPath: string,
  a: Audience,
  day: string,
): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "AudienceMember" ("itemType", "itemId", "userId", "organisationId", "childId", "orgPath")
    SELECT DISTINCT ON (ra."userId") ${item.type}::"AudienceItem", ${item.id}::uuid, ra."userId", o.id,
           NULLIF(split_part(substr(o.path, ${publisherPath.length + 1}::int), '/', 1), '')::uuid, o.path
    FROM "RoleAssignment" ra
    JOIN "User" u ON u.id = ra."userId" AND u.active
    JOIN "Organisation" o ON o.id = ra."organisationId"
    WHERE ${audienceOrgsWhere(publisherPath, a)}
      AND ra."startsOn" <= ${day}::date AND (ra."endsOn" IS NULL OR ra."endsOn" >= ${day}::date)
      ${a.roles.length ? Prisma.sql`AND ra.role = ANY(${a.roles}::"Role"[])` : Prisma.empty}
    ORDER BY ra."userId", o.depth, o.id
    ON CONFLICT DO NOTHING`;
}

/** Active members of the organisations the audience selects (members-only audiences are counted, not frozen). */
export function countMembersSql(publisherPath: string, a: Audience): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS n FROM "Member" m JOIN "Organisation" o ON o.id = m."organisationId"
    WHERE m.status = 'ACTIVE' AND ${audienceOrgsWhere(publisherPath, a)}`;
}

/** Copies the not-yet-done users of one item into another (a reminder addressed to them only). */
export function freezeNotDoneSql(
  target: { type: AudienceItem; id: string },
  source: { type: AudienceItem; id: string },
): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "AudienceMember" ("itemType", "itemId", "userId", "organisationId", "childId", "orgPath")
    SELECT ${target.type}::"AudienceItem", ${target.id}::uuid, m."userId", m."organisationId", m."childId", m."orgPath"
    FROM "AudienceMember" m JOIN "User" u ON u.id = m."userId" AND u.active
    WHERE m."itemType" = ${source.type}::"AudienceItem" AND m."itemId" = ${source.id}::uuid AND m."doneAt" IS NULL
    ON CONFLICT DO NOTHING`;
}

/**
 * The roll-up: addressed and done per direct child of the publisher, one GROUP BY over the item's frozen
 * audience (an index range), joined to the children's names. The publisher's own users are the row with a
 * null child.
 */
export function rollupSql(item: { type: AudienceItem; id: string }): Prisma.Sql {
  return Prisma.sql`
    SELECT g."childId", g.addressed, g.done, o.name, o."shortName", o.kind
    FROM (
      SELECT m."childId", count(*)::int AS addressed, count(m."doneAt")::int AS done
      FROM "AudienceMember" m
      WHERE m."itemType" = ${item.type}::"AudienceItem" AND m."itemId" = ${item.id}::uuid
      GROUP BY m."childId"
    ) g LEFT JOIN "Organisation" o ON o.id = g."childId"
    ORDER BY o."nameKey" NULLS FIRST, o.id`;
}

/** A child organisation's id, `own` for the publisher's own users, null for all. */
export type ChildFilter = string | null;

/**
 * The not-yet-done users of an item inside `withinPath` (and, when given, under one child or, for `own`, at
 * the publisher itself), by name (Ё = Е), a page at a time, with the total.
 */
export function notDoneSql(
  item: { type: AudienceItem; id: string },
  q: { withinPath: string; child: ChildFilter; take: number; skip: number },
): Prisma.Sql {
  const child =
    q.child === 'own'
      ? Prisma.sql`AND m."childId" IS NULL`
      : q.child
        ? Prisma.sql`AND m."childId" = ${q.child}::uuid`
        : Prisma.empty;
  return Prisma.sql`
    SELECT m."userId", u."fullName", o.id AS "orgId", o.name AS "orgName", o."shortName" AS "orgShortName",
           count(*) OVER ()::int AS total
    FROM "AudienceMember" m
    JOIN "User" u ON u.id = m."userId"
    JOIN "Organisation" o ON o.id = m."organisationId"
    WHERE m."itemType" = ${item.type}::"AudienceItem" AND m."itemId" = ${item.id}::uuid AND m."doneAt" IS NULL
      AND m."orgPath" LIKE ${q.withinPath} || '%' ${child}
    ORDER BY upper(translate(u."fullName", 'Ёё', 'Ее')), u.id
    LIMIT ${q.take}::int OFFSET ${q.skip}::int`;
}

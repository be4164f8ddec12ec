import { Prisma } from '../../generated/prisma/client';

/**
 * Who in the union looked at or exported the member's record (152-ФЗ ст. 14 ч. 7): per-record rows (a member card
 * or a card viewed, the record changed or exported) and list exports of an organisation the member was registered
 * under at the time. The reader is named by role and organisation only (a colleague's name is not the member's
 * data): the role assignment of that user in force on that day, at its organisation.
 */
export const ACCESS_SQL = (personId: string, limit: number) => Prisma.sql`
  WITH mine AS (SELECT id FROM "Member" WHERE "personId" = ${personId}::uuid),
  my_cards AS (SELECT c.id FROM "Card" c JOIN mine ON mine.id = c."memberId"),
  my_regs AS (
    SELECT o.path, r."validFrom", r."validTo"
    FROM "Registration" r JOIN mine ON mine.id = r."memberId" JOIN "Organisation" o ON o.id = r."organisationId"
  ),
  hits AS (
    SELECT a.id, a.at, a.action, a."userId"
    FROM "AuditLog" a
    WHERE a."userId" IS NOT NULL AND a.action IN ('member.viewed', 'member.updated', 'member.exited', 'member.transferred')
      AND a.entity = 'Member' AND a."entityId" IN (SELECT id::text FROM mine)
    UNION ALL
    SELECT a.id, a.at, a.action, a."userId"
    FROM "AuditLog" a
    WHERE a."userId" IS NOT NULL AND a.action = 'card.viewed' AND a.entity = 'Card'
      AND a."entityId" IN (SELECT id::text FROM my_cards)
    UNION ALL
    SELECT a.id, a.at, a.action, a."userId"
    FROM "AuditLog" a JOIN "Organisation" eo ON eo.id = a."organisationId"
    WHERE a."userId" IS NOT NULL AND a.action = 'member.exported'
      AND EXISTS (SELECT 1 FROM my_regs g WHERE g.path LIKE eo.path || '%'
                  AND g."validFrom" <= a.at::date AND (g."validTo" IS NULL OR g."validTo" > a.at::date))
  )
  SELECT h.at, h.action, ra.role::text AS role, coalesce(ro."shortName", ro.name) AS "orgName"
  FROM hits h
  LEFT JOIN LATERAL (
    SELECT x.role, x."organisationId" FROM "RoleAssignment" x
    WHERE x."userId" = h."userId" AND x."startsOn" <= h.at::date AND (x."endsOn" IS NULL OR x."endsOn" >= h.at::date)
    ORDER BY x."startsOn" DESC LIMIT 1
  ) ra ON true
  LEFT JOIN "Organisation" ro ON ro.id = ra."organisationId"
  ORDER BY h.at DESC, h.id DESC
  LIMIT ${limit}`;

/**
 * To which partner the member's data went: each bonus-programme export (the partner's list) made while the member
 * had the bonus consent in force, an issued card and an active membership.
 */
export const BONUS_SQL = (personId: string) => Prisma.sql`
  SELECT a.at
  FROM "AuditLog" a
  WHERE a.action = 'bonus.exported'
    AND EXISTS (SELECT 1 FROM "Consent" k WHERE k."personId" = ${personId}::uuid AND k.kind = 'BONUS_PROGRAMME'
                AND k."givenAt" <= a.at::date AND (k."withdrawnAt" IS NULL OR k."withdrawnAt" > a.at::date))
    AND EXISTS (SELECT 1 FROM "Member" m JOIN "Card" c ON c."memberId" = m.id
                WHERE m."personId" = ${personId}::uuid AND m."joinedAt" <= a.at::date
                  AND (m."exitedAt" IS NULL OR m."exitedAt" > a.at::date)
                  AND c."issuedAt" IS NOT NULL AND c."issuedAt" <= a.at::date
                  AND (c."blockedAt" IS NULL OR c."blockedAt" > a.at::date))
  ORDER BY a.at DESC`;

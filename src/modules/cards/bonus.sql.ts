import { Prisma } from '../../generated/prisma/client';

/** The member `m` has consent (2), to the bonus programme, in force (given and not withdrawn). */
const BONUS_CONSENT_IN_FORCE = Prisma.sql`EXISTS (SELECT 1 FROM "Consent" k WHERE k."personId" = m."personId" AND k.kind = 'BONUS_PROGRAMME' AND k."withdrawnAt" IS NULL)`;

/** SQL: the partner's list, members with the consent in force and an issued card, by name. */
export const BONUS_EXPORT_SQL = Prisma.sql`
    SELECT p."lastName", p."firstName", p."middleName", c.number AS card, p.phone, p.email
    FROM "Member" m JOIN "Person" p ON p.id = m."personId"
    JOIN "Card" c ON c."memberId" = m.id AND c.status = 'ISSUED'
    WHERE m.status = 'ACTIVE' AND ${BONUS_CONSENT_IN_FORCE}
    ORDER BY p."lastNameKey", p."firstName"`;

/**
 * SQL: per active child of organisation `orgId` (id, name), the active members of its subtree who joined by `asOf`
 * and, of them, the participants (consent in force); by name.
 */
export const BONUS_COUNTS_BY_CHILD_SQL = (orgId: string, asOf: string) => Prisma.sql`
    SELECT ch.id::text AS id, coalesce(ch."shortName", ch.name) AS name, count(m.id) AS members,
      count(m.id) FILTER (WHERE ${BONUS_CONSENT_IN_FORCE}) AS participants
    FROM "Organisation" ch
    LEFT JOIN "Organisation" o ON o.path LIKE ch.path || '%'
    LEFT JOIN "Member" m ON m."organisationId" = o.id AND m.status = 'ACTIVE' AND m."joinedAt" <= ${asOf}::date
    WHERE ch."parentId" = ${orgId}::uuid AND ch.status = 'ACTIVE'
    GROUP BY ch.id, ch."shortName", ch.name, ch."nameKey" ORDER BY ch."nameKey"`;

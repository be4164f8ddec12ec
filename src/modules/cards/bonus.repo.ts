import { db } from '../../db';

const consentInForce = (alias: string) =>
  `EXISTS (SELECT 1 FROM "Consent" k WHERE k."personId" = ${alias}."personId" AND k.kind = 'BONUS_PROGRAMME' AND k."withdrawnAt" IS NULL)`;

/** Members with consent (2) in force and an issued card: the partner's list. */
export async function bonusExportRows() {
  return db().$queryRawUnsafe<
    {
      lastName: string;
      firstName: string;
      middleName: string | null;
      card: string;
      phone: string | null;
      email: string | null;
    }[]
  >(`
    SELECT p."lastName", p."firstName", p."middleName", c.number AS card, p.phone, p.email
    FROM "Member" m JOIN "Person" p ON p.id = m."personId"
    JOIN "Card" c ON c."memberId" = m.id AND c.status = 'ISSUED'
    WHERE m.status = 'ACTIVE' AND ${consentInForce('m')}
    ORDER BY p."lastNameKey", p."firstName"`);
}

/** Participants (consent in force) per child organisation, with the members registered today. */
export async function bonusCountsByChild(org: { id: string; path: string }, asOf: string) {
  const rows = await db().$queryRawUnsafe<{ id: string; name: string; members: bigint; participants: bigint }[]>(
    `
    SELECT ch.id::text AS id, coalesce(ch."shortName", ch.name) AS name, count(m.id) AS members,
      count(m.id) FILTER (WHERE ${consentInForce('m')}) AS participants
    FROM "Organisation" ch
    LEFT JOIN "Organisation" o ON o.path LIKE ch.path || '%'
    LEFT JOIN "Member" m ON m."organisationId" = o.id AND m.status = 'ACTIVE' AND m."joinedAt" <= $2::date
    WHERE ch."parentId" = $1::uuid AND ch.status = 'ACTIVE'
    GROUP BY ch.id, ch."shortName", ch.name, ch."nameKey" ORDER BY ch."nameKey"`,
    org.id,
    asOf,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    members: Number(r.members),
    participants: Number(r.participants),
  }));
}

import { Prisma } from '../../generated/prisma/client';
import { appKey, db } from '../../db';
import type { Contact } from './contacts';

/** The key for code and contact HMACs, made on first use and kept in the database (like the card-signing key). */
export async function memberCodeKey(): Promise<string> {
  return appKey('member-code');
}

/**
 * The person a contact belongs to: the one with a membership in force first, then the latest joined. The
 * comparisons match the expression indexes of migration 20261205010000 (lower(email), member_phone_key(phone)).
 */
const PERSON_BY_CONTACT = (c: Contact) => Prisma.sql`
  SELECT p.id
  FROM "Person" p
  JOIN "Member" m ON m."personId" = p.id
  WHERE ${c.kind === 'EMAIL' ? Prisma.sql`lower(p.email) = ${c.value} AND p.email IS NOT NULL` : Prisma.sql`member_phone_key(p.phone) = ${c.value} AND p.phone IS NOT NULL`}
  ORDER BY (m.status = 'ACTIVE') DESC, m."joinedAt" DESC, p.id
  LIMIT 1`;

export async function personByContact(c: Contact): Promise<string | null> {
  const rows = await db().$queryRaw<{ id: string }[]>(PERSON_BY_CONTACT(c));
  return rows[0]?.id ?? null;
}

/** A new code for the contact; older unused codes of the same contact stop working. */
export async function insertCode(row: {
  contactKey: string;
  personId: string | null;
  channel: 'EMAIL' | 'SMS';
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
}): Promise<void> {
  await db().$transaction([
    db().memberCode.updateMany({
      where: { contactKey: row.contactKey, usedAt: null },
      data: { usedAt: new Date() },
    }),
    db().memberCode.create({ data: row }),
  ]);
}

export async function latestLiveCode(contactKey: string) {
  return db().memberCode.findFirst({
    where: { contactKey, usedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: 'desc' },
  });
}

/** Counts one try; false when the code has no tries left (the count and the check are one statement). */
export async function takeTry(id: string, maxTries: number): Promise<boolean> {
  const n = await db().memberCode.updateMany({
    where: { id, usedAt: null, attempts: { lt: maxTries } },
    data: { attempts: { increment: 1 } },
  });
  return n.count === 1;
}

export async function markUsed(id: string): Promise<boolean> {
  const n = await db().memberCode.updateMany({ where: { id, usedAt: null }, data: { usedAt: new Date() } });
  return n.count === 1;
}

export async function insertMemberToken(personId: string, tokenHash: string, expiresAt: Date): Promise<void> {
  await db().memberToken.create({ data: { personId, tokenHash, expiresAt } });
}

export async function findMemberToken(tokenHash: string) {
  const t = await db().memberToken.findUnique({ where: { tokenHash } });
  if (!t || t.revokedAt || t.expiresAt <= new Date()) return null;
  return t;
}

/** The member actor's person: only a person who has (or had) a membership. */
export async function personForActor(personId: string) {
  return db().person.findFirst({
    where: { id: personId, members: { some: {} } },
    select: { id: true, lastName: true, firstName: true, middleName: true },
  });
}

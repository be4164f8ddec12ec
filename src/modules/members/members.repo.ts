// Members, people, registrations, movements, consents and positions read and written one by one.
// The member list (listMembers and its SQL) is in list.repo.ts.
import crypto from 'node:crypto';
import { appKey, db, readDb, type Tx } from '../../db';
import { Prisma, type Category, type MovementKind } from '../../generated/prisma/client';
import { toDate } from '../../lib/dates';
import { identityKey, nameKey } from '../../lib/names';
import { isUuid } from '../../lib/ids';
import { isVisible, type Actor } from '../../policy/actor';
import { memberDoc } from './member-card.sql';

const memberInclude = {
  person: true,
  organisation: { select: { id: true, name: true, shortName: true, path: true, kind: true, status: true } },
  registrations: { orderBy: { validFrom: 'desc' as const } },
  cards: { where: { status: { not: 'BLOCKED' as const } }, orderBy: { createdAt: 'desc' as const }, take: 1 },
} satisfies Prisma.MemberInclude;
export type MemberFull = Prisma.MemberGetPayload<{ include: typeof memberInclude }>;

/** A member whose organisation the actor can see, else null (404). */
export async function findMemberVisible(actor: Actor, id: string): Promise<MemberFull | null> {
  if (!isUuid(id)) return null;
  const m = await memberDoc(id); // memberInclude's shape in one plain statement (member-card.sql.ts)
  return m && isVisible(actor, m.organisation.path) ? m : null;
}

export async function loadMember(tx: Tx, id: string): Promise<MemberFull> {
  return tx.member.findUniqueOrThrow({ where: { id }, include: memberInclude });
}

const withActive = {
  members: {
    where: { status: 'ACTIVE' as const },
    include: { organisation: { select: { id: true, name: true, shortName: true, path: true } } },
  },
};

/**
 * The person with this identity (normalised ФИО + birth date), with their active membership; failing that,
 * the person holding this СНИЛС. Callers that may write the СНИЛС check `personsFor` instead.
 */
export async function findExistingPerson(
  tx: Tx | undefined,
  p: { lastName: string; firstName: string; middleName?: string | null; birthDate: string; snils?: string | null },
) {
  const r = await personsFor(tx, p);
  return r.byIdentity ?? r.bySnils;
}

/** Both candidates apart: the person of this identity and the person holding this СНИЛС (may differ). */
export async function personsFor(
  tx: Tx | undefined,
  p: { lastName: string; firstName: string; middleName?: string | null; birthDate: string; snils?: string | null },
) {
  const c = tx ?? db();
  const [byIdentity, bySnils] = await Promise.all([
    c.person.findUnique({ where: { identityKey: identityKey(p) }, include: withActive }),
    p.snils ? c.person.findFirst({ where: { snils: p.snils }, include: withActive }) : Promise.resolve(null),
  ]);
  return { byIdentity, bySnils };
}

export interface PersonData {
  lastName: string;
  firstName: string;
  middleName?: string | null;
  birthDate: string;
  gender?: 'MALE' | 'FEMALE' | null;
  phone?: string | null;
  email?: string | null;
  snils?: string | null;
}

export function personColumns(p: PersonData) {
  return {
    lastName: p.lastName,
    firstName: p.firstName,
    middleName: p.middleName ?? null,
    birthDate: toDate(p.birthDate),
    gender: p.gender ?? null,
    phone: p.phone ?? null,
    email: p.email ?? null,
    snils: p.snils ?? null,
    lastNameKey: nameKey(p.lastName),
    identityKey: identityKey(p),
  };
}

export async function insertPerson(tx: Tx, p: PersonData) {
  return tx.person.create({ data: personColumns(p) });
}

export async function updatePerson(tx: Tx, id: string, p: PersonData) {
  return tx.person.update({ where: { id }, data: { ...personColumns(p), version: { increment: 1 } } });
}

export async function insertMembership(
  tx: Tx,
  m: {
    personId: string;
    organisationId: string;
    category: Category;
    joinedAt: string;
    externalId?: string | null;
    registeredFrom?: string;
    startKind?: MovementKind;
    actorId: string | null;
  },
) {
  const member = await tx.member.create({
    data: {
      personId: m.personId,
      organisationId: m.organisationId,
      category: m.category,
      joinedAt: toDate(m.joinedAt),
      externalId: m.externalId ?? null,
    },
  });
  const from = m.registeredFrom ?? m.joinedAt;
  await tx.registration.create({
    data: {
      memberId: member.id,
      organisationId: m.organisationId,
      category: m.category,
      validFrom: toDate(from),
      startKind: m.startKind ?? 'JOINED',
    },
  });
  await tx.movement.create({
    data: {
      memberId: member.id,
      kind: m.startKind ?? 'JOINED',
      date: toDate(from),
      organisationId: m.organisationId,
      createdById: m.actorId,
    },
  });
  return member;
}

/** Bumps the member's version if it still is `version`: the optimistic lock for every member edit. */
/**
 * Locks the member row before its registrations are touched: the same order (member, then registrations) as the
 * triggers that keep the registrations' copies, so concurrent writers wait instead of deadlocking.
 */
export async function lockMemberRow(tx: Tx, id: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "Member" WHERE id = ${id}::uuid FOR NO KEY UPDATE`;
}

export async function bumpVersion(
  tx: Tx,
  id: string,
  version: number,
  data: Prisma.MemberUncheckedUpdateManyInput = {},
): Promise<boolean> {
  const r = await tx.member.updateMany({ where: { id, version }, data: { ...data, version: { increment: 1 } } });
  return r.count === 1;
}

export async function openRegistration(tx: Tx, memberId: string) {
  return tx.registration.findFirst({ where: { memberId, validTo: null } });
}

export async function closeRegistration(tx: Tx, id: string, date: string, endKind: MovementKind) {
  await tx.registration.update({ where: { id }, data: { validTo: toDate(date), endKind } });
}

export async function addRegistration(
  tx: Tx,
  r: { memberId: string; organisationId: string; category: Category; from: string; startKind: MovementKind },
) {
  await tx.registration.create({
    data: {
      memberId: r.memberId,
      organisationId: r.organisationId,
      category: r.category,
      validFrom: toDate(r.from),
      startKind: r.startKind,
    },
  });
}

export async function addMovement(
  tx: Tx,
  m: {
    memberId: string;
    kind: MovementKind;
    date: string;
    organisationId: string;
    otherOrganisationId?: string;
    note?: string;
    actorId: string | null;
  },
) {
  await tx.movement.create({
    data: {
      memberId: m.memberId,
      kind: m.kind,
      date: toDate(m.date),
      organisationId: m.organisationId,
      otherOrganisationId: m.otherOrganisationId,
      note: m.note,
      createdById: m.actorId,
    },
  });
}

export async function movementsOf(memberId: string) {
  return db().movement.findMany({ where: { memberId }, orderBy: [{ date: 'asc' }, { createdAt: 'asc' }] });
}

export async function consentsOf(personId: string) {
  return db().consent.findMany({ where: { personId }, orderBy: [{ kind: 'asc' }, { givenAt: 'desc' }] });
}

export async function positionsOf(personId: string) {
  return db().position.findMany({
    where: { personId },
    orderBy: [{ startDate: 'desc' }],
    include: { organisation: { select: { id: true, name: true, shortName: true, path: true } } },
  });
}

export async function insertPosition(tx: Tx, p: Prisma.PositionUncheckedCreateInput) {
  return tx.position.create({ data: p });
}

export async function findPosition(id: string) {
  return db().position.findUnique({ where: { id }, include: { organisation: { select: { path: true } } } });
}

export async function endPosition(tx: Tx, id: string, endDate: string) {
  await tx.position.update({ where: { id }, data: { endDate: toDate(endDate) } });
}

/** Ids of members matching a selection (group operations), at most `limit`. */
export async function memberIdsWhere(where: Prisma.MemberWhereInput, limit: number) {
  return db().member.findMany({ where, select: { id: true }, take: limit });
}

/** One chunk of members with what an export shows, in Russian name order. */
export async function membersForExport(ids: string[]) {
  return readDb().member.findMany({
    where: { id: { in: ids } },
    include: { person: true, organisation: { select: { name: true, shortName: true } } },
    orderBy: [{ person: { lastNameKey: 'asc' } }],
  });
}

/**
 * A stand-in for the id of a member outside the caller's scope (members.service duplicateError): an HMAC of the id
 * shaped as a UUID of version 8 (RFC 9562, «custom»), stable for the same member, never the id of any row.
 */
export async function memberStandIn(memberId: string): Promise<string> {
  const h = crypto
    .createHmac('sha256', await appKey('member-stand-in'))
    .update(`member:${memberId}`)
    .digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

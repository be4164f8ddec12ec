import { db } from '../../db';
import { ACCESS_SQL, BONUS_SQL } from './disclosures.sql';

/** Everything below reads by the signed-in member's personId only: there is no other key a member can pass. */

export async function personOf(personId: string) {
  return db().person.findUniqueOrThrow({
    where: { id: personId },
    select: {
      id: true,
      lastName: true,
      firstName: true,
      middleName: true,
      birthDate: true,
      gender: true,
      phone: true,
      email: true,
      snils: true,
      createdAt: true,
      updatedAt: true,
    },
  });
}

/** Memberships, the one in force first. */
export async function membershipsOf(personId: string) {
  return db().member.findMany({
    where: { personId },
    orderBy: [{ status: 'asc' }, { joinedAt: 'desc' }],
    select: {
      id: true,
      status: true,
      category: true,
      joinedAt: true,
      exitedAt: true,
      exitKind: true,
      organisationId: true,
      organisation: { select: { id: true, name: true, shortName: true, path: true, virtualCardsAtOnce: true } },
    },
  });
}

export async function positionsOf(personId: string) {
  return db().position.findMany({
    where: { personId },
    orderBy: [{ startDate: 'desc' }],
    select: {
      kind: true,
      title: true,
      startDate: true,
      endDate: true,
      organisation: { select: { name: true, shortName: true } },
    },
  });
}

export async function consentsOf(personId: string) {
  return db().consent.findMany({
    where: { personId },
    orderBy: [{ kind: 'asc' }, { givenAt: 'desc' }, { createdAt: 'desc' }],
    select: { id: true, kind: true, givenAt: true, withdrawnAt: true, textVersion: true },
  });
}

export async function cardsOf(memberIds: string[]) {
  return db().card.findMany({
    where: { memberId: { in: memberIds } },
    orderBy: [{ createdAt: 'desc' }],
    select: { id: true, number: true, form: true, status: true, issuedAt: true, blockedAt: true, memberId: true },
  });
}

export async function registrationsOf(memberIds: string[]) {
  return db().registration.findMany({
    where: { memberId: { in: memberIds } },
    orderBy: [{ validFrom: 'desc' }],
    select: {
      validFrom: true,
      validTo: true,
      category: true,
      startKind: true,
      endKind: true,
      organisation: { select: { name: true, shortName: true } },
    },
  });
}

export async function movementsOf(memberIds: string[]) {
  return db().movement.findMany({
    where: { memberId: { in: memberIds } },
    orderBy: [{ date: 'desc' }, { createdAt: 'desc' }],
    select: { kind: true, date: true, organisationId: true, otherOrganisationId: true },
  });
}

export async function orgNames(ids: string[]) {
  const rows = await db().organisation.findMany({
    where: { id: { in: ids } },
    select: { id: true, name: true, shortName: true },
  });
  return new Map(rows.map((r) => [r.id, r.shortName ?? r.name]));
}

export async function openRequestsOf(personId: string, memberIds: string[]) {
  const [cards, withdrawals, corrections] = await Promise.all([
    db().virtualCardRequest.findMany({
      where: { memberId: { in: memberIds } },
      orderBy: { requestedAt: 'desc' },
      select: { status: true, requestedAt: true, closedAt: true },
    }),
    db().processingWithdrawal.findMany({
      where: { personId },
      orderBy: { requestedAt: 'desc' },
      select: { status: true, requestedAt: true, closedAt: true },
    }),
    db().correctionRequest.findMany({
      where: { personId },
      orderBy: { requestedAt: 'desc' },
      select: { field: true, proposed: true, status: true, requestedAt: true, closedAt: true },
    }),
  ]);
  return { cards, withdrawals, corrections };
}

export async function accessLog(personId: string, limit = 500) {
  return db().$queryRaw<{ at: Date; action: string; role: string | null; orgName: string | null }[]>(
    ACCESS_SQL(personId, limit),
  );
}

export async function bonusDisclosures(personId: string) {
  return db().$queryRaw<{ at: Date }[]>(BONUS_SQL(personId));
}

/** The union's messages that reached the member (sent, or kept in the outbox where sending is not configured). */
export async function messagesTo(personId: string, take = 20) {
  return db().messageDelivery.findMany({
    where: { personId, status: 'SENT' },
    orderBy: [{ sentAt: 'desc' }],
    take,
    select: { channel: true, sentAt: true, message: { select: { subject: true, text: true } } },
  });
}

/** The browsers subscribed to web push (only when: the endpoint is the push service's opaque address). */
export async function pushDevicesOf(personId: string) {
  return db().pushSubscription.findMany({
    where: { personId },
    orderBy: { createdAt: 'asc' },
    select: { createdAt: true },
  });
}

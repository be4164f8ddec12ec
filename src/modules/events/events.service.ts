import { db } from '../../db';
import type { EventKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { normaliseCardNumber, parseQr } from '../../lib/cardNumber';
import { toDate } from '../../lib/dates';
import { fullName } from '../../lib/names';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { cardSigningKey, findCardByNumber } from '../cards/cards.repo';
import { isDeclaredParticipant } from './events.repo';

export const EVENT_KINDS: Record<EventKind, string> = {
  BOARD_MEETING: 'Заседание выборного органа',
  CONFERENCE: 'Конференция',
  EVENT: 'Мероприятие',
};

export async function createEvent(
  actor: Actor,
  org: { id: string; path: string },
  e: { title: string; kind: EventKind; date: string; expectedMemberIds?: string[] },
) {
  const expected = [...new Set(e.expectedMemberIds ?? [])];
  if (expected.length) {
    const found = await db().member.count({
      where: { id: { in: expected }, status: 'ACTIVE', organisation: { path: { startsWith: org.path } } },
    });
    if (found !== expected.length)
      throw new AppError('BAD_REQUEST', undefined, {
        expectedMemberIds: 'Участники должны быть членами Профсоюза этой организации',
      });
  }
  return db().$transaction(async (tx) => {
    const ev = await tx.event.create({
      data: { organisationId: org.id, title: e.title, kind: e.kind, date: toDate(e.date), createdById: actor.userId },
    });
    if (expected.length)
      await tx.eventParticipant.createMany({ data: expected.map((memberId) => ({ eventId: ev.id, memberId })) });
    await audit(
      actor,
      { action: 'event.created', entity: 'Event', entityId: ev.id, organisationId: org.id, rowCount: expected.length },
      tx,
    );
    return ev;
  });
}

export type CheckinResult =
  | { status: 'CREATED' | 'ALREADY'; memberName: string; memberId: string }
  | { status: 'NOT_PARTICIPANT' | 'BLOCKED' | 'FORGED' | 'NOT_MEMBER'; message: string };

/** One answer for an unknown card and for a card of someone outside the event: nothing about the holder. */
export const NOT_PARTICIPANT = {
  status: 'NOT_PARTICIPANT',
  message: 'Не участник: билета с таким номером нет среди участников мероприятия',
} as const;

/**
 * Registers a member at an event by card number (typed) or the virtual card's QR payload (scanned).
 * The same member twice is one registration; a blocked or forged card is refused with a reason. A card of
 * anyone outside the event's organisation subtree (and not among its declared participants) answers exactly
 * as an unknown number does, before its status is looked at: card numbers are sequential, so any other
 * answer would tell a neighbour's name, membership or card status.
 */
export async function checkIn(
  actor: Actor,
  event: { id: string; organisationId: string; orgPath: string },
  input: { cardNumber: string; clientId?: string },
): Promise<CheckinResult> {
  let number = normaliseCardNumber(input.cardNumber);
  if (input.cardNumber.trim().startsWith('EPB1:')) {
    const qr = parseQr(input.cardNumber, await cardSigningKey());
    if (!qr) return { ...NOT_PARTICIPANT, message: 'QR-код не похож на профсоюзный билет' };
    if (!qr.genuine) return { status: 'FORGED', message: 'QR-код подделан: подпись не совпадает' };
    number = qr.number;
  }
  const card = /^\d{16}$/.test(number) ? await findCardByNumber(number) : null;
  if (!card) return NOT_PARTICIPANT;
  if (
    !card.member.organisation.path.startsWith(event.orgPath) &&
    !(await isDeclaredParticipant(event.id, card.memberId))
  )
    return NOT_PARTICIPANT;
  if (card.status === 'BLOCKED') return { status: 'BLOCKED', message: 'Билет заблокирован' };
  if (card.status !== 'ISSUED') return { status: 'BLOCKED', message: 'Билет ещё не выдан члену Профсоюза' };
  if (card.member.status !== 'ACTIVE')
    return { status: 'NOT_MEMBER', message: 'Владелец билета не состоит в Профсоюзе' };
  const memberName = fullName(card.member.person);
  const existing = await db().checkin.findUnique({
    where: { eventId_memberId: { eventId: event.id, memberId: card.memberId } },
  });
  if (existing) return { status: 'ALREADY', memberName, memberId: card.memberId };
  try {
    await db().$transaction(async (tx) => {
      await tx.checkin.create({
        data: {
          eventId: event.id,
          memberId: card.memberId,
          cardId: card.id,
          clientId: input.clientId ?? null,
          userId: actor.userId,
        },
      });
      await audit(
        actor,
        { action: 'event.checkin', entity: 'Event', entityId: event.id, organisationId: event.organisationId },
        tx,
      );
    });
  } catch (e) {
    // Two scanners at once, or an offline resend: still one registration.
    if ((e as { code?: string }).code === 'P2002') return { status: 'ALREADY', memberName, memberId: card.memberId };
    throw e;
  }
  return { status: 'CREATED', memberName, memberId: card.memberId };
}

export async function eventStats(eventId: string) {
  const [checkedIn, expected, expectedPresent] = await Promise.all([
    db().checkin.count({ where: { eventId } }),
    db().eventParticipant.count({ where: { eventId } }),
    db().$queryRaw<
      { n: bigint }[]
    >`SELECT count(*) AS n FROM "Checkin" c JOIN "EventParticipant" p ON p."eventId" = c."eventId" AND p."memberId" = c."memberId" WHERE c."eventId" = ${eventId}::uuid`,
  ]);
  const present = Number(expectedPresent[0].n);
  // Quorum: more than half of the expected participants (the union's charter rule for elected bodies).
  return { checkedIn, expected, expectedPresent: present, quorum: expected > 0 ? present * 2 > expected : null };
}

export async function eventCheckins(eventId: string) {
  return db().checkin.findMany({ where: { eventId }, orderBy: { at: 'desc' }, include: { event: false } });
}

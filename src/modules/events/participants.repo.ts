import { db } from '../../db';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';

/** Elected-body positions whose holders are expected at a board meeting (the quorum's base). */
const ELECTED_BODY = ['CHAIR', 'DEPUTY_CHAIR', 'TREASURER', 'COMMITTEE_MEMBER'] as const;

/**
 * Active members of the subtree holding the given card numbers (a card of anyone else is simply not found: the
 * answer names no one outside the organisation).
 */
export async function membersByCardNumbers(path: string, numbers: string[]) {
  const cards = await db().card.findMany({
    where: { number: { in: numbers }, member: { status: 'ACTIVE', organisation: { path: { startsWith: path } } } },
    select: { number: true, memberId: true },
  });
  return new Map(cards.map((c) => [c.number, c.memberId]));
}

/** Active members of the subtree who hold an elected-body position in the organisation itself today. */
export async function electedBodyMembers(org: { id: string; path: string }): Promise<string[]> {
  const now = new Date();
  const rows = await db().member.findMany({
    where: {
      status: 'ACTIVE',
      organisation: { path: { startsWith: org.path } },
      person: {
        positions: {
          some: {
            organisationId: org.id,
            kind: { in: [...ELECTED_BODY] },
            startDate: { lte: now },
            OR: [{ endDate: null }, { endDate: { gt: now } }],
          },
        },
      },
    },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** Replaces the expected participants of an event (the base of its quorum) in one transaction, audited. */
export async function replaceParticipants(
  actor: Actor,
  ev: { id: string; organisationId: string },
  memberIds: string[],
): Promise<void> {
  await db().$transaction(async (tx) => {
    await tx.eventParticipant.deleteMany({ where: { eventId: ev.id } });
    if (memberIds.length)
      await tx.eventParticipant.createMany({ data: memberIds.map((memberId) => ({ eventId: ev.id, memberId })) });
    await audit(
      actor,
      {
        action: 'event.participants',
        entity: 'Event',
        entityId: ev.id,
        organisationId: ev.organisationId,
        rowCount: memberIds.length,
      },
      tx,
    );
  });
}

// Single cards: issuing (delivered plastic, virtual), blocking and reissuing.
// Ordering is in orders.service.ts, production batches in batches.service.ts.
import { db } from '../../db';
import type { CardForm } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { toDate, today } from '../../lib/dates';
import { fullName } from '../../lib/names';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { pathIds } from '../organisations/organisations.repo';
import { insertCards, setCardsStatus } from './cards.repo';

export const BLOCK_REASONS = {
  LOST: 'Утерян',
  DAMAGED: 'Повреждён',
  EXIT: 'Выход из Профсоюза',
  ERROR: 'Ошибка в данных',
  OTHER: 'Другое',
} as const;
export type BlockReason = keyof typeof BLOCK_REASONS;

/** ФИО as it will be printed: the registry's spelling; the chair checks it in the preview. */
export function printedName(p: { lastName: string; firstName: string; middleName?: string | null }): string {
  return fullName(p).toLocaleUpperCase('ru-RU');
}

/** Cards handed to their members (one by one or the whole order). Only delivered plastic cards can be issued. */
export async function issueCards(actor: Actor, cardIds: string[], date: string) {
  if (date > today()) throw new AppError('BAD_REQUEST', undefined, { date: 'Дата не может быть в будущем' });
  return db().$transaction(async (tx) => {
    const cards = await tx.card.findMany({
      where: { id: { in: cardIds } },
      select: { id: true, status: true, orderId: true, member: { select: { organisationId: true } } },
    });
    const bad = cards.filter((c) => c.status !== 'DELIVERED_PRIMARY');
    if (bad.length)
      throw new AppError(
        'UNPROCESSABLE',
        `Выдать можно только доставленные в первичную организацию карты (не готово: ${bad.length})`,
      );
    const n = await setCardsStatus(tx, { id: { in: cardIds } }, 'ISSUED', date, actor.userId, {
      issuedAt: new Date(`${date}T00:00:00Z`),
    });
    const orderIds = [...new Set(cards.map((c) => c.orderId).filter(Boolean) as string[])];
    for (const oid of orderIds) {
      const open = await tx.card.count({ where: { orderId: oid, status: { notIn: ['ISSUED', 'BLOCKED'] } } });
      if (open === 0) await tx.cardOrder.update({ where: { id: oid }, data: { status: 'CLOSED' } });
    }
    await audit(
      actor,
      { action: 'card.issued', entity: 'Card', organisationId: cards[0]?.member.organisationId, rowCount: n },
      tx,
    );
    return n;
  });
}

/** A virtual card is issued at once: no production, no order. */
export async function issueVirtualCard(
  actor: Actor,
  member: {
    id: string;
    status: string;
    organisationId: string;
    person: { lastName: string; firstName: string; middleName: string | null };
  },
) {
  if (member.status !== 'ACTIVE') throw new AppError('UNPROCESSABLE', 'Член Профсоюза снят с учёта');
  try {
    return await db().$transaction(async (tx) => {
      const [card] = await insertCards(
        tx,
        [
          {
            memberId: member.id,
            form: 'VIRTUAL',
            status: 'ISSUED',
            printedName: printedName(member.person),
            issuedAt: today(),
          },
        ],
        today(),
        actor.userId,
      );
      await audit(
        actor,
        { action: 'card.virtual', entity: 'Card', entityId: card.id, organisationId: member.organisationId },
        tx,
      );
      return card;
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002')
      throw new AppError('CONFLICT', 'У члена Профсоюза уже есть действующий или заказанный билет');
    throw e;
  }
}

export async function blockCard(
  actor: Actor,
  card: { id: string; status: string; member: { organisationId: string } },
  reason: BlockReason,
) {
  if (card.status === 'BLOCKED') throw new AppError('CONFLICT', 'Билет уже заблокирован');
  await db().$transaction(async (tx) => {
    await setCardsStatus(
      tx,
      { id: card.id },
      'BLOCKED',
      today(),
      actor.userId,
      { blockedAt: toDate(today()), blockReason: reason },
      BLOCK_REASONS[reason],
    );
    await audit(
      actor,
      {
        action: 'card.blocked',
        entity: 'Card',
        entityId: card.id,
        organisationId: card.member.organisationId,
        details: { reason },
      },
      tx,
    );
  });
}

/**
 * Reissue: the old card is blocked (if it is not yet) and a new number is made. A virtual card is issued at
 * once; a plastic one starts a one-card order from the member's primary organisation.
 */
export async function reissueCard(
  actor: Actor,
  card: {
    id: string;
    status: string;
    form: CardForm;
    memberId: string;
    member: {
      status: string;
      organisationId: string;
      organisation: { path: string };
      person: { lastName: string; firstName: string; middleName: string | null };
    };
  },
  reason: BlockReason,
) {
  if (card.member.status !== 'ACTIVE') throw new AppError('UNPROCESSABLE', 'Член Профсоюза снят с учёта');
  const replaced = await db().card.findUnique({ where: { replacesId: card.id } });
  if (replaced) throw new AppError('CONFLICT', 'Билет уже перевыпущен');
  const primaryId = await primaryOf(card.member.organisation.path);
  return db().$transaction(async (tx) => {
    if (card.status !== 'BLOCKED') {
      await setCardsStatus(
        tx,
        { id: card.id },
        'BLOCKED',
        today(),
        actor.userId,
        { blockedAt: toDate(today()), blockReason: reason },
        BLOCK_REASONS[reason],
      );
    }
    let orderId: string | null = null;
    if (card.form === 'PLASTIC') {
      const primary = await tx.organisation.findUniqueOrThrow({ where: { id: primaryId } });
      const order = await tx.cardOrder.create({
        data: { organisationId: primary.id, holderId: primary.parentId!, createdById: actor.userId, comment: null },
      });
      orderId = order.id;
    }
    const [fresh] = await insertCards(
      tx,
      [
        {
          memberId: card.memberId,
          form: card.form,
          status: card.form === 'VIRTUAL' ? 'ISSUED' : 'ORDERED',
          printedName: printedName(card.member.person),
          orderId,
          replacesId: card.id,
          issuedAt: card.form === 'VIRTUAL' ? today() : null,
        },
      ],
      today(),
      actor.userId,
    );
    await audit(
      actor,
      {
        action: 'card.reissued',
        entity: 'Card',
        entityId: fresh.id,
        organisationId: card.member.organisationId,
        details: { replaces: card.id, reason },
      },
      tx,
    );
    return fresh;
  });
}

async function primaryOf(path: string): Promise<string> {
  const ids = pathIds(path);
  const orgs = await db().organisation.findMany({
    where: { id: { in: ids }, kind: 'PRIMARY' },
    select: { id: true, depth: true },
  });
  orgs.sort((a, b) => a.depth - b.depth);
  // The nearest primary at or above the member's organisation: a faculty's profburo orders through its ППО.
  if (!orgs.length) throw new AppError('UNPROCESSABLE', 'Член Профсоюза не состоит в первичной организации');
  return orgs[orgs.length - 1].id;
}

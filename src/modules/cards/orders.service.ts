// Card orders: a primary organisation orders plastic cards and the order travels up and back down the chain.
import { db } from '../../db';
import { AppError } from '../../http/errors';
import { toDate, today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { pathIds, type OrgRow } from '../organisations/organisations.repo';
import { insertCards, membersForOrder, setCardsStatus, type OrderFull } from './cards.repo';
import { printedName } from './cards.service';

/**
 * A primary organisation orders plastic cards for members without a valid (or already ordered) card.
 * Listed members who hold one are refused (409, with the list); `allWithoutCard` skips them instead.
 */
export async function submitOrder(
  actor: Actor,
  primary: OrgRow,
  o: { memberIds?: string[]; allWithoutCard?: boolean },
) {
  if (primary.kind !== 'PRIMARY')
    throw new AppError('BAD_REQUEST', 'Заявку подаёт первичная профсоюзная организация', {
      organisationId: 'Выберите первичную организацию',
    });
  if (!primary.parentId) throw new AppError('UNPROCESSABLE');
  const members = await membersForOrder(primary.path, o.allWithoutCard ? undefined : o.memberIds);
  if (!o.allWithoutCard) {
    const found = new Set(members.map((m) => m.id));
    const missing = (o.memberIds ?? []).filter((id) => !found.has(id));
    if (missing.length)
      throw new AppError('NOT_FOUND', 'Не все выбранные члены Профсоюза состоят на учёте в этой организации');
    const holding = members.filter((m) => m.cards.length > 0);
    if (holding.length) {
      throw new AppError(
        'CONFLICT',
        `У ${holding.length} из выбранных уже есть действующий или заказанный билет`,
        undefined,
        { members: holding.map((m) => ({ memberId: m.id, code: 'HAS_CARD', cardStatus: m.cards[0].status })) },
      );
    }
  }
  const take = members.filter((m) => m.cards.length === 0);
  if (!take.length) throw new AppError('UNPROCESSABLE', 'Нет членов Профсоюза без билета: заказывать нечего');
  return db().$transaction(
    async (tx) => {
      const order = await tx.cardOrder.create({
        data: { organisationId: primary.id, holderId: primary.parentId!, createdById: actor.userId },
      });
      await insertCards(
        tx,
        take.map((m) => ({
          memberId: m.id,
          form: 'PLASTIC',
          status: 'ORDERED' as const,
          printedName: printedName(m.person),
          orderId: order.id,
        })),
        today(),
        actor.userId,
      );
      await audit(
        actor,
        {
          action: 'card.ordered',
          entity: 'CardOrder',
          entityId: order.id,
          organisationId: primary.id,
          rowCount: take.length,
        },
        tx,
      );
      return { id: order.id, number: order.number, status: order.status, count: take.length };
    },
    { timeout: 60_000 },
  );
}

async function lockOrder(id: string, version: number) {
  const r = await db().cardOrder.updateMany({ where: { id, version }, data: { version: { increment: 1 } } });
  if (r.count !== 1) throw new AppError('STALE_VERSION', 'Заявку уже обработали. Обновите страницу');
}

/** The holder passes the order one level up (territorial → regional → central). */
export async function forwardOrder(actor: Actor, order: OrderFull, holder: OrgRow) {
  if (!['SUBMITTED', 'FORWARDED'].includes(order.status) || holder.kind === 'CENTRAL')
    throw new AppError('UNPROCESSABLE', 'Эту заявку нельзя передать дальше');
  await lockOrder(order.id, order.version);
  await db().$transaction(async (tx) => {
    await tx.cardOrder.update({
      where: { id: order.id },
      data: { holderId: holder.parentId!, status: 'FORWARDED', comment: null },
    });
    await audit(
      actor,
      {
        action: 'card.order.forwarded',
        entity: 'CardOrder',
        entityId: order.id,
        organisationId: holder.id,
        rowCount: order.cards.length,
      },
      tx,
    );
  });
}

/** The holder returns the order to the primary organisation with a comment. */
export async function returnOrder(actor: Actor, order: OrderFull, holder: OrgRow, comment: string) {
  if (!['SUBMITTED', 'FORWARDED'].includes(order.status))
    throw new AppError('UNPROCESSABLE', 'Эту заявку нельзя вернуть');
  await lockOrder(order.id, order.version);
  await db().$transaction(async (tx) => {
    await tx.cardOrder.update({
      where: { id: order.id },
      data: { holderId: order.organisationId, status: 'RETURNED', comment },
    });
    await audit(
      actor,
      { action: 'card.order.returned', entity: 'CardOrder', entityId: order.id, organisationId: holder.id },
      tx,
    );
  });
}

/** A returned order goes up again after the primary chair has corrected it. */
export async function resubmitOrder(actor: Actor, order: OrderFull, primary: OrgRow) {
  if (order.status !== 'RETURNED')
    throw new AppError('UNPROCESSABLE', 'Повторно подать можно только возвращённую заявку');
  await lockOrder(order.id, order.version);
  await db().$transaction(async (tx) => {
    await tx.cardOrder.update({ where: { id: order.id }, data: { holderId: primary.parentId!, status: 'SUBMITTED' } });
    await audit(
      actor,
      { action: 'card.order.resubmitted', entity: 'CardOrder', entityId: order.id, organisationId: primary.id },
      tx,
    );
  });
}

/** Removes a card from a returned order (e.g. a wrong name): the card is blocked, its number is never reused. */
export async function dropFromOrder(actor: Actor, order: OrderFull, cardId: string) {
  if (order.status !== 'RETURNED' && order.status !== 'SUBMITTED')
    throw new AppError('UNPROCESSABLE', 'Из заявки в производстве карту не убрать');
  if (!order.cards.some((c) => c.id === cardId)) throw new AppError('NOT_FOUND');
  await db().$transaction(async (tx) => {
    await setCardsStatus(
      tx,
      { id: cardId },
      'BLOCKED',
      today(),
      actor.userId,
      { blockedAt: toDate(today()), blockReason: 'ERROR' },
      'Исключена из заявки',
    );
    await tx.card.update({ where: { id: cardId }, data: { orderId: null } });
    const left = await tx.card.count({ where: { orderId: order.id } });
    if (left === 0) await tx.cardOrder.update({ where: { id: order.id }, data: { status: 'CLOSED' } });
    await audit(
      actor,
      { action: 'card.blocked', entity: 'Card', entityId: cardId, organisationId: order.organisationId },
      tx,
    );
  });
}

/** The holder hands the delivered cards one level down; at the primary organisation they await issue. */
export async function markOrderDeliveredDown(actor: Actor, order: OrderFull, holder: OrgRow, primaryPath: string) {
  if (order.status !== 'DELIVERED' || order.holderId === order.organisationId)
    throw new AppError(
      'UNPROCESSABLE',
      'Карты по этой заявке уже переданы в первичную организацию или ещё не доставлены',
    );
  const chain = pathIds(primaryPath);
  const next = chain[chain.indexOf(holder.id) + 1];
  if (!next) throw new AppError('UNPROCESSABLE');
  await lockOrder(order.id, order.version);
  await db().$transaction(async (tx) => {
    await tx.cardOrder.update({ where: { id: order.id }, data: { holderId: next } });
    if (next === order.organisationId) {
      await setCardsStatus(
        tx,
        { orderId: order.id, status: 'DELIVERED_REGION' },
        'DELIVERED_PRIMARY',
        today(),
        actor.userId,
      );
    }
    await audit(
      actor,
      {
        action: 'card.order.delivered',
        entity: 'CardOrder',
        entityId: order.id,
        organisationId: holder.id,
        rowCount: order.cards.length,
      },
      tx,
    );
  });
}

import { db } from '../../db';
import type { CardForm } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { toDate, today } from '../../lib/dates';
import { fullName } from '../../lib/names';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { pathIds, type OrgRow } from '../organisations/organisations.repo';
import { batchByRegion, insertCards, membersForOrder, setCardsStatus, type OrderFull } from './cards.repo';

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

/**
 * The central office groups forwarded orders into a production batch. Only cards still ORDERED are made; an order
 * whose cards were all blocked on the way (members who left) is closed instead of being sent to production.
 */
export async function createBatch(actor: Actor, central: OrgRow, o: { orderIds?: string[]; allForwarded?: boolean }) {
  const orders = await db().cardOrder.findMany({
    where: { holderId: central.id, status: 'FORWARDED', ...(o.allForwarded ? {} : { id: { in: o.orderIds ?? [] } }) },
    select: { id: true },
  });
  if (!o.allForwarded && orders.length !== (o.orderIds ?? []).length)
    throw new AppError('UNPROCESSABLE', 'В партию можно включить только заявки, переданные в ЦС');
  if (!orders.length) throw new AppError('UNPROCESSABLE', 'Нет заявок, переданных в ЦС');
  const all = orders.map((x) => x.id);
  const made = await db().$transaction(
    async (tx) => {
      // Closed in one statement with its condition, so an order that has an ORDERED card again is never closed.
      const closed = await tx.cardOrder.updateMany({
        where: { id: { in: all }, status: 'FORWARDED', cards: { none: { status: 'ORDERED' } } },
        data: { status: 'CLOSED', version: { increment: 1 } },
      });
      if (closed.count)
        await audit(
          actor,
          {
            action: 'card.order.closed',
            entity: 'CardOrder',
            organisationId: central.id,
            rowCount: closed.count,
            details: { reason: 'all cards blocked' },
          },
          tx,
        );
      const ids = (
        await tx.cardOrder.findMany({ where: { id: { in: all }, status: 'FORWARDED' }, select: { id: true } })
      ).map((x) => x.id);
      if (!ids.length) return { closed: closed.count, batch: null };
      const b = await tx.cardBatch.create({ data: { createdById: actor.userId } });
      await tx.cardOrder.updateMany({
        where: { id: { in: ids } },
        data: { status: 'IN_BATCH', batchId: b.id, version: { increment: 1 } },
      });
      await setCardsStatus(tx, { orderId: { in: ids }, status: 'ORDERED' }, 'IN_PRODUCTION', today(), actor.userId, {
        batchId: b.id,
      });
      const count = await tx.card.count({ where: { batchId: b.id } });
      await audit(
        actor,
        {
          action: 'card.batch.created',
          entity: 'CardBatch',
          entityId: b.id,
          organisationId: central.id,
          rowCount: count,
        },
        tx,
      );
      return { closed: closed.count, batch: { ...b, count } };
    },
    { timeout: 120_000 },
  );
  // The closed orders stay closed (committed) even when nothing is left to make.
  if (!made.batch)
    throw new AppError(
      'UNPROCESSABLE',
      'Нечего изготавливать: все карты этих заявок заблокированы (члены выбыли), заявки закрыты',
    );
  return {
    id: made.batch.id,
    number: made.batch.number,
    count: made.batch.count,
    byRegion: await batchByRegion(made.batch.id),
    closedEmpty: made.closed,
  };
}

export async function markBatchProduced(actor: Actor, batchId: string) {
  const b = await db().cardBatch.findUnique({ where: { id: batchId } });
  if (!b) throw new AppError('NOT_FOUND');
  if (b.status !== 'CREATED') throw new AppError('UNPROCESSABLE', 'Партия уже отмечена изготовленной');
  await db().$transaction(async (tx) => {
    await tx.cardBatch.update({ where: { id: b.id }, data: { status: 'PRODUCED', producedAt: new Date() } });
    await tx.cardOrder.updateMany({
      where: { batchId: b.id },
      data: { status: 'PRODUCED', version: { increment: 1 } },
    });
    await audit(actor, { action: 'card.batch.produced', entity: 'CardBatch', entityId: b.id }, tx);
  });
}

/** The manufacturer delivered the batch: each order now sits at its region, cards "delivered to the region". */
export async function markBatchDelivered(actor: Actor, batchId: string) {
  const b = await db().cardBatch.findUnique({ where: { id: batchId } });
  if (!b) throw new AppError('NOT_FOUND');
  if (b.status !== 'PRODUCED') throw new AppError('UNPROCESSABLE', 'Сначала отметьте партию изготовленной');
  const orders = await db().cardOrder.findMany({
    where: { batchId: b.id },
    select: { id: true, organisationId: true },
  });
  const prim = await db().organisation.findMany({
    where: { id: { in: orders.map((o) => o.organisationId) } },
    select: { id: true, path: true },
  });
  const regionOf = new Map(prim.map((p) => [p.id, pathIds(p.path)[1] ?? p.id]));
  await db().$transaction(
    async (tx) => {
      await tx.cardBatch.update({ where: { id: b.id }, data: { status: 'DELIVERED', deliveredAt: new Date() } });
      for (const [region, ids] of groupBy(orders, (o) => regionOf.get(o.organisationId)!)) {
        await tx.cardOrder.updateMany({
          where: { id: { in: ids.map((o) => o.id) } },
          data: { status: 'DELIVERED', holderId: region, version: { increment: 1 } },
        });
      }
      await setCardsStatus(tx, { batchId: b.id, status: 'IN_PRODUCTION' }, 'DELIVERED_REGION', today(), actor.userId);
      await audit(actor, { action: 'card.batch.delivered', entity: 'CardBatch', entityId: b.id }, tx);
    },
    { timeout: 120_000 },
  );
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
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

// Production batches: the central office sends forwarded orders to the manufacturer and records their delivery.
import { db } from '../../db';
import { AppError } from '../../http/errors';
import { today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { pathIds, type OrgRow } from '../organisations/organisations.repo';
import { batchByRegion, setCardsStatus } from './cards.repo';

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

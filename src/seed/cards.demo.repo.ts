/**
 * Cards of the demo union: most members of the pilot regions hold a plastic card issued through closed orders
 * and batches, some a virtual one, and the demo school and its neighbours have orders in every state.
 */
import crypto from 'node:crypto';
import { db } from '../db';
import { toDate } from '../lib/dates';
import { SYSTEM_ACTOR } from '../policy/actor';
import { nextCardNumbers } from '../modules/cards/cards.repo';
import { createBatch, markBatchDelivered, markBatchProduced } from '../modules/cards/batches.service';
import { forwardOrder, markOrderDeliveredDown, returnOrder, submitOrder } from '../modules/cards/orders.service';
import { issueCards, issueVirtualCard, printedName, reissueCard } from '../modules/cards/cards.service';
import { findOrder } from '../modules/cards/cards.repo';
import type { Rng } from './random';

type OrgLite = { id: string; path: string };

/** Issued plastic (and a few virtual) cards for a share of the members of these primaries, through closed orders of one batch. */
export async function historicBatch(date: string) {
  return db().cardBatch.create({ data: { status: 'DELIVERED', producedAt: toDate(date), deliveredAt: toDate(date) } });
}

export async function buildIssuedCards(
  rng: Rng,
  batch: { id: string },
  primaries: OrgLite[],
  share: number,
  issuedFrom: string,
  issuedTo: string,
) {
  const cards: {
    id: string;
    number: string;
    memberId: string;
    form: 'PLASTIC' | 'VIRTUAL';
    status: 'ISSUED';
    printedName: string;
    orderId: string | null;
    batchId: string | null;
    issuedAt: Date;
  }[] = [];
  for (const p of primaries) {
    const members = await db().member.findMany({
      where: { status: 'ACTIVE', organisation: { path: { startsWith: p.path } }, joinedAt: { lt: toDate(issuedFrom) } },
      include: { person: true },
      orderBy: { id: 'asc' },
    });
    const chosen = members.filter(() => rng.chance(share));
    if (!chosen.length) continue;
    const order = await db().cardOrder.create({
      data: {
        organisationId: p.id,
        holderId: p.id,
        status: 'CLOSED',
        batchId: batch.id,
        submittedAt: toDate(issuedFrom),
        comment: null,
      },
    });
    for (const m of chosen) {
      const virtual = rng.chance(0.05);
      cards.push({
        id: crypto.randomUUID(),
        number: '',
        memberId: m.id,
        form: virtual ? 'VIRTUAL' : 'PLASTIC',
        status: 'ISSUED',
        printedName: printedName(m.person),
        orderId: virtual ? null : order.id,
        batchId: virtual ? null : batch.id,
        issuedAt: toDate(rng.day(issuedFrom, issuedTo)),
      });
    }
  }
  await db().$transaction(
    async (tx) => {
      const numbers = await nextCardNumbers(tx, cards.length);
      cards.forEach((c, i) => {
        c.number = numbers[i];
      });
      for (let i = 0; i < cards.length; i += 2000) {
        const part = cards.slice(i, i + 2000);
        await tx.card.createMany({ data: part });
        await tx.cardEvent.createMany({
          data: part.map((c) => ({ cardId: c.id, status: 'ISSUED' as const, date: c.issuedAt })),
        });
      }
    },
    { timeout: 120_000 },
  );
  return cards.length;
}

/** Orders in every state, made through the real services, around the demo school. */
export async function buildOrdersInEveryState(central: OrgLite, primaries: OrgLite[]) {
  const sys = SYSTEM_ACTOR;
  const org = (id: string) => db().organisation.findUniqueOrThrow({ where: { id } });
  const order = async (p: OrgLite, n?: number) => {
    const prim = await org(p.id);
    const members = await db().member.findMany({
      where: { status: 'ACTIVE', organisationId: p.id, cards: { none: { status: { not: 'BLOCKED' } } } },
      select: { id: true },
      take: n ?? 1000,
      orderBy: { id: 'asc' },
    });
    if (!members.length) return null;
    const r = await submitOrder(sys, prim, { memberIds: members.map((m) => m.id) });
    return (await findOrder(r.id))!;
  };
  const forward = async (id: string) => {
    const o = (await findOrder(id))!;
    await forwardOrder(sys, o, await org(o.holderId));
  };
  const [school, p2, p3, p4, p5, p6, p7, p8] = primaries;
  // The demo school: cards delivered to it, some issued, one virtual, one lost and reissued.
  const o1 = await order(school, 12);
  if (o1) {
    await forward(o1.id);
    await forward(o1.id);
    const b = await createBatch(sys, await org(central.id), { orderIds: [o1.id] });
    await markBatchProduced(sys, b.id);
    await markBatchDelivered(sys, b.id);
    let o = (await findOrder(o1.id))!;
    while (o.holderId !== o.organisationId) {
      await markOrderDeliveredDown(sys, o, await org(o.holderId), school.path);
      o = (await findOrder(o1.id))!;
    }
    await issueCards(
      sys,
      o.cards.slice(0, 6).map((c) => c.id),
      new Date().toISOString().slice(0, 10),
    );
    const lost = await db().card.findUniqueOrThrow({
      where: { id: o.cards[0].id },
      include: { member: { include: { person: true, organisation: { select: { path: true } } } } },
    });
    await reissueCard(sys, lost, 'LOST');
  }
  const vm = await db().member.findFirst({
    where: { status: 'ACTIVE', organisationId: school.id, cards: { none: {} } },
    include: { person: true },
  });
  if (vm) await issueVirtualCard(sys, vm);
  // Neighbours: submitted (at the territorial), returned, forwarded to the region, at the central office, in production.
  if (p2) await order(p2, 8);
  if (p3) {
    const o = await order(p3, 5);
    if (o)
      await returnOrder(sys, o, await org(o.holderId), 'Проверьте написание фамилий: в двух строках латинские буквы');
  }
  if (p4) {
    const o = await order(p4, 7);
    if (o) await forward(o.id);
  }
  if (p5) {
    const o = await order(p5, 9);
    if (o) {
      await forward(o.id);
      await forward(o.id);
    }
  }
  if (p6) {
    const o = await order(p6, 10);
    if (o) {
      await forward(o.id);
      await forward(o.id);
      const b = await createBatch(sys, await org(central.id), { orderIds: [o.id] });
      await markBatchProduced(sys, b.id);
    }
  }
  // In a batch not yet produced; and delivered to the region, not yet passed down.
  if (p7) {
    const o = await order(p7, 6);
    if (o) {
      await forward(o.id);
      await forward(o.id);
      await createBatch(sys, await org(central.id), { orderIds: [o.id] });
    }
  }
  if (p8) {
    const o = await order(p8, 4);
    if (o) {
      await forward(o.id);
      await forward(o.id);
      const b = await createBatch(sys, await org(central.id), { orderIds: [o.id] });
      await markBatchProduced(sys, b.id);
      await markBatchDelivered(sys, b.id);
    }
  }
}

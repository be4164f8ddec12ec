/**
 * The card orders read in plain SQL on every card page (ordersInSubtree, ordersHeldBy) are the objects the ORM
 * returns: every column, the status as text, the same instants, the count of cards; the subtree by path, paged.
 */
import { db } from '../../src/db';
import { ordersHeldBy, ordersInSubtree } from '../../src/modules/cards/cards.repo';
import { buildMember } from '../../src/seed/builders.repo';
import { buildTree, useDb, type Tree } from '../helpers';
import { forwardUp, submitOrder } from '../cards/support';

useDb();

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
});

const withCount = { _count: { select: { cards: true } } } as const;

it('equal the ORM’s orders with their card counts, paged by number, the held ones too', async () => {
  const a1 = await Promise.all([1, 2, 3].map(() => buildMember({ org: t.primA1 })));
  const a2 = await buildMember({ org: t.primA2 });
  const b1 = await buildMember({ org: t.primB1 });
  const first = await submitOrder(t.primA1, [a1[0].memberId, a1[1].memberId]);
  const second = await submitOrder(t.primA1, [a1[2].memberId]);
  const third = await submitOrder(t.primA2, [a2.memberId]);
  await submitOrder(t.primB1, [b1.memberId]);
  await forwardUp(first, t.primA1);
  const inA = await db().cardOrder.findMany({
    where: { id: { in: [first, second, third] } },
    orderBy: { number: 'desc' },
    include: withCount,
  });
  const page1 = await ordersInSubtree(t.terrA1.path, undefined, 1, 2);
  const page2 = await ordersInSubtree(t.terrA1.path, undefined, 2, 2);
  expect([...page1.items, ...page2.items]).toEqual(inA);
  expect([page1.total, page2.total]).toEqual([3, 3]);
  expect(inA.map((o) => o._count.cards)).toEqual([1, 1, 2]);
  expect(await ordersInSubtree(t.terrA1.path, undefined, 5, 2)).toEqual({ items: [], total: 3 });
  const submitted = await ordersInSubtree(t.terrA1.path, 'SUBMITTED', 1, 10);
  expect(submitted.items.map((o) => o.id).sort()).toEqual([second, third].sort());
  // Held: the forwarded order now waits at the level above, as the ORM lists it.
  const holder = (await db().cardOrder.findUniqueOrThrow({ where: { id: first } })).holderId;
  const heldOrm = await db().cardOrder.findMany({
    where: {
      holderId: holder,
      status: { in: ['SUBMITTED', 'FORWARDED', 'DELIVERED'] },
      organisationId: { not: holder },
    },
    orderBy: { number: 'asc' },
    include: withCount,
  });
  expect(heldOrm.length).toBeGreaterThan(0);
  expect(await ordersHeldBy(holder)).toEqual(heldOrm);
});

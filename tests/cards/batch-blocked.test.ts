import { api, buildTree, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { authOf, expectStatus, forwardUp, submitOrder } from './support';

useDb();

/** Orders whose members all left on the way: their cards are blocked, so nothing of theirs goes to the manufacturer. */
describe('a production batch and orders whose cards were all blocked', () => {
  let t: Tree;
  beforeAll(async () => {
    t = await buildTree();
  });

  const exit = async (memberId: string) =>
    expectStatus(
      await api()
        .post(`/api/v1/members/${memberId}/exit`)
        .set('Authorization', await authOf(t.central))
        .send({ date: new Date().toISOString().slice(0, 10), reason: 'VOLUNTARY' }),
      200,
    );
  const orderStatus = async (id: string) => (await db().cardOrder.findUniqueOrThrow({ where: { id } })).status;

  it('closes such an order instead of sending it to production; the others form the batch', async () => {
    const [a1, a2, b1] = await Promise.all([
      buildMember({ org: t.primA1 }),
      buildMember({ org: t.primA1 }),
      buildMember({ org: t.primA2 }),
    ]);
    const gone = await submitOrder(t.primA1, [a1.memberId, a2.memberId]);
    const live = await submitOrder(t.primA2, [b1.memberId]);
    await forwardUp(gone, t.primA1);
    await forwardUp(live, t.primA2);
    await exit(a1.memberId);
    await exit(a2.memberId);
    expect((await db().card.findMany({ where: { orderId: gone } })).map((c) => c.status)).toEqual([
      'BLOCKED',
      'BLOCKED',
    ]);

    const res = expectStatus(
      await api()
        .post('/api/v1/card-batches')
        .set('Authorization', await authOf(t.central))
        .send({ allForwarded: true }),
      201,
    );
    expect(res.body).toMatchObject({ count: 1, closedEmpty: 1 });
    expect(await orderStatus(gone)).toBe('CLOSED');
    expect(await orderStatus(live)).toBe('IN_BATCH');
    expect(await db().card.count({ where: { batchId: res.body.id } })).toBe(1);
  });

  it('with nothing left to make, answers 422 in Russian and closes the orders', async () => {
    const m = await buildMember({ org: t.primB1 });
    const order = await submitOrder(t.primB1, [m.memberId]);
    await forwardUp(order, t.primB1);
    await exit(m.memberId);
    const batches = await db().cardBatch.count();
    const res = await api()
      .post('/api/v1/card-batches')
      .set('Authorization', await authOf(t.central))
      .send({ orderIds: [order] });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/все карты этих заявок заблокированы/);
    expect(await orderStatus(order)).toBe('CLOSED');
    expect(await db().cardBatch.count()).toBe(batches);
  });
});

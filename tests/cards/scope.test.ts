import { api, buildTree, loginAs, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import {
  authOf,
  chairOf,
  createBatch,
  deliverDown,
  expectStatus,
  forwardUp,
  produceAndDeliver,
  submitOrder,
  virtualCard,
} from './support';

useDb();

describe('who sees and moves which card orders', () => {
  let t: Tree;
  let orderA1: string;
  let orderA2: string;
  let memberA1: string;
  let memberA2: string;

  beforeAll(async () => {
    t = await buildTree();
    memberA1 = (await buildMember({ org: t.primA1 })).memberId;
    memberA2 = (await buildMember({ org: t.primA2 })).memberId;
    orderA1 = await submitOrder(t.primA1, [memberA1]);
    orderA2 = await submitOrder(t.primA2, [memberA2]);
  });

  it("a primary chair gets 404 on another primary organisation's order", async () => {
    const res = await api()
      .get(`/api/v1/card-orders/${orderA2}`)
      .set('Authorization', await authOf(t.primA1));
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain(memberA2);
  });

  it("a primary chair's list of its own organisation holds only its own orders", async () => {
    const res = expectStatus(
      await api()
        .get(`/api/v1/orgs/${t.primA1.id}/card-orders`)
        .set('Authorization', await authOf(t.primA1)),
      200,
    );
    expect(res.body.items.map((o: { id: string }) => o.id)).toEqual([orderA1]);
    expect(res.body.total).toBe(1);
  });

  it('a primary chair gets 404 on the lists of a sibling or of its territorial organisation', async () => {
    const auth = await authOf(t.primA1);
    expect((await api().get(`/api/v1/orgs/${t.primA2.id}/card-orders`).set('Authorization', auth)).status).toBe(404);
    expect((await api().get(`/api/v1/orgs/${t.terrA1.id}/card-orders`).set('Authorization', auth)).status).toBe(404);
  });

  it('a primary chair cannot forward or return its own order (403 or 404), and the order does not move', async () => {
    const auth = await authOf(t.primA1);
    expect([403, 404]).toContain(
      (await api().post(`/api/v1/card-orders/${orderA1}/forward`).set('Authorization', auth)).status,
    );
    expect([403, 404]).toContain(
      (
        await api()
          .post(`/api/v1/card-orders/${orderA1}/return`)
          .set('Authorization', auth)
          .send({ comment: 'сама себе' })
      ).status,
    );
    const o = expectStatus(await api().get(`/api/v1/card-orders/${orderA1}`).set('Authorization', auth), 200).body;
    expect(o).toMatchObject({ status: 'SUBMITTED', holderId: t.terrA1.id });
  });

  it('the territorial chair sees the orders of both its primary organisations', async () => {
    const res = expectStatus(
      await api()
        .get(`/api/v1/orgs/${t.terrA1.id}/card-orders`)
        .set('Authorization', await authOf(t.terrA1)),
      200,
    );
    expect(res.body.items.map((o: { id: string }) => o.id).sort()).toEqual([orderA1, orderA2].sort());
  });

  it('a sibling territorial chair gets 404 on the order and cannot forward it', async () => {
    const auth = await authOf(t.terrA2);
    expect((await api().get(`/api/v1/card-orders/${orderA1}`).set('Authorization', auth)).status).toBe(404);
    expect((await api().post(`/api/v1/card-orders/${orderA1}/forward`).set('Authorization', auth)).status).toBe(404);
  });

  it("the regional chair of another region gets 404 on region А's orders, lists and actions", async () => {
    const auth = await authOf(t.regionB);
    expect((await api().get(`/api/v1/card-orders/${orderA1}`).set('Authorization', auth)).status).toBe(404);
    expect((await api().get(`/api/v1/orgs/${t.regionA.id}/card-orders`).set('Authorization', auth)).status).toBe(404);
    expect((await api().post(`/api/v1/card-orders/${orderA1}/forward`).set('Authorization', auth)).status).toBe(404);
    expect(
      (
        await api()
          .post(`/api/v1/card-orders/${orderA1}/return`)
          .set('Authorization', auth)
          .send({ comment: 'чужая заявка' })
      ).status,
    ).toBe(404);
    const own = expectStatus(
      await api().get(`/api/v1/orgs/${t.regionB.id}/card-orders`).set('Authorization', auth),
      200,
    );
    expect(own.body.items).toEqual([]);
  });

  it("a primary chair gets 404 on the cards of another organisation's member and cannot issue them", async () => {
    const auth = await authOf(t.primA1);
    expect((await api().get(`/api/v1/members/${memberA2}/cards`).set('Authorization', auth)).status).toBe(404);
    const card = (await db().card.findFirstOrThrow({ where: { memberId: memberA2 } })).id;
    expect(
      (
        await api()
          .post('/api/v1/cards/issue')
          .set('Authorization', auth)
          .send({ cardIds: [card] })
      ).status,
    ).toBe(404);
    expect((await api().post('/api/v1/cards/issue').set('Authorization', auth).send({ orderId: orderA2 })).status).toBe(
      404,
    );
  });

  it('the order page of another primary organisation answers 404', async () => {
    const agent = await loginAs((await chairOf(t.primA1)).login);
    expect((await agent.get(`/card-orders/${orderA2}`)).status).toBe(404);
    expect((await agent.get(`/card-orders/${orderA1}`)).status).toBe(200);
  });

  it('POST /card-batches by a chair below the central council answers 404 and makes no batch', async () => {
    await forwardUp(orderA1, t.primA1);
    for (const org of [t.regionA, t.terrA1, t.primA1]) {
      const res = await api()
        .post('/api/v1/card-batches')
        .set('Authorization', await authOf(org))
        .send({ allForwarded: true });
      expect(res.status).toBe(404);
    }
    expect(await db().cardBatch.count()).toBe(0);
  });
});

describe('who sees which production batch', () => {
  let t: Tree;
  let mixed: string;
  let onlyA: string;

  beforeAll(async () => {
    t = await buildTree();
    const a = [(await buildMember({ org: t.primA1 })).memberId, (await buildMember({ org: t.primA1 })).memberId];
    const a3 = (await buildMember({ org: t.primA3 })).memberId;
    const b = (await buildMember({ org: t.primB1 })).memberId;
    const oa = await submitOrder(t.primA1, a);
    await forwardUp(oa, t.primA1);
    const oa3 = await submitOrder(t.primA3, [a3]);
    await forwardUp(oa3, t.primA3);
    const ob = await submitOrder(t.primB1, [b]);
    await forwardUp(ob, t.primB1);
    mixed = (await createBatch(t.central)).id;
    const a2 = (await buildMember({ org: t.primA2 })).memberId;
    const oa2 = await submitOrder(t.primA2, [a2]);
    await forwardUp(oa2, t.primA2);
    onlyA = (await createBatch(t.central)).id;
  });

  it('the central council sees every region of the batch', async () => {
    const res = expectStatus(
      await api()
        .get(`/api/v1/card-batches/${mixed}`)
        .set('Authorization', await authOf(t.central)),
      200,
    );
    expect(res.body.count).toBe(4);
    expect(res.body.byRegion).toEqual([
      { organisationId: t.regionA.id, name: 'Региональная А', count: 3 },
      { organisationId: t.regionB.id, name: 'Региональная Б', count: 1 },
    ]);
  });

  it("the regional chair sees only its own region's count of the batch", async () => {
    const a = expectStatus(
      await api()
        .get(`/api/v1/card-batches/${mixed}`)
        .set('Authorization', await authOf(t.regionA)),
      200,
    );
    expect(a.body.count).toBe(3);
    expect(a.body.byRegion).toEqual([{ organisationId: t.regionA.id, name: 'Региональная А', count: 3 }]);
    const b = expectStatus(
      await api()
        .get(`/api/v1/card-batches/${mixed}`)
        .set('Authorization', await authOf(t.regionB)),
      200,
    );
    expect(b.body.count).toBe(1);
    expect(b.body.byRegion).toEqual([{ organisationId: t.regionB.id, name: 'Региональная Б', count: 1 }]);
  });

  it('a regional chair with no cards in the batch gets 404', async () => {
    const res = await api()
      .get(`/api/v1/card-batches/${onlyA}`)
      .set('Authorization', await authOf(t.regionB));
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('Региональная А');
  });

  it("a territorial chair sees only its own organisation's cards of the batch, not the whole region's", async () => {
    // Either the batch is out of its sight (404) or it counts only the cards of its own subtree (1 of region А's 3).
    const res = await api()
      .get(`/api/v1/card-batches/${mixed}`)
      .set('Authorization', await authOf(t.terrA2));
    expect([200, 404]).toContain(res.status);
    if (res.status === 200) expect(res.body.count).toBe(1);
  });

  it('a primary chair whose organisation has no cards in the batch gets 404', async () => {
    // The batch holds only ППО А2's card; ППО А3 is in the same region but has nothing in it.
    const res = await api()
      .get(`/api/v1/card-batches/${onlyA}`)
      .set('Authorization', await authOf(t.primA3));
    expect(res.status).toBe(404);
  });

  it('the manufacturer file and the batch steps answer 404 to a regional chair', async () => {
    const auth = await authOf(t.regionA);
    expect((await api().get(`/api/v1/card-batches/${mixed}/file?format=xlsx`).set('Authorization', auth)).status).toBe(
      404,
    );
    expect((await api().get(`/api/v1/card-batches/${mixed}/file?format=csv`).set('Authorization', auth)).status).toBe(
      404,
    );
    expect((await api().post(`/api/v1/card-batches/${mixed}/produced`).set('Authorization', auth)).status).toBe(404);
    expect((await api().post(`/api/v1/card-batches/${mixed}/delivered`).set('Authorization', auth)).status).toBe(404);
    expect(await db().auditLog.count({ where: { action: 'card.batch.exported' } })).toBe(0);
  });

  it("after delivery a region cannot hand down another region's order (404)", async () => {
    await produceAndDeliver(t.central, mixed);
    const order = await db().cardOrder.findFirstOrThrow({ where: { organisationId: t.primB1.id } });
    expect(
      (
        await api()
          .post(`/api/v1/card-orders/${order.id}/delivered`)
          .set('Authorization', await authOf(t.regionA))
      ).status,
    ).toBe(404);
    await deliverDown(order.id, t.primB1);
    expect((await db().card.findFirstOrThrow({ where: { orderId: order.id } })).status).toBe('DELIVERED_PRIMARY');
  });

  it("a primary chair cannot issue a virtual card to another organisation's member (404)", async () => {
    const other = (await buildMember({ org: t.primA2 })).memberId;
    const res = await api()
      .post(`/api/v1/members/${other}/virtual-card`)
      .set('Authorization', await authOf(t.primA1));
    expect(res.status).toBe(404);
    await virtualCard(t.primA2, other);
  });
});

import crypto from 'node:crypto';
import { api, buildTree, csrfFrom, loginAs, useDb, userWith, bearer, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { authOf, cardsOf, chairOf, expectStatus, submitOrder, virtualCard } from './support';

useDb();

describe('card orders: duplicates', () => {
  let t: Tree;
  beforeAll(async () => {
    t = await buildTree();
  });

  const post = async (body: Record<string, unknown>, org = t.primA1) =>
    api()
      .post(`/api/v1/orgs/${org.id}/card-orders`)
      .set('Authorization', await authOf(org))
      .send(body);

  it('refuses with 409 an order for a member who already has an ordered card, listing that member', async () => {
    const ordered = (await buildMember({ org: t.primA1 })).memberId;
    const fresh = (await buildMember({ org: t.primA1 })).memberId;
    await submitOrder(t.primA1, [ordered]);
    const res = await post({ memberIds: [fresh, ordered] });
    expect(res.status).toBe(409);
    expect(res.body.error.members).toEqual([{ memberId: ordered, code: 'HAS_CARD', cardStatus: 'ORDERED' }]);
    // Nothing was ordered for the other member either.
    expect(await cardsOf(t.primA1, fresh)).toEqual([]);
  });

  it('refuses with 409 an order for a member who holds a valid virtual card', async () => {
    const m = (await buildMember({ org: t.primA1 })).memberId;
    await virtualCard(t.primA1, m);
    const res = await post({ memberIds: [m] });
    expect(res.status).toBe(409);
    expect(res.body.error.members).toEqual([{ memberId: m, code: 'HAS_CARD', cardStatus: 'ISSUED' }]);
  });

  it('with allWithoutCard orders only the members without a card and skips the others', async () => {
    const org = t.primA3;
    const withCard = (await buildMember({ org })).memberId;
    const withVirtual = (await buildMember({ org })).memberId;
    const without = [(await buildMember({ org })).memberId, (await buildMember({ org })).memberId];
    await submitOrder(org, [withCard]);
    await virtualCard(org, withVirtual);
    const res = await post({ allWithoutCard: true }, org);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'SUBMITTED', count: 2 });
    const o = expectStatus(
      await api()
        .get(`/api/v1/card-orders/${res.body.id}`)
        .set('Authorization', await authOf(org)),
      200,
    ).body;
    expect(o.cards.map((c: { memberId: string }) => c.memberId).sort()).toEqual(without.sort());
    expect((await cardsOf(org, withVirtual)).map((c) => c.form)).toEqual(['VIRTUAL']);
    // Once everybody has one, there is nothing left to order.
    expect((await post({ allWithoutCard: true }, org)).status).toBe(422);
  });

  it('does not order for members who have left the union', async () => {
    const org = t.primB1;
    const gone = (await buildMember({ org, exit: { date: '2024-01-01', kind: 'EXIT_VOLUNTARY' } })).memberId;
    const res = await post({ memberIds: [gone] }, org);
    expect(res.status).toBe(404);
  });

  it('refuses with 404 a member of another primary organisation in the order', async () => {
    const other = (await buildMember({ org: t.primA2 })).memberId;
    const res = await post({ memberIds: [other] });
    expect(res.status).toBe(404);
    expect(await cardsOf(t.primA2, other)).toEqual([]);
  });

  it('refuses an order from an organisation that is not a primary one with 400', async () => {
    const m = (await buildMember({ org: t.primA2 })).memberId;
    const res = await api()
      .post(`/api/v1/orgs/${t.terrA1.id}/card-orders`)
      .set('Authorization', await authOf(t.terrA1))
      .send({ memberIds: [m] });
    expect(res.status).toBe(400);
  });

  it('refuses an order without memberIds or allWithoutCard with 400', async () => {
    expect((await post({})).status).toBe(400);
    expect((await post({ memberIds: [] })).status).toBe(400);
    expect((await post({ memberIds: ['not-a-uuid'] })).status).toBe(400);
  });

  it('orders a new card for a member whose only card is blocked', async () => {
    const m = (await buildMember({ org: t.primA1 })).memberId;
    const v = await virtualCard(t.primA1, m);
    expectStatus(
      await api()
        .post(`/api/v1/cards/${v.id}/block`)
        .set('Authorization', await authOf(t.primA1))
        .send({ reason: 'DAMAGED' }),
      200,
    );
    const res = await post({ memberIds: [m] });
    expect(res.status).toBe(201);
    expect((await cardsOf(t.primA1, m)).map((c) => c.status).sort()).toEqual(['BLOCKED', 'ORDERED']);
  });

  it('two orders sent at once for the same member: one is accepted, the other refused with 409 (never 500)', async () => {
    const m = (await buildMember({ org: t.primA1 })).memberId;
    const [a, b] = await Promise.all([post({ memberIds: [m] }), post({ memberIds: [m] })]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect((await cardsOf(t.primA1, m)).filter((c) => c.status !== 'BLOCKED')).toHaveLength(1);
  });

  it('the database refuses a second non-blocked card for a member', async () => {
    const m = (await buildMember({ org: t.primA1 })).memberId;
    await virtualCard(t.primA1, m);
    await expect(
      db().card.create({ data: { number: '9699999999999990', memberId: m, form: 'PLASTIC', status: 'ORDERED' } }),
    ).rejects.toThrow();
    // A blocked one beside it is allowed: that is the history of reissues.
    await expect(
      db().card.create({ data: { number: '9699999999999982', memberId: m, form: 'PLASTIC', status: 'BLOCKED' } }),
    ).resolves.toBeDefined();
  });

  it('a viewer of the primary organisation may not order (403)', async () => {
    const viewer = await userWith('VIEWER', t.primA1);
    const m = (await buildMember({ org: t.primA1 })).memberId;
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/card-orders`)
      .set('Authorization', await bearer(viewer.id))
      .send({ memberIds: [m] });
    expect(res.status).toBe(403);
  });
});

describe('card orders: return to the primary organisation', () => {
  let t: Tree;
  let orderId: string;
  beforeAll(async () => {
    t = await buildTree();
    const m = (await buildMember({ org: t.primA1, lastName: 'Иванова', firstName: 'Мария' })).memberId;
    orderId = await submitOrder(t.primA1, [m]);
  });

  it('a return without a comment is refused with 400 and the order stays where it was', async () => {
    const auth = await authOf(t.terrA1);
    expect((await api().post(`/api/v1/card-orders/${orderId}/return`).set('Authorization', auth).send({})).status).toBe(
      400,
    );
    expect(
      (await api().post(`/api/v1/card-orders/${orderId}/return`).set('Authorization', auth).send({ comment: '   ' }))
        .status,
    ).toBe(400);
    const o = expectStatus(await api().get(`/api/v1/card-orders/${orderId}`).set('Authorization', auth), 200).body;
    expect(o).toMatchObject({ status: 'SUBMITTED', holderId: t.terrA1.id });
  });

  it('the territorial chair returns the order with a comment: RETURNED, back at the primary organisation', async () => {
    const res = await api()
      .post(`/api/v1/card-orders/${orderId}/return`)
      .set('Authorization', await authOf(t.terrA1))
      .send({ comment: 'Исправьте отчество в карточке' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'RETURNED',
      holderId: t.primA1.id,
      comment: 'Исправьте отчество в карточке',
    });
    const mine = expectStatus(
      await api()
        .get(`/api/v1/orgs/${t.primA1.id}/card-orders?status=RETURNED`)
        .set('Authorization', await authOf(t.primA1)),
      200,
    ).body;
    expect(mine.items.map((o: { id: string }) => o.id)).toEqual([orderId]);
    expect(mine.items[0].comment).toBe('Исправьте отчество в карточке');
  });

  it('a returned order can be neither forwarded nor returned again', async () => {
    const auth = await authOf(t.terrA1);
    expect((await api().post(`/api/v1/card-orders/${orderId}/forward`).set('Authorization', auth)).status).toBe(422);
    expect(
      (
        await api()
          .post(`/api/v1/card-orders/${orderId}/return`)
          .set('Authorization', auth)
          .send({ comment: 'ещё раз' })
      ).status,
    ).toBe(422);
    expect(
      (
        await api()
          .post('/api/v1/card-batches')
          .set('Authorization', await authOf(t.central))
          .send({ orderIds: [orderId] })
      ).status,
    ).toBe(422);
  });

  it('the primary chair resubmits the returned order from its page: SUBMITTED again at the territorial organisation', async () => {
    const chair = await chairOf(t.primA1);
    const agent = await loginAs(chair.login);
    const page = await agent.get(`/card-orders/${orderId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Исправьте отчество в карточке');
    const csrf = await csrfFrom(agent, `/card-orders/${orderId}`);
    const res = await agent.post(`/card-orders/${orderId}/resubmit`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    const o = expectStatus(
      await api().get(`/api/v1/card-orders/${orderId}`).set('Authorization', chair.auth),
      200,
    ).body;
    expect(o).toMatchObject({ status: 'SUBMITTED', holderId: t.terrA1.id });
  });

  it('the regional chair can also return an order that it holds, with its comment', async () => {
    expectStatus(
      await api()
        .post(`/api/v1/card-orders/${orderId}/forward`)
        .set('Authorization', await authOf(t.terrA1)),
      200,
    );
    const res = await api()
      .post(`/api/v1/card-orders/${orderId}/return`)
      .set('Authorization', await authOf(t.regionA))
      .send({ comment: 'Нет согласия на обработку' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'RETURNED', holderId: t.primA1.id, comment: 'Нет согласия на обработку' });
  });

  it('a return to an unknown order id answers 404', async () => {
    const res = await api()
      .post(`/api/v1/card-orders/${crypto.randomUUID()}/return`)
      .set('Authorization', await authOf(t.terrA1))
      .send({ comment: 'Причина' });
    expect(res.status).toBe(404);
  });
});

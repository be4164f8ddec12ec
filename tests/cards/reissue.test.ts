import { api, buildTree, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { isValidCardNumber } from '../../src/lib/cardNumber';
import { today } from '../../src/lib/dates';
import { authOf, cardsOf, expectStatus, plasticIssued, virtualCard } from './support';

useDb();

describe('reissue of a lost card', () => {
  let t: Tree;
  let member: string;
  let old: { id: string; number: string };
  let fresh: { id: string; number: string; orderId: string };

  beforeAll(async () => {
    t = await buildTree();
    member = (await buildMember({ org: t.primA1, lastName: 'Смирнов', firstName: 'Пётр' })).memberId;
    await plasticIssued(t.central, [{ primary: t.primA1, memberIds: [member] }]);
    old = (await cardsOf(t.primA1, member))[0];
  });

  it('answers 201 with a new plastic card under a different valid number; the old card is BLOCKED as lost', async () => {
    const res = await api()
      .post(`/api/v1/cards/${old.id}/reissue`)
      .set('Authorization', await authOf(t.primA1))
      .send({ reason: 'LOST' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ form: 'PLASTIC', status: 'ORDERED', replacesId: old.id });
    expect(res.body.number).not.toBe(old.number);
    expect(isValidCardNumber(res.body.number)).toBe(true);
    fresh = res.body;
    const cards = await cardsOf(t.primA1, member);
    const o = cards.find((c) => c.id === old.id)!;
    expect(o).toMatchObject({ status: 'BLOCKED', blockReason: 'LOST' });
    expect(o.history.map((h) => h.status)).toEqual([
      'ORDERED',
      'IN_PRODUCTION',
      'DELIVERED_REGION',
      'DELIVERED_PRIMARY',
      'ISSUED',
      'BLOCKED',
    ]);
    expect(o.history.at(-1)!.date).toBe(today());
  });

  it('the new plastic card travels in a new order of the primary organisation, now at the territorial one', async () => {
    expect(fresh.orderId).toEqual(expect.any(String));
    const o = expectStatus(
      await api()
        .get(`/api/v1/card-orders/${fresh.orderId}`)
        .set('Authorization', await authOf(t.terrA1)),
      200,
    ).body;
    expect(o).toMatchObject({ organisationId: t.primA1.id, holderId: t.terrA1.id, status: 'SUBMITTED', count: 1 });
    expect(o.cards.map((c: { id: string }) => c.id)).toEqual([fresh.id]);
  });

  it('a second reissue of the same card is refused with 409 and makes no card', async () => {
    const res = await api()
      .post(`/api/v1/cards/${old.id}/reissue`)
      .set('Authorization', await authOf(t.primA1))
      .send({ reason: 'LOST' });
    expect(res.status).toBe(409);
    expect(await cardsOf(t.primA1, member)).toHaveLength(2);
  });

  it('a blocked card cannot be blocked again (409)', async () => {
    const res = await api()
      .post(`/api/v1/cards/${old.id}/block`)
      .set('Authorization', await authOf(t.primA1))
      .send({ reason: 'DAMAGED' });
    expect(res.status).toBe(409);
  });

  it('a block with an unknown reason is refused with 400', async () => {
    const m = (await buildMember({ org: t.primA1 })).memberId;
    const v = await virtualCard(t.primA1, m);
    const res = await api()
      .post(`/api/v1/cards/${v.id}/block`)
      .set('Authorization', await authOf(t.primA1))
      .send({ reason: 'STOLEN_BY_ALIENS' });
    expect(res.status).toBe(400);
    expect((await cardsOf(t.primA1, m))[0].status).toBe('ISSUED');
  });

  it('a virtual card is reissued at once: a new ISSUED virtual card, no order', async () => {
    const m = (await buildMember({ org: t.primA2 })).memberId;
    const v = await virtualCard(t.primA2, m);
    const res = await api()
      .post(`/api/v1/cards/${v.id}/reissue`)
      .set('Authorization', await authOf(t.primA2))
      .send({ reason: 'LOST' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      form: 'VIRTUAL',
      status: 'ISSUED',
      orderId: null,
      replacesId: v.id,
      issuedAt: today(),
    });
    expect(res.body.number).not.toBe(v.number);
    const cards = await cardsOf(t.primA2, m);
    expect(cards.map((c) => c.status).sort()).toEqual(['BLOCKED', 'ISSUED']);
  });

  it('a card blocked first (damaged) can still be reissued; it keeps its own reason', async () => {
    const m = (await buildMember({ org: t.primA2 })).memberId;
    const v = await virtualCard(t.primA2, m);
    expectStatus(
      await api()
        .post(`/api/v1/cards/${v.id}/block`)
        .set('Authorization', await authOf(t.primA2))
        .send({ reason: 'DAMAGED' }),
      200,
    );
    const res = await api()
      .post(`/api/v1/cards/${v.id}/reissue`)
      .set('Authorization', await authOf(t.primA2))
      .send({ reason: 'LOST' });
    expect(res.status).toBe(201);
    const blocked = (await cardsOf(t.primA2, m)).find((c) => c.id === v.id)!;
    expect(blocked).toMatchObject({ status: 'BLOCKED', blockReason: 'DAMAGED' });
  });

  it("another primary organisation's chair cannot reissue or block the card (404)", async () => {
    const auth = await authOf(t.primA2);
    expect(
      (await api().post(`/api/v1/cards/${fresh.id}/reissue`).set('Authorization', auth).send({ reason: 'LOST' }))
        .status,
    ).toBe(404);
    expect(
      (await api().post(`/api/v1/cards/${fresh.id}/block`).set('Authorization', auth).send({ reason: 'LOST' })).status,
    ).toBe(404);
  });
});

describe("a member's exit blocks the card", () => {
  let t: Tree;
  let member: string;
  let card: { id: string; number: string };

  beforeAll(async () => {
    t = await buildTree();
    member = (await buildMember({ org: t.primA1, lastName: 'Кротова', firstName: 'Нина', joinedAt: '2015-09-01' }))
      .memberId;
    card = await virtualCard(t.primA1, member);
    const res = await api()
      .post(`/api/v1/members/${member}/exit`)
      .set('Authorization', await authOf(t.primA1))
      .send({ date: today(), reason: 'VOLUNTARY' });
    expectStatus(res, 200);
  });

  it('the card is BLOCKED with the reason EXIT', async () => {
    const [c] = await cardsOf(t.primA1, member);
    expect(c).toMatchObject({ id: card.id, status: 'BLOCKED', blockReason: 'EXIT' });
  });

  it("the card's status history ends with BLOCKED on the exit date", async () => {
    const [c] = await cardsOf(t.primA1, member);
    expect(c.history.map((h) => h.status)).toEqual(['ISSUED', 'BLOCKED']);
    expect(c.history.at(-1)!.date).toBe(today());
  });

  it('an ordered card that has not reached the member is blocked too', async () => {
    const m = (await buildMember({ org: t.primA1 })).memberId;
    expectStatus(
      await api()
        .post(`/api/v1/orgs/${t.primA1.id}/card-orders`)
        .set('Authorization', await authOf(t.primA1))
        .send({ memberIds: [m] }),
      201,
    );
    expectStatus(
      await api()
        .post(`/api/v1/members/${m}/exit`)
        .set('Authorization', await authOf(t.primA1))
        .send({ date: today(), reason: 'DISMISSED' }),
      200,
    );
    expect((await cardsOf(t.primA1, m)).map((c) => [c.status, c.blockReason])).toEqual([['BLOCKED', 'EXIT']]);
  });

  it('the card of a member who has left cannot be reissued (422)', async () => {
    const res = await api()
      .post(`/api/v1/cards/${card.id}/reissue`)
      .set('Authorization', await authOf(t.primA1))
      .send({ reason: 'LOST' });
    expect(res.status).toBe(422);
    expect(await cardsOf(t.primA1, member)).toHaveLength(1);
  });
});

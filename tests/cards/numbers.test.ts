import { api, buildTree, csrfFrom, loginAs, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { cardNumberFromSeq, isValidCardNumber } from '../../src/lib/cardNumber';
import { authOf, cardsOf, chairOf, expectStatus, submitOrder, virtualCard } from './support';

useDb();

/** The textbook Luhn check over all 16 digits, written here independently of the app's code. */
function luhnOk(n: string): boolean {
  let sum = 0;
  for (let i = 0; i < n.length; i++) {
    let d = Number(n[n.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

describe('card numbers: check digit', () => {
  it('numbers made from the sequence are 16 digits with a valid Luhn digit', () => {
    for (const seq of [1, 2, 9, 10, 123, 99999, 1234567890123]) {
      const n = cardNumberFromSeq(seq);
      expect(n).toMatch(/^\d{16}$/);
      expect(luhnOk(n)).toBe(true);
      expect(isValidCardNumber(n)).toBe(true);
    }
  });

  it('a single mistyped digit anywhere is caught', () => {
    const n = cardNumberFromSeq(4711);
    for (let i = 0; i < 16; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === n[i]) continue;
        const typo = n.slice(0, i) + d + n.slice(i + 1);
        expect(isValidCardNumber(typo)).toBe(false);
      }
    }
  });

  it('a swap of two different neighbouring digits is caught (except 0↔9, a known Luhn blind spot)', () => {
    const n = cardNumberFromSeq(1357924680);
    for (let i = 0; i < 15; i++) {
      if (n[i] === n[i + 1] || `${n[i]}${n[i + 1]}` === '09' || `${n[i]}${n[i + 1]}` === '90') continue;
      const swapped = n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2);
      expect(isValidCardNumber(swapped)).toBe(false);
    }
  });

  it('refuses what is not 16 digits', () => {
    for (const bad of ['', '96', '960000000000001', '96000000000000001', '96000000000000a7', ' 9600000000000017']) {
      expect(isValidCardNumber(bad)).toBe(false);
    }
  });
});

describe('card numbers assigned by the registry', () => {
  let t: Tree;
  beforeAll(async () => {
    t = await buildTree();
  });

  it('every card made through orders, virtual cards and reissues has a unique valid 16-digit number', async () => {
    const members = await Promise.all([0, 1, 2, 3, 4].map(() => buildMember({ org: t.primA1 })));
    await submitOrder(
      t.primA1,
      members.slice(0, 3).map((m) => m.memberId),
    );
    const v1 = await virtualCard(t.primA1, members[3].memberId);
    const v2 = await virtualCard(t.primA1, members[4].memberId);
    expectStatus(
      await api()
        .post(`/api/v1/cards/${v1.id}/reissue`)
        .set('Authorization', await authOf(t.primA1))
        .send({ reason: 'LOST' }),
      201,
    );
    expectStatus(
      await api()
        .post(`/api/v1/cards/${v2.id}/reissue`)
        .set('Authorization', await authOf(t.primA1))
        .send({ reason: 'DAMAGED' }),
      201,
    );
    const all = await db().card.findMany({ select: { number: true } });
    expect(all).toHaveLength(7);
    for (const { number } of all) {
      expect(number).toMatch(/^\d{16}$/);
      expect(luhnOk(number)).toBe(true);
      expect(isValidCardNumber(number)).toBe(true);
    }
    expect(new Set(all.map((c) => c.number)).size).toBe(7);
  });

  it('a number is never reused: a card dropped from an order keeps its number, the new order gets a new one', async () => {
    const m = (await buildMember({ org: t.primA2 })).memberId;
    const orderId = await submitOrder(t.primA2, [m]);
    const [dropped] = await cardsOf(t.primA2, m);
    expectStatus(
      await api()
        .post(`/api/v1/card-orders/${orderId}/return`)
        .set('Authorization', await authOf(t.terrA1))
        .send({ comment: 'Ошибка в фамилии' }),
      200,
    );
    const agent = await loginAs((await chairOf(t.primA2)).login);
    const csrf = await csrfFrom(agent, `/card-orders/${orderId}`);
    expect(
      (await agent.post(`/card-orders/${orderId}/drop`).type('form').send({ _csrf: csrf, cardId: dropped.id })).status,
    ).toBe(303);
    const before = new Set((await db().card.findMany({ select: { number: true } })).map((c) => c.number));
    await submitOrder(t.primA2, [m]);
    const cards = await cardsOf(t.primA2, m);
    expect(cards).toHaveLength(2);
    const again = cards.find((c) => c.id !== dropped.id)!;
    expect(cards.find((c) => c.id === dropped.id)).toMatchObject({ status: 'BLOCKED', number: dropped.number });
    expect(before.has(again.number)).toBe(false);
  });

  it('new numbers keep growing even after cards are blocked (the sequence never goes back)', async () => {
    const m = (await buildMember({ org: t.primA3 })).memberId;
    const a = await virtualCard(t.primA3, m);
    expectStatus(
      await api()
        .post(`/api/v1/cards/${a.id}/block`)
        .set('Authorization', await authOf(t.primA3))
        .send({ reason: 'ERROR' }),
      200,
    );
    const b = await virtualCard(t.primA3, m);
    expect(BigInt(b.number.slice(0, 15))).toBeGreaterThan(BigInt(a.number.slice(0, 15)));
    const max = (await db().card.findMany({ select: { number: true } }))
      .map((c) => BigInt(c.number.slice(0, 15)))
      .reduce((x, y) => (y > x ? y : x));
    expect(BigInt(b.number.slice(0, 15))).toBe(max);
  });

  it('the database refuses two cards with the same number', async () => {
    const m1 = (await buildMember({ org: t.primB1 })).memberId;
    const m2 = (await buildMember({ org: t.primB1 })).memberId;
    const c = await virtualCard(t.primB1, m1);
    await expect(
      db().card.create({ data: { number: c.number, memberId: m2, form: 'VIRTUAL', status: 'ISSUED' } }),
    ).rejects.toThrow();
  });
});

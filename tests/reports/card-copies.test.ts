import { api, buildTree, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { unitIndicators } from '../../src/modules/reports/indicators.repo';
import { addDays, today } from '../../src/lib/dates';
import { authOf, cardsOf, expectStatus, plasticIssued } from '../cards/support';

useDb();

/**
 * The statistics count card holders from the card periods copied onto each registration ("cardPlastic",
 * "cardVirtual", kept by triggers on Card and Registration), not from a join of Card with Registration.
 * Here the copies are checked against that join, written out in SQL, as of many dates, after every kind of
 * card change: issue, block, reissue in the other form, batch updates, deletion, transfer, exit.
 */

type CardCounts = { plastic: number; virtual: number; total: number };

/** Valid cards of members registered in the subtree on the date, by the definition: Card joined with Registration. */
async function direct(prefix: string, asOf: string): Promise<CardCounts> {
  const [r] = await db().$queryRaw<{ plastic: bigint; virtual: bigint; total: bigint }[]>`
    SELECT count(*) FILTER (WHERE c.form = 'PLASTIC') AS plastic, count(*) FILTER (WHERE c.form = 'VIRTUAL') AS virtual, count(*) AS total
    FROM "Registration" r JOIN "Organisation" o ON o.id = r."organisationId"
    JOIN "Card" c ON c."memberId" = r."memberId" AND c."issuedAt" <= ${asOf}::date AND (c."blockedAt" IS NULL OR c."blockedAt" > ${asOf}::date)
    WHERE o.path LIKE ${prefix} || '%' AND r."validFrom" <= ${asOf}::date AND (r."validTo" IS NULL OR r."validTo" > ${asOf}::date)`;
  return { plastic: Number(r.plastic), virtual: Number(r.virtual), total: Number(r.total) };
}

async function computed(org: { path: string }, asOf: string): Promise<CardCounts> {
  const v = (await unitIndicators({ path: org.path }, asOf, { total: true })).get('total') ?? {};
  return { plastic: v.cards_plastic ?? 0, virtual: v.cards_virtual ?? 0, total: v.cards_total ?? 0 };
}

let seq = 0;
const cardNumber = () => `97${String(Date.now() % 1e8).padStart(8, '0')}${String(++seq).padStart(6, '0')}`;
const d = (s: string) => new Date(`${s}T00:00:00Z`);

/** A card written straight into the table (the card flow itself is tested in tests/cards). */
async function card(
  memberId: string,
  form: 'PLASTIC' | 'VIRTUAL',
  issuedAt: string | null,
  blockedAt: string | null = null,
) {
  return db().card.create({
    data: {
      number: cardNumber(),
      memberId,
      form,
      status: blockedAt ? 'BLOCKED' : issuedAt ? 'ISSUED' : 'ORDERED',
      issuedAt: issuedAt ? d(issuedAt) : null,
      blockedAt: blockedAt ? d(blockedAt) : null,
      blockReason: blockedAt ? 'LOST' : null,
    },
  });
}

describe('card periods copied onto registrations', () => {
  let t: Tree;
  beforeAll(async () => {
    t = await buildTree();
  });

  it('a card counts from the day it is issued until the day it is blocked, the same as the join says', async () => {
    const m = await buildMember({ org: t.primA1, joinedAt: '2020-01-01' });
    const c = await card(m.memberId, 'PLASTIC', '2025-03-10');
    await db().card.update({
      where: { id: c.id },
      data: { status: 'BLOCKED', blockedAt: d('2025-09-01'), blockReason: 'LOST' },
    });
    const expected: Record<string, number> = { '2025-03-09': 0, '2025-03-10': 1, '2025-08-31': 1, '2025-09-01': 0 };
    for (const [date, n] of Object.entries(expected)) {
      expect({ date, ...(await computed(t.primA1, date)) }).toEqual({ date, plastic: n, virtual: 0, total: n });
      expect(await computed(t.primA1, date)).toEqual(await direct(t.primA1.path, date));
    }
  });

  it('a reissue in the other form on the day the old card is blocked: one valid card, of the new form', async () => {
    const m = await buildMember({ org: t.primA2, joinedAt: '2020-01-01' });
    await card(m.memberId, 'PLASTIC', '2024-02-01', '2025-05-01');
    await card(m.memberId, 'VIRTUAL', '2025-05-01');
    expect(await computed(t.primA2, '2025-04-30')).toEqual({ plastic: 1, virtual: 0, total: 1 });
    expect(await computed(t.primA2, '2025-05-01')).toEqual({ plastic: 0, virtual: 1, total: 1 });
    const reg = await db().$queryRaw<{ plastic: string; virtual: string }[]>`
      SELECT "cardPlastic"::text AS plastic, "cardVirtual"::text AS virtual FROM "Registration" WHERE "memberId" = ${m.memberId}::uuid`;
    expect(reg).toEqual([{ plastic: '{[2024-02-01,2025-05-01)}', virtual: '{[2025-05-01,)}' }]);
  });

  it('an ordered card that was never issued does not count; issuing it later does', async () => {
    const m = await buildMember({ org: t.primA3, joinedAt: '2020-01-01' });
    const c = await card(m.memberId, 'PLASTIC', null);
    expect((await computed(t.primA3, '2025-06-01')).total).toBe(0);
    await db().card.update({ where: { id: c.id }, data: { status: 'ISSUED', issuedAt: d('2025-05-20') } });
    expect(await computed(t.primA3, '2025-06-01')).toEqual({ plastic: 1, virtual: 0, total: 1 });
    expect(await computed(t.primA3, '2025-06-01')).toEqual(await direct(t.primA3.path, '2025-06-01'));
  });

  it('cards changed many at once in one statement (as a batch is) are all refreshed; a deleted card stops counting', async () => {
    const org = t.primB1;
    const ms = await Promise.all([1, 2, 3].map(() => buildMember({ org, joinedAt: '2020-01-01' })));
    const cards = [];
    for (const m of ms) cards.push(await card(m.memberId, 'PLASTIC', '2025-01-15'));
    expect((await computed(org, '2025-03-01')).total).toBe(3);
    await db().card.updateMany({
      where: { id: { in: cards.map((c) => c.id) } },
      data: { status: 'BLOCKED', blockedAt: d('2025-02-01'), blockReason: 'DAMAGED' },
    });
    expect((await computed(org, '2025-03-01')).total).toBe(0);
    expect((await computed(org, '2025-01-31')).total).toBe(3);
    await db().card.delete({ where: { id: cards[0].id } });
    expect((await computed(org, '2025-01-31')).total).toBe(2);
    expect(await computed(org, '2025-01-31')).toEqual(await direct(org.path, '2025-01-31'));
  });

  it('a member transferred with a card: the card counts where the member is registered on the date', async () => {
    const admin = await authOf(t.central);
    const m = await buildMember({ org: t.primA1, joinedAt: '2019-01-01' });
    await card(m.memberId, 'VIRTUAL', '2024-01-01');
    expectStatus(
      await api()
        .post(`/api/v1/members/${m.memberId}/transfer`)
        .set('Authorization', admin)
        .send({ toOrgId: t.primA3.id, date: '2025-06-01' }),
      200,
    );
    for (const date of ['2025-05-31', '2025-06-01']) {
      expect(await computed(t.primA1, date)).toEqual(await direct(t.primA1.path, date));
      expect(await computed(t.primA3, date)).toEqual(await direct(t.primA3.path, date));
    }
    const a1 = await computed(t.primA1, '2025-05-31');
    const a1After = await computed(t.primA1, '2025-06-01');
    const a3 = await computed(t.primA3, '2025-05-31');
    const a3After = await computed(t.primA3, '2025-06-01');
    expect(a1.virtual - a1After.virtual).toBe(1);
    expect(a3After.virtual - a3.virtual).toBe(1);
  });

  it('through the application: plastic cards issued by the chair, one reissued as virtual, one member exited', async () => {
    const org = t.terrA2;
    const prim = t.primA3;
    const ms = await Promise.all([1, 2, 3].map(() => buildMember({ org: prim, joinedAt: '2020-01-01' })));
    const issueDay = addDays(today(), -10);
    await plasticIssued(t.central, [{ primary: prim, memberIds: ms.map((m) => m.memberId) }], issueDay);
    const before = await computed(org, today());
    const lost = (await cardsOf(prim, ms[0].memberId))[0];
    expectStatus(
      await api()
        .post(`/api/v1/cards/${lost.id}/block`)
        .set('Authorization', await authOf(prim))
        .send({ reason: 'LOST' }),
      200,
    );
    expectStatus(
      await api()
        .post(`/api/v1/members/${ms[0].memberId}/virtual-card`)
        .set('Authorization', await authOf(prim)),
      201,
    );
    expectStatus(
      await api()
        .post(`/api/v1/members/${ms[1].memberId}/exit`)
        .set('Authorization', await authOf(t.central))
        .send({ date: today(), reason: 'VOLUNTARY' }),
      200,
    );
    const after = await computed(org, today());
    expect(after).toEqual(await direct(org.path, today()));
    expect({ plastic: before.plastic - after.plastic, virtual: after.virtual - before.virtual }).toEqual({
      plastic: 2,
      virtual: 1,
    });
    expect(await computed(org, addDays(today(), -1))).toEqual(await direct(org.path, addDays(today(), -1)));
  });

  it('random card histories, transfers and exits: the copies agree with the join on every date, per unit and in total', async () => {
    const rnd = (() => {
      let s = 20261125;
      return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    })();
    const orgs = [t.primA1, t.primA2, t.primA3, t.primB1, t.buroA1];
    const admin = await authOf(t.central);
    const day = (n: number) => addDays('2023-01-01', n);
    for (let i = 0; i < 30; i++) {
      const m = await buildMember({ org: orgs[i % orgs.length], joinedAt: day(Math.floor(rnd() * 200)) });
      let at = Math.floor(rnd() * 900);
      const cardsN = Math.floor(rnd() * 3);
      for (let k = 0; k < cardsN; k++) {
        const last = k === cardsN - 1;
        const end = at + 30 + Math.floor(rnd() * 400);
        await card(m.memberId, rnd() < 0.3 ? 'VIRTUAL' : 'PLASTIC', day(at), last && rnd() < 0.5 ? null : day(end));
        at = end + (rnd() < 0.5 ? 0 : Math.floor(rnd() * 60));
      }
      const r = rnd();
      if (r < 0.3) {
        const to = orgs[(i + 1 + Math.floor(rnd() * 3)) % orgs.length];
        expectStatus(
          await api()
            .post(`/api/v1/members/${m.memberId}/transfer`)
            .set('Authorization', admin)
            .send({ toOrgId: to.id, date: day(300 + Math.floor(rnd() * 500)) }),
          200,
        );
      } else if (r < 0.45) {
        expectStatus(
          await api()
            .post(`/api/v1/members/${m.memberId}/exit`)
            .set('Authorization', admin)
            .send({ date: day(400 + Math.floor(rnd() * 400)), reason: 'VOLUNTARY' }),
          200,
        );
      }
    }
    let nonZero = 0;
    for (let k = 0; k <= 12; k++) {
      const date = day(k * 100);
      const all = await computed(t.central, date);
      expect({ date, ...all }).toEqual({ date, ...(await direct(t.central.path, date)) });
      if (all.total > 0) nonZero++;
      const perUnit = await unitIndicators({ path: t.central.path }, date);
      for (const o of [t.primA1, t.primA2, t.primA3, t.primB1]) {
        // buroA1 is a part of primA1's unit: the direct count over primA1's path includes it.
        const v = perUnit.get(o.id) ?? {};
        expect({
          date,
          org: o.name,
          plastic: v.cards_plastic ?? 0,
          virtual: v.cards_virtual ?? 0,
          total: v.cards_total ?? 0,
        }).toEqual({ date, org: o.name, ...(await direct(o.path, date)) });
      }
    }
    expect(nonZero).toBeGreaterThan(6); // the dates really see cards
  });
});

describe("the holder's gender and birth date copied onto positions", () => {
  it('fills them when a position is written and follows a later correction of the person', async () => {
    const t = await buildTree();
    const m = await buildMember({ org: t.primA2, gender: 'MALE', birthDate: '1960-03-03' });
    const pos = await db().position.create({
      data: { personId: m.personId, organisationId: t.primA2.id, kind: 'CHAIR', startDate: d('2020-01-01') },
    });
    expect(
      await db().position.findUniqueOrThrow({ where: { id: pos.id }, select: { gender: true, birthDate: true } }),
    ).toEqual({ gender: 'MALE', birthDate: d('1960-03-03') });
    const before = (await unitIndicators({ unitIds: [t.primA2.id] }, '2025-01-01')).get(t.primA2.id)!;
    expect(before).toMatchObject({ chairs: 1, chairs_men: 1, chairs_age_over55: 1 });
    await db().person.update({ where: { id: m.personId }, data: { gender: 'FEMALE', birthDate: d('1995-01-01') } });
    const after = (await unitIndicators({ unitIds: [t.primA2.id] }, '2025-01-01')).get(t.primA2.id)!;
    expect(after).toMatchObject({ chairs: 1, chairs_women: 1, chairs_age_under35: 1 });
    expect(after.chairs_men ?? 0).toBe(0);
  });

  it("a position moved to another person takes that person's copies", async () => {
    const t = await buildTree();
    const a = await buildMember({ org: t.primB1, gender: 'MALE', birthDate: '1970-01-01' });
    const b = await buildMember({ org: t.primB1, gender: 'FEMALE', birthDate: '1999-09-09' });
    const pos = await db().position.create({
      data: { personId: a.personId, organisationId: t.primB1.id, kind: 'COMMITTEE_MEMBER', startDate: d('2020-01-01') },
    });
    await db().position.update({ where: { id: pos.id }, data: { personId: b.personId } });
    expect(
      await db().position.findUniqueOrThrow({ where: { id: pos.id }, select: { gender: true, birthDate: true } }),
    ).toEqual({ gender: 'FEMALE', birthDate: d('1999-09-09') });
  });
});

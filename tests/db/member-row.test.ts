/**
 * The member card read in two plain statements (member-card.sql.ts) is the same data the ORM returns: every field,
 * enums as text, dates as the same instants, the same order of registrations, movements, consents, positions,
 * cards and their events. A malformed or unknown id is simply not found; outside the caller's subtree too.
 */
import crypto from 'node:crypto';
import { db } from '../../src/db';
import { cardsOfMember } from '../../src/modules/cards/cards.repo';
import { memberCardExtras, memberDoc } from '../../src/modules/members/member-card.sql';
import { consentsOf, findMemberVisible, movementsOf, positionsOf } from '../../src/modules/members/members.repo';
import { SYSTEM_ACTOR } from '../../src/policy/actor';
import { buildMember } from '../../src/seed/builders.repo';
import { buildTree, loginAs, userWith, useDb, type Tree } from '../helpers';

useDb();

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
});

const ORM_MEMBER = {
  person: true,
  organisation: { select: { id: true, name: true, shortName: true, path: true, kind: true, status: true } },
  registrations: { orderBy: { validFrom: 'desc' as const } },
  cards: { where: { status: { not: 'BLOCKED' as const } }, orderBy: { createdAt: 'desc' as const }, take: 1 },
};

/** A member with a past transfer, an exit-free history, consents, positions, a blocked and a current card. */
async function richMember() {
  const { memberId, personId } = await buildMember({
    org: t.primA2,
    lastName: 'Ёлкина',
    firstName: 'Алёна',
    middleName: 'Сергеевна',
    gender: 'FEMALE',
    phone: '+79990001122',
    email: 'elkina@example.ru',
    snils: null,
    joinedAt: '2010-09-01',
    registeredAt: '2019-02-15',
    transferredFrom: t.primA1,
    consents: { bonusProgramme: true, messaging: false },
    externalId: 'ext-1',
  });
  await db().member.update({ where: { id: memberId }, data: { category: 'PENSIONER', version: { increment: 1 } } });
  await db().movement.create({
    data: {
      memberId,
      kind: 'CATEGORY_CHANGE',
      date: new Date('2024-05-05T00:00:00Z'),
      organisationId: t.primA2.id,
      note: 'PENSIONER',
    },
  });
  await db().position.createMany({
    data: [
      {
        personId,
        organisationId: t.primA2.id,
        kind: 'CHAIR',
        startDate: new Date('2020-01-10T00:00:00Z'),
        isElected: true,
      },
      {
        personId,
        organisationId: t.terrA1.id,
        kind: 'TREASURER',
        title: 'Казначей',
        startDate: new Date('2015-03-01T00:00:00Z'),
        endDate: new Date('2018-03-01T00:00:00Z'),
        isPaid: true,
      },
    ],
  });
  const n = () => String(9_000_000_000 + crypto.randomInt(1_000_000_000));
  const old = await db().card.create({
    data: {
      number: n(),
      memberId,
      form: 'PLASTIC',
      status: 'BLOCKED',
      printedName: 'ЁЛКИНА АЛЁНА СЕРГЕЕВНА',
      blockedAt: new Date('2021-06-01T00:00:00Z'),
      blockReason: 'LOST',
      createdAt: new Date('2019-03-01T08:30:00.125Z'),
    },
  });
  const current = await db().card.create({
    data: {
      number: n(),
      memberId,
      form: 'VIRTUAL',
      status: 'ISSUED',
      replacesId: old.id,
      issuedAt: new Date('2021-06-02T00:00:00Z'),
    },
  });
  await db().cardEvent.createMany({
    data: [
      { cardId: old.id, status: 'ORDERED', date: new Date('2019-03-01T00:00:00Z') },
      { cardId: old.id, status: 'BLOCKED', date: new Date('2021-06-01T00:00:00Z'), note: 'утерян' },
      { cardId: current.id, status: 'ISSUED', date: new Date('2021-06-02T00:00:00Z') },
    ],
  });
  return { memberId, personId };
}

describe('the member card in plain SQL', () => {
  it('the member equals the ORM’s member with person, organisation, registrations and the card in use', async () => {
    const { memberId } = await richMember();
    const orm = await db().member.findUniqueOrThrow({ where: { id: memberId }, include: ORM_MEMBER });
    const sql = await memberDoc(memberId);
    expect(sql).toEqual(orm);
    expect(sql!.registrations).toHaveLength(2);
    expect(sql!.cards).toHaveLength(1);
    expect(sql!.person.birthDate).toBeInstanceOf(Date);
    expect(sql!.createdAt.getTime()).toBe(orm.createdAt.getTime());
    expect(await findMemberVisible(SYSTEM_ACTOR, memberId)).toEqual(orm);
  });

  it('the card page’s lists equal the ORM’s, in the same order', async () => {
    const { memberId, personId } = await richMember();
    const sql = await memberCardExtras(memberId, personId);
    expect(sql.movements).toEqual(await movementsOf(memberId));
    expect(sql.consents).toEqual(await consentsOf(personId));
    expect(sql.positions).toEqual(await positionsOf(personId));
    expect(sql.cards).toEqual(await cardsOfMember(memberId));
    expect(sql.movements.length).toBeGreaterThanOrEqual(3);
    expect(sql.consents.length).toBeGreaterThanOrEqual(2);
    expect(sql.positions).toHaveLength(2);
    expect(sql.cards.map((c) => c.events.length)).toEqual([1, 2]);
  });

  it('a member with nothing else has empty lists; a bad or unknown id, or one outside the subtree, is not found', async () => {
    const { memberId, personId } = await buildMember({ org: t.primB1 });
    await db().consent.deleteMany({ where: { personId } });
    const sql = await memberCardExtras(memberId, personId);
    expect(sql).toEqual({ movements: await movementsOf(memberId), consents: [], positions: [], cards: [] });
    expect((await memberDoc(memberId))!.cards).toEqual([]);
    expect(await findMemberVisible(SYSTEM_ACTOR, 'not-a-uuid')).toBeNull();
    expect(await findMemberVisible(SYSTEM_ACTOR, crypto.randomUUID())).toBeNull();
    const chairOfA = {
      ...SYSTEM_ACTOR,
      kind: 'user' as const,
      assignments: [
        {
          id: 'x',
          role: 'CHAIR' as const,
          organisationId: t.regionA.id,
          orgPath: t.regionA.path,
          orgKind: 'REGIONAL' as const,
          orgName: 'A',
        },
      ],
    };
    expect(await findMemberVisible(chairOfA, memberId)).toBeNull();
  });
});

describe('the member card page', () => {
  it('offers the organisations on the member’s line the chair may see, for a position', async () => {
    const { memberId } = await buildMember({ org: t.primA1 });
    const chair = await loginAs((await userWith('CHAIR', t.terrA1, { ndaAccepted: true })).login);
    const res = await chair.get(`/members/${memberId}`);
    expect(res.status).toBe(200);
    const select = /<select[^>]*name="organisationId"[\s\S]*?<\/select>/.exec(res.text)?.[0] ?? '';
    const offered = [...select.matchAll(/value="([^"]+)"/g)].map((x) => x[1]).sort();
    // Its own ППО and профбюро and the territorial above; not the region or centre above the chair, not a neighbour.
    expect(offered).toEqual([t.terrA1.id, t.primA1.id, t.buroA1.id].sort());
  });
});

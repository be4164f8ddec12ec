import type request from 'supertest';
import { db } from '../../src/db';
import { Prisma } from '../../src/generated/prisma/client';
import { buildMember, buildOrg } from '../../src/seed/builders.repo';
import { addDays, today } from '../../src/lib/dates';
import { cardedOrgsSql, orgCountsSql } from '../../src/modules/organisations/counts.sql';
import { perOrgSql } from '../../src/modules/organisations/organisations.repo';
import { buildTree, csrfFrom, loginAs, useDb, userWith, type Tree } from '../helpers';
import { csv, importViaPage, resultOf } from '../imports/support';

useDb();

/**
 * The per-organisation counters kept by triggers ("OrgCount") plus the correction for the date give the same
 * figures as counting the registrations valid on the date (the definition, perOrgSql), for every organisation of
 * the tree and on dates before, on and after today, after every kind of write: adds, exits, transfers, category
 * changes, cards issued, blocked and reissued, an import and its undo.
 */

type Figures = Record<string, string>;

async function live(path: string, asOf: string): Promise<Figures> {
  const rows = await db().$queryRaw<{ path: string; f: string }[]>`${perOrgSql(
    path,
    asOf,
    Prisma.sql`concat_ws(' ', count(*) FILTER (WHERE r.category = 'WORKING'), count(*) FILTER (WHERE r.category = 'STUDENT'),
      count(*) FILTER (WHERE r.category = 'PENSIONER'), count(*),
      count(*) FILTER (WHERE r."cardPlastic" @> ${asOf}::date AND NOT coalesce(r."cardVirtual" @> ${asOf}::date, false)),
      count(*) FILTER (WHERE r."cardVirtual" @> ${asOf}::date)) AS f`,
  )}`;
  return Object.fromEntries(rows.map((r) => [r.path, r.f]));
}

async function counted(path: string, asOf: string): Promise<Figures> {
  const rows = await db().$queryRaw<{ path: string; f: string }[]>`
    SELECT path, concat_ws(' ', w, s, p, n, plastic, virtual) AS f FROM (${orgCountsSql(path, asOf)}) x`;
  return Object.fromEntries(rows.map((r) => [r.path, r.f]));
}

async function cardedLive(path: string, asOf: string): Promise<string[]> {
  const rows = await db().$queryRaw<{ path: string }[]>`
    SELECT o.path FROM "Organisation" o WHERE o.path LIKE ${path} || '%' AND EXISTS (SELECT 1 FROM "Member" m
      JOIN "Card" c ON c."memberId" = m.id WHERE m."organisationId" = o.id AND c."createdAt"::date <= ${asOf}::date)`;
  return rows.map((r) => r.path).sort();
}

async function carded(path: string, asOf: string): Promise<string[]> {
  const rows = await db().$queryRaw<{ path: string }[]>`${cardedOrgsSql(path, asOf)}`;
  return rows.map((r) => r.path).sort();
}

const DATES = () => [
  '2019-06-30',
  '2024-03-01',
  addDays(today(), -1),
  today(),
  addDays(today(), 1),
  addDays(today(), 40),
];

async function expectSame(root: { path: string }) {
  for (const d of DATES()) {
    expect({ d, f: await counted(root.path, d) }).toEqual({ d, f: await live(root.path, d) });
    expect({ d, c: await carded(root.path, d) }).toEqual({ d, c: await cardedLive(root.path, d) });
  }
}

let seq = 0;
const cardNumber = () => `98${String(Date.now() % 1e8).padStart(8, '0')}${String(++seq).padStart(6, '0')}`;
const d = (s: string) => new Date(`${s}T00:00:00Z`);

describe('organisation counters', () => {
  let t: Tree;
  let chair: request.Agent;
  beforeAll(async () => {
    t = await buildTree();
    chair = await loginAs((await userWith('CHAIR', t.terrA1)).login);
  });

  const bulk = async (op: string, data: Record<string, string | string[]>) => {
    const csrf = await csrfFrom(chair, `/members?org=${t.terrA1.id}`);
    const res = await chair
      .post(`/members/bulk/${op}`)
      .type('form')
      .send({ _csrf: csrf, org: t.terrA1.id, ...data });
    expect(res.status).toBe(303);
  };

  it('equal the live count after adds, exits (past, today and future), transfers and category changes', async () => {
    const a = await buildMember({ org: t.primA1, joinedAt: '2018-01-01' });
    const b = await buildMember({ org: t.buroA1, joinedAt: '2020-05-01', category: 'STUDENT' });
    const c = await buildMember({ org: t.primA2, joinedAt: '2021-01-01', category: 'PENSIONER' });
    const e = await buildMember({ org: t.primA2, joinedAt: '2021-01-01' });
    await buildMember({ org: t.primA3, joinedAt: addDays(today(), 10) }); // joins in the future
    await expectSame(t.central);
    await bulk('exit', { ids: [a.memberId], confirmed: '1', reason: 'EXIT_VOLUNTARY', date: '2024-01-15' });
    await bulk('exit', { ids: [e.memberId], confirmed: '1', reason: 'EXIT_VOLUNTARY', date: today() });
    await bulk('transfer', { ids: [c.memberId], confirmed: '1', toOrgId: t.primA1.id, date: today() });
    await bulk('category', { ids: [b.memberId], confirmed: '1', newCategory: 'WORKING', date: today() });
    await expectSame(t.central);
  });

  it('count on past dates the organisations whose every registration has closed since (no counter row)', async () => {
    // Registrations written already closed (an exit or a transfer away in the past) leave nothing in the final
    // state, so such an organisation has no "OrgCount" row at all; its past figures come from the correction alone.
    const org = await buildOrg(t.terrA2, 'PRIMARY', { name: 'ППО прошлых лет', institutionType: 'OO' });
    const to = await buildOrg(t.terrA2, 'PRIMARY', { name: 'ППО переведённых', institutionType: 'OO' });
    await buildMember({ org, joinedAt: '2016-02-02', exit: { date: '2022-12-31', kind: 'EXIT_DISMISSED' } });
    await buildMember({ org: to, joinedAt: '2015-01-01', transferredFrom: org, registeredAt: '2022-06-01' });
    expect(await db().orgCount.count({ where: { organisationId: org.id, members: { not: 0 } } })).toBe(0);
    expect((await counted(org.path, '2019-06-30'))[org.path]).toBe('2 0 0 2 0 0');
    await expectSame(t.central);
    await db().$executeRaw`SELECT org_count_rebuild()`; // the rebuild keeps no row for such an organisation either
    expect((await counted(org.path, '2019-06-30'))[org.path]).toBe('2 0 0 2 0 0');
    await expectSame(t.central);
  });

  it('equal the live count for card holders and cards ordered through issue, block, reissue and a transfer', async () => {
    const org = await buildOrg(t.terrA2, 'PRIMARY', { name: 'ППО счётчиков', institutionType: 'OO' });
    const m = await buildMember({ org, joinedAt: '2015-01-01' });
    const n = await buildMember({ org, joinedAt: '2015-01-01' });
    expect(await carded(org.path, today())).toEqual([]);
    const card = await db().card.create({
      data: { number: cardNumber(), memberId: m.memberId, form: 'PLASTIC', status: 'ORDERED' },
    });
    await expectSame(t.central);
    expect(await carded(org.path, today())).toEqual([org.path]);
    expect(await carded(org.path, addDays(today(), -1))).toEqual([]); // ordered today: not yet yesterday
    await db().card.update({ where: { id: card.id }, data: { status: 'ISSUED', issuedAt: d('2024-02-01') } });
    await db().card.update({
      where: { id: card.id },
      data: { status: 'BLOCKED', blockedAt: d(addDays(today(), 5)), blockReason: 'LOST' },
    });
    await db().card.create({
      data: {
        number: cardNumber(),
        memberId: m.memberId,
        form: 'VIRTUAL',
        status: 'ISSUED',
        issuedAt: d(addDays(today(), 5)),
        replacesId: card.id,
      },
    });
    await db().card.create({
      data: {
        number: cardNumber(),
        memberId: n.memberId,
        form: 'VIRTUAL',
        status: 'ISSUED',
        issuedAt: d('2025-01-01'),
      },
    });
    await expectSame(t.central);
    await bulk('transfer', { ids: [m.memberId], confirmed: '1', toOrgId: t.primA2.id, date: today() });
    await expectSame(t.central);
  });

  it('equal the live count after an import and after its undo', async () => {
    const org = await buildOrg(t.terrA1, 'PRIMARY', { name: 'ППО импорта счётчиков', institutionType: 'OO' });
    const before = await counted(t.central.path, today());
    const job = await importViaPage(
      chair,
      org.id,
      csv([
        ['Фамилия', 'Имя', 'Отчество', 'Дата рождения'],
        ['Счётова', 'Анна', 'Андреевна', '01.01.1981'],
        ['Счётов', 'Богдан', 'Борисович', '02.02.1982'],
      ]),
      'counts.csv',
      { joinedAt: '01.09.2020' },
    );
    expect(resultOf(job)).toMatchObject({ created: 2 });
    await expectSame(t.central);
    expect((await counted(org.path, today()))[org.path]).toBe('2 0 0 2 0 0');
    const csrf = await csrfFrom(chair, `/imports/${job.id}`);
    expect((await chair.post(`/imports/${job.id}/undo`).type('form').send({ _csrf: csrf })).status).toBe(303);
    await expectSame(t.central);
    expect(await counted(t.central.path, today())).toEqual(before);
  });

  it('the dashboard summary and card progress read the same figures as the live count', async () => {
    const { subtreeSummary } = await import('../../src/modules/organisations/summary.repo');
    const { cardProgress, notStarted } = await import('../../src/modules/cards/progress.repo');
    const s = await subtreeSummary(t.regionA, today());
    const f = await live(t.regionA.path, today());
    const total = Object.values(f).reduce((x, v) => x + Number(v.split(' ')[3]), 0);
    expect(s.members.total).toBe(total);
    const p = await cardProgress(t.regionA, today());
    expect(p.total.members).toBe(total);
    const ns = await notStarted(t.regionA, today());
    expect(ns.map((x) => x.id)).not.toContain(t.primA2.id);
  });
});

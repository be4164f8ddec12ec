import { api, buildTree, loginAs, useDb, type Tree } from '../helpers';
import { buildMembers, type MemberSpec } from '../../src/seed/builders.repo';
import { addDays, formatDay, today } from '../../src/lib/dates';
import { authOf, binary, chairOf, expectPdfShows, expectStatus, plasticIssued, virtualCard, xlsxRows } from './support';

useDb();

interface Row {
  id: string;
  name: string;
  kind: string;
  members: number;
  plastic: number;
  virtual: number;
  cards: number;
  percent: number;
}
interface Progress {
  asOf: string;
  total: Omit<Row, 'id' | 'name' | 'kind'>;
  children: Row[];
}

/**
 * Card exchange progress as of a date. The union here:
 * ППО А1: 3 members — one plastic card issued on 2026-01-10, one virtual card issued today;
 * ППО А2: 8 members — two plastic cards issued on 2026-01-10, one of them blocked today;
 * ППО А3: 3 members — one virtual card issued today; ППО Б1: 16 members — one virtual card issued today.
 */
describe('card exchange progress', () => {
  let t: Tree;
  const ISSUED_ON = '2026-01-10';

  let batchNo = 0;
  const members = async (org: { id: string }, n: number) => {
    batchNo += 1;
    const specs: MemberSpec[] = Array.from({ length: n }, (_, i) => ({
      org,
      lastName: `Участник${'абвгдежзиклмнопрст'[i]}`,
      firstName: 'Иван',
      birthDate: `198${batchNo}-01-${String(i + 1).padStart(2, '0')}`,
      category: 'WORKING',
      joinedAt: '2015-09-01',
    }));
    return (await buildMembers(specs)).map((m) => m.memberId);
  };
  const progress = async (org: { id: string }, asOf?: string, as: { id: string } = org): Promise<Progress> =>
    expectStatus(
      await api()
        .get(`/api/v1/orgs/${org.id}/cards/progress${asOf ? `?asOf=${asOf}` : ''}`)
        .set('Authorization', await authOf(as)),
      200,
    ).body;
  const child = (p: Progress, id: string) => p.children.find((c) => c.id === id)!;

  beforeAll(async () => {
    t = await buildTree();
    const a1 = await members(t.primA1, 3);
    const a2 = await members(t.primA2, 8);
    const a3 = await members(t.primA3, 3);
    const b1 = await members(t.primB1, 16);
    await plasticIssued(
      t.central,
      [
        { primary: t.primA1, memberIds: [a1[0]] },
        { primary: t.primA2, memberIds: [a2[0], a2[1]] },
      ],
      ISSUED_ON,
    );
    await virtualCard(t.primA1, a1[1]);
    await virtualCard(t.primA3, a3[0]);
    await virtualCard(t.primB1, b1[0]);
    const blocked = await api()
      .get(`/api/v1/members/${a2[1]}/cards`)
      .set('Authorization', await authOf(t.primA2));
    expectStatus(
      await api()
        .post(`/api/v1/cards/${blocked.body.items[0].id}/block`)
        .set('Authorization', await authOf(t.primA2))
        .send({ reason: 'LOST' }),
      200,
    );
  });

  it('counts members, plastic and virtual cards per child as of today, with percent rounded to one decimal', async () => {
    const p = await progress(t.terrA1);
    expect(p.asOf).toBe(today());
    expect(child(p, t.primA1.id)).toMatchObject({
      name: 'ППО школы А1',
      kind: 'PRIMARY',
      members: 3,
      plastic: 1,
      virtual: 1,
      cards: 2,
      percent: 66.7,
    });
    expect(child(p, t.primA2.id)).toMatchObject({ members: 8, plastic: 1, virtual: 0, cards: 1, percent: 12.5 });
    expect(p.total).toEqual({ members: 11, plastic: 2, virtual: 1, cards: 3, percent: 27.3 });
  });

  it('1 of 3 is 33.3 and 1 of 16 is 6.3 (half up, not to even)', async () => {
    expect((await progress(t.terrA2)).total).toEqual({ members: 3, plastic: 0, virtual: 1, cards: 1, percent: 33.3 });
    expect((await progress(t.regionB)).total).toEqual({ members: 16, plastic: 0, virtual: 1, cards: 1, percent: 6.3 });
  });

  it("the children's figures add up to the total at every level", async () => {
    for (const org of [t.central, t.regionA, t.terrA1, t.terrA2, t.regionB]) {
      const p = await progress(org, undefined, t.central);
      for (const k of ['members', 'plastic', 'virtual', 'cards'] as const) {
        expect(p.children.reduce((s, c) => s + c[k], 0)).toBe(p.total[k]);
      }
    }
    const c = await progress(t.central);
    expect(c.total).toEqual({ members: 30, plastic: 2, virtual: 3, cards: 5, percent: 16.7 });
    expect(child(c, t.regionA.id)).toMatchObject({ members: 14, cards: 4, percent: 28.6 });
    // Each percent is computed from the sums, never averaged from the children's percents.
    expect(c.total.percent).not.toBe(Math.round(((28.6 + 6.3) / 2) * 10) / 10);
  });

  it('a card issued after asOf does not count; one issued on asOf does', async () => {
    const before = await progress(t.terrA1, addDays(ISSUED_ON, -1));
    expect(before.total).toEqual({ members: 11, plastic: 0, virtual: 0, cards: 0, percent: 0 });
    const on = await progress(t.terrA1, ISSUED_ON);
    expect(on.total).toMatchObject({ members: 11, plastic: 3, virtual: 0, cards: 3 });
    // The virtual cards were issued today: not yet yesterday.
    expect((await progress(t.central, addDays(today(), -1))).total.virtual).toBe(0);
  });

  it('a card blocked before asOf does not count; before it was blocked it did', async () => {
    const mid = await progress(t.terrA1, '2026-06-01');
    expect(child(mid, t.primA2.id)).toMatchObject({ members: 8, plastic: 2, cards: 2, percent: 25 });
    expect(child(mid, t.primA1.id)).toMatchObject({ members: 3, plastic: 1, virtual: 0, cards: 1, percent: 33.3 });
    const now = await progress(t.terrA1, today());
    expect(child(now, t.primA2.id)).toMatchObject({ plastic: 1, cards: 1 });
  });

  it('members who were not yet registered on asOf are not counted (and the percent of nobody is 0)', async () => {
    expect((await progress(t.central, '2015-08-31')).total).toEqual({
      members: 0,
      plastic: 0,
      virtual: 0,
      cards: 0,
      percent: 0,
    });
  });

  it('a malformed asOf is refused with 400', async () => {
    const res = await api()
      .get(`/api/v1/orgs/${t.terrA1.id}/cards/progress?asOf=31.02.2026`)
      .set('Authorization', await authOf(t.terrA1));
    expect(res.status).toBe(400);
  });

  it("answers 404 for an organisation outside the caller's subtree", async () => {
    expect(
      (
        await api()
          .get(`/api/v1/orgs/${t.primA2.id}/cards/progress`)
          .set('Authorization', await authOf(t.primA1))
      ).status,
    ).toBe(404);
    expect(
      (
        await api()
          .get(`/api/v1/orgs/${t.regionA.id}/cards/progress`)
          .set('Authorization', await authOf(t.regionB))
      ).status,
    ).toBe(404);
  });

  it('the XLSX export has the title, the header, a row per child and the totals', async () => {
    const agent = await loginAs((await chairOf(t.regionA)).login);
    const res = await agent.get(`/orgs/${t.regionA.id}/cards/progress?format=xlsx`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    const rows = await xlsxRows(res.body);
    expect(String(rows[0][0])).toBe(`Ход обмена профсоюзных билетов: Региональная А, на ${formatDay(today())}`);
    expect(rows[1]).toEqual([
      'Организация',
      'Членов в реестре',
      'Пластиковых выдано',
      'Виртуальных',
      'Всего билетов',
      '% с новым билетом',
    ]);
    expect(rows.slice(2)).toEqual([
      ['Районная А1', 11, 2, 1, 3, 27.3],
      ['Районная А2', 3, 0, 1, 1, 33.3],
      ['Итого', 14, 2, 2, 4, 28.6],
    ]);
  });

  it('the XLSX export as of an earlier date has that date’s figures', async () => {
    const agent = await loginAs((await chairOf(t.regionA)).login);
    const res = await agent
      .get(`/orgs/${t.regionA.id}/cards/progress?format=xlsx&asOf=2026-06-01`)
      .buffer(true)
      .parse(binary);
    const rows = await xlsxRows(res.body);
    expect(String(rows[0][0])).toContain('01.06.2026');
    expect(rows.at(-1)).toEqual(['Итого', 14, 3, 0, 3, 21.4]);
  });

  it('the PDF export shows the Cyrillic title, the children and the totals', async () => {
    const agent = await loginAs((await chairOf(t.regionA)).login);
    const res = await agent.get(`/orgs/${t.regionA.id}/cards/progress?format=pdf`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expectPdfShows(res.body, [
      'Ход обмена профсоюзных билетов',
      'Региональная А',
      'Районная А1',
      'Районная А2',
      'Итого',
      '27.3',
      '28.6',
    ]);
  });

  it('the page shows the table for the organisation', async () => {
    const agent = await loginAs((await chairOf(t.regionA)).login);
    const res = await agent.get(`/orgs/${t.regionA.id}/cards/progress`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Районная А1');
    expect(res.text).toMatch(/28[.,]6/);
  });
});

describe('card exchange progress as of a date before a child organisation was excluded', () => {
  it("still lists that child, so that the children's figures add up to the total", async () => {
    const t = await buildTree();
    const stay = await buildMembers([
      {
        org: t.primA1,
        lastName: 'Оставшаяся',
        firstName: 'Ольга',
        birthDate: '1977-07-07',
        category: 'WORKING',
        joinedAt: '2015-09-01',
      },
    ]);
    const gone = await buildMembers([
      {
        org: t.primA2,
        lastName: 'Ушедшая',
        firstName: 'Ульяна',
        birthDate: '1978-08-08',
        category: 'WORKING',
        joinedAt: '2015-09-01',
      },
      {
        org: t.primA2,
        lastName: 'Ушедший',
        firstName: 'Устин',
        birthDate: '1979-09-09',
        category: 'WORKING',
        joinedAt: '2015-09-01',
      },
    ]);
    await virtualCard(t.primA1, stay[0].memberId);
    for (const g of gone) {
      expectStatus(
        await api()
          .post(`/api/v1/members/${g.memberId}/exit`)
          .set('Authorization', await authOf(t.primA2))
          .send({ date: '2026-06-01', reason: 'DISMISSED' }),
        200,
      );
    }
    expectStatus(
      await api()
        .post(`/api/v1/orgs/${t.primA2.id}/exclude`)
        .set('Authorization', await authOf(t.terrA1))
        .send({ date: '2026-06-02', reason: 'Ликвидация учреждения' }),
      200,
    );
    const p = expectStatus(
      await api()
        .get(`/api/v1/orgs/${t.terrA1.id}/cards/progress?asOf=2026-03-01`)
        .set('Authorization', await authOf(t.terrA1)),
      200,
    ).body as Progress;
    expect(p.total.members).toBe(3);
    expect(p.children.reduce((s, c) => s + c.members, 0)).toBe(p.total.members);
    expect(p.children.find((c) => c.id === t.primA2.id)).toMatchObject({ members: 2, cards: 0 });
  });
});

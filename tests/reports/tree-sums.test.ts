import fs from 'node:fs';
import path from 'node:path';
import { buildTree, useDb, type Tree } from '../helpers';
import { buildMember, buildOrg, type BuiltOrg, type MemberSpec } from '../../src/seed/builders.repo';
import { TEMPLATES_DIR, insertCampaign, loadShippedTemplates } from '../../src/modules/reports/reports.repo';
import { pct } from '../../src/modules/reports/formula';
import type { Definition } from '../../src/modules/reports/template';
import { addPosition, authOf, expectStatus, inCampaign, live, step } from './support';

useDb();

const AS_OF = '2026-11-01';
const form = (code: string): Definition =>
  JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, `${code}.json`), 'utf8'));
const indicatorRows = (def: Definition) =>
  def.sections
    .flatMap((s) => s.rows)
    .filter((r) => r.cells.v && 'indicator' in r.cells.v)
    .map((r) => r.code);
const rowCodes = (def: Definition) => new Set(def.sections.flatMap((s) => s.rows).map((r) => r.code));

/** Sums {row: value} maps over the given rows. */
function sumOf(parts: Record<string, number | null>[], rows: string[]) {
  return Object.fromEntries(rows.map((r) => [r, parts.reduce((s, p) => s + (p[r] ?? 0), 0)]));
}
const pick = (v: Record<string, number | null>, rows: string[]) => Object.fromEntries(rows.map((r) => [r, v[r]]));

describe('sums up the tree match the sum of the parts', () => {
  let t: Tree;
  let profgroupA3: BuiltOrg;
  let n = 0;
  const m = (spec: Partial<MemberSpec> & { org: { id: string } }) => {
    n += 1;
    return buildMember({
      gender: 'MALE',
      birthDate: new Date(Date.UTC(1975, 0, n)).toISOString().slice(0, 10),
      joinedAt: '2015-09-01',
      category: 'WORKING',
      ...spec,
    });
  };

  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    profgroupA3 = await buildOrg(t.primA3, 'PROFGROUP', { name: 'Профгруппа А3' });
    // primA1 (+ its профбюро): 3 working members; its chair is a woman of 41 with 8 years in office, paid.
    const chairA1 = await m({ org: t.primA1, gender: 'FEMALE', birthDate: '1985-04-04' });
    await m({ org: t.primA1 });
    const buroMember = await m({ org: t.buroA1, gender: 'FEMALE', birthDate: '1992-02-02' });
    await addPosition(chairA1.personId, t.primA1, 'CHAIR', '2018-09-01', { isPaid: true });
    await addPosition(buroMember.personId, t.buroA1, 'SAFETY_REPRESENTATIVE', '2022-01-01');
    // primA2: 1 working member (its chair, a man over 55, 16 years in office), 1 pensioner.
    const chairA2 = await m({ org: t.primA2, birthDate: '1960-05-05' });
    await m({ org: t.primA2, category: 'PENSIONER', birthDate: '1950-05-05' });
    await addPosition(chairA2.personId, t.primA2, 'CHAIR', '2010-03-01');
    // primA3 (+ a профгруппа): 3 working, 1 student, 1 pensioner; its chair is a woman under 35, new in office.
    const chairA3 = await m({ org: t.primA3, gender: 'FEMALE', birthDate: '1995-07-07' });
    await m({ org: t.primA3 });
    await m({ org: profgroupA3, gender: 'FEMALE' });
    await m({ org: t.primA3, category: 'STUDENT', birthDate: '2006-01-01' });
    await m({ org: t.primA3, category: 'PENSIONER', birthDate: '1948-01-01', joinedAt: '2026-02-02' });
    await addPosition(chairA3.personId, t.primA3, 'CHAIR', '2024-10-01');
    await addPosition(chairA3.personId, t.primA3, 'COMMITTEE_MEMBER', '2024-10-01');
    // Another region, which must not leak into region A.
    const chairB1 = await m({ org: t.primB1, gender: 'FEMALE' });
    await m({ org: t.primB1 });
    await addPosition(chairB1.personId, t.primB1, 'CHAIR', '2020-01-01');
  });

  it("live 1SP of a region: every indicator row equals the sum over its primaries' live 5SP rows", async () => {
    const auth = await authOf(t.regionA);
    const region = await live(t.regionA, '1SP', AS_OF, auth);
    const rows = indicatorRows(form('1SP')).filter((r) => rowCodes(form('5SP')).has(r));
    const parts = await Promise.all(
      [t.primA1, t.primA2, t.primA3].map(async (p) => (await live(p, '5SP', AS_OF, auth)).v),
    );
    expect(pick(region.v, rows)).toEqual(sumOf(parts, rows));
    // Not a sum of zeros: the figures worked out by hand.
    expect(
      pick(region.v, [
        '02',
        '07',
        '09',
        '10',
        '11',
        '30',
        '32',
        '33',
        '40',
        '41',
        '42',
        '43',
        '44',
        '45',
        '46',
        '47',
        '48',
        '49',
        '4A',
        '50',
        '54',
      ]),
    ).toEqual({
      '02': 7,
      '07': 1,
      '09': 2,
      '10': 10,
      '11': 4,
      '30': 3,
      '32': 1,
      '33': 1,
      '40': 3,
      '41': 2,
      '42': 1,
      '43': 1,
      '44': 1,
      '45': 1,
      '46': 1,
      '47': 1,
      '48': 1,
      '49': 1,
      '4A': 2,
      '50': 1,
      '54': 1,
    });
    expect(region.v['34']).toBe(2); // its territorial organisations
    expect(region.v['20']).toBe(1); // the pensioner who joined in 2026
  });

  it("live 2SP of a territorial organisation equals the sum of its primaries' live 5SP", async () => {
    const auth = await authOf(t.terrA1);
    const terr = await live(t.terrA1, '2SP', AS_OF, auth);
    const rows = indicatorRows(form('2SP')).filter((r) => rowCodes(form('5SP')).has(r));
    const parts = await Promise.all([t.primA1, t.primA2].map(async (p) => (await live(p, '5SP', AS_OF, auth)).v));
    expect(pick(terr.v, rows)).toEqual(sumOf(parts, rows));
    expect(terr.v['10']).toBe(5);
  });

  it("the union-wide form equals the sum of the regions' 1SP", async () => {
    const auth = await authOf(t.central);
    const union = await live(t.central, 'UNION', AS_OF, auth);
    const rows = indicatorRows(form('UNION')).filter((r) => rowCodes(form('1SP')).has(r));
    const parts = await Promise.all([t.regionA, t.regionB].map(async (r) => (await live(r, '1SP', AS_OF, auth)).v));
    expect(pick(union.v, rows)).toEqual(sumOf(parts, rows));
    expect(union.v['10']).toBe(12);
  });

  describe('percentages in consolidated campaign reports', () => {
    let campaign: string;
    const submit = async (org: { id: string }, formCode: string, entered?: Record<string, number>) =>
      expectStatus(
        await step(org, formCode, 'submit', await authOf(org), { campaign, ...(entered ? { entered } : {}) }),
        200,
      );
    const accept = async (org: { id: string }, formCode: string, by: { id: string }) =>
      expectStatus(await step(org, formCode, 'accept', await authOf(by), { campaign }), 200);

    beforeAll(async () => {
      campaign = (await insertCampaign({ title: 'Отчёт на 01.11.2026', reportDate: AS_OF, deadline: '2026-12-31' })).id;
      // Coverage of working members: A1 3 of 4 (75 %), A2 1 of 10 (10 %), A3 3 of 20 (15 %).
      await submit(t.primA1, '5SP', { '01.v': 4, '06.v': 0, '4B.v': 1, '55.v': 2 });
      await submit(t.primA2, '5SP', { '01.v': 10, '06.v': 0, '4B.v': 0, '55.v': 0 });
      await submit(t.primA3, '5SP', { '01.v': 20, '06.v': 5, '4B.v': 0, '55.v': 1 });
      await accept(t.primA1, '5SP', t.terrA1);
      await accept(t.primA2, '5SP', t.terrA1);
      await accept(t.primA3, '5SP', t.terrA2);
      await submit(t.terrA1, '2SP');
      await submit(t.terrA2, '2SP');
      await accept(t.terrA1, '2SP', t.regionA);
      await accept(t.terrA2, '2SP', t.regionA);
    });

    it("a territorial 2SP's row 03 is pct(sum of 02, sum of 01), not the average of its primaries' percentages", async () => {
      const auth = await authOf(t.terrA1);
      const a1 = (await inCampaign(t.primA1, '5SP', campaign, auth)).v;
      const a2 = (await inCampaign(t.primA2, '5SP', campaign, auth)).v;
      expect([a1['03'], a2['03']]).toEqual([75, 10]);
      const terr = (await inCampaign(t.terrA1, '2SP', campaign, auth)).v;
      expect({ '01': terr['01'], '02': terr['02'] }).toEqual({ '01': 14, '02': 4 });
      expect(terr['03']).toBe(28.6); // 4 / 14
      expect(terr['03']).not.toBe((75 + 10) / 2);
    });

    it("a territorial 2SP's indicator and entered rows are the sums of its accepted children's rows", async () => {
      const auth = await authOf(t.terrA1);
      const rows = form('5SP')
        .sections.flatMap((s) => s.rows)
        .filter((r) => !('formula' in r.cells.v))
        .map((r) => r.code);
      const parts = [
        (await inCampaign(t.primA1, '5SP', campaign, auth)).v,
        (await inCampaign(t.primA2, '5SP', campaign, auth)).v,
      ];
      const terr = (await inCampaign(t.terrA1, '2SP', campaign, auth)).v;
      expect(pick(terr, rows)).toEqual(sumOf(parts, rows));
    });

    it("the region's 1SP recomputes 03 and 08 from its sums, two levels up", async () => {
      const res = await inCampaign(t.regionA, '1SP', campaign, await authOf(t.regionA));
      const v = res.v;
      expect(res.body.missingChildren).toEqual([]);
      expect({ '01': v['01'], '02': v['02'], '06': v['06'], '07': v['07'] }).toEqual({
        '01': 34,
        '02': 7,
        '06': 5,
        '07': 1,
      });
      expect(v['03']).toBe(pct(7, 34)); // 20.6
      expect(v['03']).toBe(20.6);
      expect(v['03']).not.toBe(Math.round(((28.6 + 15) / 2) * 10) / 10); // average of the territorials: 21.8
      expect(v['03']).not.toBe(Math.round(((75 + 10 + 15) / 3) * 10) / 10); // average of the primaries: 33.3
      expect(v['08']).toBe(20); // 1 / 5
    });
  });
});

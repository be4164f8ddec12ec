import { buildTree, useDb, type Tree } from '../helpers';
import { buildMember, buildOrg, type MemberSpec } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { loadShippedTemplates, templateByCode } from '../../src/modules/reports/reports.repo';
import { buildRollup, computeLive, definitionOf, type OrgLite } from '../../src/modules/reports/figures';
import { addPosition } from './support';

useDb();

const AS_OF = '2026-06-30';

/** Rollups serve the same figures as the live computation, from stored rows. */
describe('indicator rollups', () => {
  let t: Tree;
  let n = 0;
  const m = (spec: Partial<MemberSpec> & { org: { id: string } }) => {
    n += 1;
    return buildMember({
      gender: n % 2 ? 'FEMALE' : 'MALE',
      birthDate: new Date(Date.UTC(1960 + (n % 40), n % 12, 1 + (n % 27))).toISOString().slice(0, 10),
      joinedAt: '2015-09-01',
      category: 'WORKING',
      ...spec,
    });
  };
  const org = async (o: { id: string }): Promise<OrgLite> =>
    db().organisation.findUniqueOrThrow({ where: { id: o.id } });
  const def = async (code: string) => definitionOf((await templateByCode(code))!);

  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    const group = await buildOrg(t.primB1, 'PROFGROUP', { name: 'Профгруппа Б1' });
    for (const o of [t.primA1, t.primA1, t.buroA1, t.primA2, t.primA3, t.primA3, t.primB1, group]) await m({ org: o });
    await m({ org: t.primA2, category: 'STUDENT' });
    await m({ org: t.primB1, category: 'PENSIONER', joinedAt: '2026-01-15' });
    await m({ org: t.primA3, exit: { date: '2026-03-01', kind: 'EXIT_VOLUNTARY' } });
    await m({ org: t.primA2, transferredFrom: t.primB1, registeredAt: '2026-02-01' });
    const chair = await m({ org: t.primA1 });
    await addPosition(chair.personId, t.primA1, 'CHAIR', '2019-01-01', { isPaid: true });
    const staff = await m({ org: t.primA3 });
    await addPosition(staff.personId, t.regionA, 'STAFF', '2020-01-01', { isPaid: true });
  });

  it('stores one row per reporting organisation (not for профбюро or профгруппы)', async () => {
    expect(await buildRollup(await org(t.central), AS_OF)).toBe(10);
    const rows = await db().indicatorRollup.findMany({ where: { asOf: new Date(`${AS_OF}T00:00:00Z`) } });
    expect(rows.map((r) => r.organisationId)).not.toContain(t.buroA1.id);
    expect(rows).toHaveLength(10);
  });

  it.each([
    ['the central council', 'central', 'UNION'],
    ['a region', 'regionA', '1SP'],
    ['another region', 'regionB', '1SP'],
    ['a territorial organisation', 'terrA1', '2SP'],
  ] as const)('%s: computeLive from the rollup equals computeLive from the registry', async (_label, key, code) => {
    await buildRollup(await org(t.central), AS_OF);
    const o = await org(t[key]);
    const d = await def(code);
    const fromRegistry = await computeLive(o, d, AS_OF);
    const fromRollup = await computeLive(o, d, AS_OF, { fromRollup: true });
    expect(fromRollup).toEqual(fromRegistry);
    expect(fromRegistry['10.v']).toBeGreaterThan(0);
  });

  it('the union figures are what the registry holds (not zeros)', async () => {
    await buildRollup(await org(t.central), AS_OF);
    const v = await computeLive(await org(t.central), await def('UNION'), AS_OF, { fromRollup: true });
    // 13 registered on the date (the leaver exited in March); 1 pensioner joined in 2026; 1 transfer between regions.
    expect({
      total: v['10.v'],
      students: v['07.v'],
      pensioners: v['09.v'],
      admitted: v['20.v'],
      exits: v['21.v'],
      chairs: v['40.v'],
      staff: v['56.v'],
      groups: v['33.v'],
    }).toEqual({ total: 13, students: 1, pensioners: 1, admitted: 1, exits: 1, chairs: 1, staff: 1, groups: 1 });
    // A transfer between two organisations of the union is in and out at once.
    expect(v['27.v']).toBe(v['28.v']);
  });

  it('is really read from the stored rows: stale after a registry change until rebuilt', async () => {
    const central = await org(t.central);
    const region = await org(t.regionA);
    const d = await def('1SP');
    await buildRollup(central, AS_OF);
    const before = await computeLive(region, d, AS_OF, { fromRollup: true });
    await m({ org: t.primA1, joinedAt: '2016-01-01' });
    const stale = await computeLive(region, d, AS_OF, { fromRollup: true });
    const fresh = await computeLive(region, d, AS_OF);
    expect(stale['10.v']).toBe(before['10.v']);
    expect(fresh['10.v']).toBe(before['10.v']! + 1);
    await buildRollup(central, AS_OF);
    expect(await computeLive(region, d, AS_OF, { fromRollup: true })).toEqual(await computeLive(region, d, AS_OF));
  });

  it('a rollup of one date does not serve another date', async () => {
    await buildRollup(await org(t.central), AS_OF);
    const region = await org(t.regionA);
    const d = await def('1SP');
    const other = '2026-01-10';
    expect(await computeLive(region, d, other, { fromRollup: true })).toEqual(await computeLive(region, d, other));
    expect([(await computeLive(region, d, other))['27.v'], (await computeLive(region, d, AS_OF))['27.v']]).toEqual([
      0, 1,
    ]);
  });
});

import { buildMembers } from '../../src/seed/builders.repo';
import { countAndGroups, rows, type Params } from '../../src/modules/custom/custom.repo';
import { db } from '../../src/db';
import { api, bearer, buildTree, useDb, userWith, type Tree } from '../helpers';
import { bulkCategory } from '../../src/modules/members/bulk.service';
import { userActor } from '../../src/policy/actor';

useDb();

/**
 * A custom report's count of members on a date reads the copies on Registration (gender, birth date, card periods,
 * category of the period); its list joins Member, Person and Card. For every filter and date the two must agree.
 */
describe('custom report: the count agrees with the list', () => {
  let t: Tree;
  beforeAll(async () => {
    t = await buildTree();
    const orgs = [t.primA1, t.buroA1, t.primA2, t.primA3, t.primB1];
    const made = await buildMembers(
      Array.from({ length: 60 }, (_, i) => ({
        org: orgs[i % orgs.length],
        lastName: `Проверкина${'абвгдежзик'[i % 10]}${'лмнопрстуф'[Math.floor(i / 10)]}`,
        firstName: 'Анна',
        birthDate: new Date(Date.UTC(1955 + ((i * 7) % 50), i % 12, 1 + (i % 27))).toISOString().slice(0, 10),
        gender: i % 3 === 0 ? ('MALE' as const) : ('FEMALE' as const),
        category: (['WORKING', 'STUDENT', 'PENSIONER'] as const)[i % 3],
        joinedAt: new Date(Date.UTC(2012 + (i % 12), (i * 5) % 12, 1)).toISOString().slice(0, 10),
        consents: { bonusProgramme: i % 4 === 0, messaging: i % 5 === 0 },
        ...(i % 11 === 0 ? { exit: { date: '2025-02-01', kind: 'EXIT_VOLUNTARY' as const } } : {}),
      })),
    );
    for (const [i, m] of made.entries()) {
      if (i % 2)
        await db().card.create({
          data: {
            number: `9634${String(i).padStart(11, '0')}0`,
            memberId: m.memberId,
            form: i % 6 === 1 ? 'VIRTUAL' : 'PLASTIC',
            status: i % 7 === 1 ? 'BLOCKED' : 'ISSUED',
            issuedAt: new Date(`202${3 + (i % 3)}-03-01T00:00:00Z`),
            blockedAt: i % 7 === 1 ? new Date('2025-06-01T00:00:00Z') : null,
          },
        });
    }
    // Category changed on a date and a transfer: the period on the date decides.
    const admin = await bearer((await userWith('CHAIR', t.central)).id);
    const chair = await userWith('CHAIR', t.central);
    const changed = await bulkCategory(
      userActor(chair.id, 'session'),
      t.central.id,
      made.slice(1, 7).map((m) => m.memberId),
      'PENSIONER',
      '2025-01-15',
    );
    expect(changed).toBeGreaterThanOrEqual(3);
    expect(
      (
        await api()
          .post(`/api/v1/members/${made[7].memberId}/transfer`)
          .set('Authorization', admin)
          .send({ toOrgId: t.primB1.id, date: '2025-01-15' })
      ).status,
    ).toBe(200);
    expect(await db().registration.count({ where: { startKind: 'CATEGORY_CHANGE' } })).toBeGreaterThanOrEqual(3);
  });

  const filters: [string, Partial<Params>][] = [
    ['all', {}],
    ['women', { gender: 'FEMALE' }],
    ['under 35', { age: 'under35' }],
    ['35 to 55', { age: '35to55' }],
    ['over 55', { age: 'over55' }],
    ['students', { category: 'STUDENT' }],
    ['pensioners', { category: 'PENSIONER' }],
    ['with a card', { card: 'yes' }],
    ['without a card', { card: 'no' }],
    ['bonus consent', { consent: 'bonus' }],
    ['messaging consent', { consent: 'messaging' }],
    ['schools (OO)', { institutionType: 'OO' }],
    ['joined 2015–2019', { joinedFrom: '2015-01-01', joinedTo: '2019-12-31' }],
    ['women with a card over 55', { gender: 'FEMALE', card: 'yes', age: 'over55' }],
  ];
  it.each(filters)('%s', async (_label, f) => {
    for (const asOf of ['2024-06-01', '2025-01-14', '2025-01-15', '2025-06-01', '2026-01-01']) {
      for (const scope of [t.central, t.regionA, t.primA1]) {
        const prm: Params = { subject: 'members', asOf, columns: ['name'], group: true, ...f };
        const { total, groups } = await countAndGroups(scope.path, scope.depth, prm);
        const listed = await rows(scope.path, prm, 100_000);
        expect({ asOf, scope: scope.name, total }).toEqual({ asOf, scope: scope.name, total: listed.length });
        expect(groups.reduce((s, g) => s + g.n, 0)).toBe(total);
      }
    }
  });
});

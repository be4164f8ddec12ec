/**
 * The organisation row read in plain SQL on nearly every page (findVisible) is the same object the ORM returns:
 * every column, enums as text, dates as the same instants; a malformed id is simply not found.
 */
import { db } from '../../src/db';
import { ancestors, childrenPage, findVisible } from '../../src/modules/organisations/organisations.repo';
import { SYSTEM_ACTOR } from '../../src/policy/actor';
import { buildOrg } from '../../src/seed/builders.repo';
import { buildTree, useDb, type Tree } from '../helpers';

useDb();

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
});

describe('findVisible in plain SQL', () => {
  it('equals the ORM row, with dates, enums and nulls', async () => {
    const org = await buildOrg(t.terrA1, 'PRIMARY', { name: 'ППО «Ёлочка»', institutionType: 'POO' });
    await db().organisation.update({
      where: { id: org.id },
      data: {
        foundedAt: new Date('1991-12-31T00:00:00Z'),
        excludedAt: new Date('2026-01-01T00:00:00Z'),
        excludedReason: 'ликвидация',
        status: 'EXCLUDED',
        employeesCount: 42,
        shortName: 'Ёлочка',
      },
    });
    const orm = await db().organisation.findUniqueOrThrow({ where: { id: org.id } });
    const sql = await findVisible(SYSTEM_ACTOR, org.id);
    expect(sql).toEqual(orm);
    expect(sql!.foundedAt!.toISOString()).toBe('1991-12-31T00:00:00.000Z');
  });

  it('a bad or unknown id, or one outside the caller’s subtree, is not found', async () => {
    expect(await findVisible(SYSTEM_ACTOR, 'not-a-uuid')).toBeNull();
    expect(await findVisible(SYSTEM_ACTOR, '00000000-0000-4000-8000-000000000000')).toBeNull();
    const chairOfB = {
      ...SYSTEM_ACTOR,
      kind: 'user' as const,
      assignments: [
        {
          id: 'x',
          role: 'CHAIR' as const,
          organisationId: t.regionB.id,
          orgPath: t.regionB.path,
          orgKind: 'REGIONAL' as const,
          orgName: 'B',
        },
      ],
    };
    expect(await findVisible(chairOfB, t.primA1.id)).toBeNull();
    expect((await findVisible(chairOfB, t.primB1.id))?.id).toBe(t.primB1.id);
    const up = await ancestors(chairOfB, (await findVisible(chairOfB, t.primB1.id))!);
    expect(up.map((a) => [a.id, a.visible])).toEqual([
      [t.central.id, false],
      [t.regionB.id, true],
      [t.terrB1.id, true],
    ]);
  });
});

describe('childrenPage in plain SQL', () => {
  it('equals the ORM’s page of children by name, with the count, the excluded only when asked, past the end too', async () => {
    const parent = await buildOrg(t.terrA2, 'TERRITORIAL', { name: 'Родитель' });
    for (const name of ['Яблонька', 'Ёлочка', 'Берёзка', 'Аист']) await buildOrg(parent, 'PRIMARY', { name });
    const gone = await buildOrg(parent, 'PRIMARY', { name: 'Вишенка' });
    await db().organisation.update({
      where: { id: gone.id },
      data: { status: 'EXCLUDED', excludedAt: new Date('2025-01-01T00:00:00Z') },
    });
    const row = (await findVisible(SYSTEM_ACTOR, parent.id))!;
    const orm = (all: boolean) =>
      db().organisation.findMany({
        where: { parentId: parent.id, ...(all ? {} : { status: 'ACTIVE' as const }) },
        orderBy: { nameKey: 'asc' },
      });
    const first = await childrenPage(SYSTEM_ACTOR, row, { page: 1, pageSize: 3 });
    const second = await childrenPage(SYSTEM_ACTOR, row, { page: 2, pageSize: 3 });
    expect([...first.items, ...second.items]).toEqual(await orm(false));
    expect(first.items.map((o) => o.name)).toEqual(['Аист', 'Берёзка', 'Ёлочка']);
    expect([first.total, second.total]).toEqual([4, 4]);
    const withExcluded = await childrenPage(SYSTEM_ACTOR, row, { page: 1, pageSize: 10, includeExcluded: true });
    expect(withExcluded).toEqual({ items: await orm(true), total: 5 });
    expect(await childrenPage(SYSTEM_ACTOR, row, { page: 9, pageSize: 3 })).toEqual({ items: [], total: 4 });
  });
});

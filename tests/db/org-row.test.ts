/**
 * The organisation row read in plain SQL on nearly every page (findVisible) is the same object the ORM returns:
 * every column, enums as text, dates as the same instants; a malformed id is simply not found.
 */
import { db } from '../../src/db';
import { findVisible, ancestors } from '../../src/modules/organisations/organisations.repo';
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

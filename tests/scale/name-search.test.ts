import { db } from '../../src/db';
import { buildMember } from '../../src/seed/builders.repo';
import { listMembers } from '../../src/modules/members/list.repo';
import { nameKey } from '../../src/lib/names';
import { today } from '../../src/lib/dates';
import { buildTree, useDb, type Tree } from '../helpers';

useDb();

/**
 * A surname search in a region or the union reads the copies of the person's name on Registration (one index
 * range): the copies are made with the registration and follow a correction of the person's name, so the search
 * finds the person by the new surname only, in their region and not in another one.
 */
describe('surname search over the name copies on registrations', () => {
  let t: Tree;
  beforeAll(async () => {
    t = await buildTree();
  });

  const search = (path: string, q: string) =>
    listMembers(path, { page: 1, pageSize: 50, sort: 'name', asOf: today(), q });

  it('finds by the copied name in the union and the region, and follows a correction of the surname', async () => {
    const m = await buildMember({ org: t.buroA1, lastName: 'Копиева', firstName: 'Ёлка', middleName: 'Ивановна' });
    await buildMember({ org: t.primB1, lastName: 'Копиева', firstName: 'Анна' });
    const reg = await db().registration.findFirstOrThrow({ where: { memberId: m.memberId } });
    expect([reg.lastNameKey, reg.firstName, reg.middleName]).toEqual(['КОПИЕВА', 'Ёлка', 'Ивановна']);
    expect((await search(t.central.path, 'копиев')).total).toBe(2);
    expect((await search(t.regionA.path, 'Копиева')).rows.map((r) => r.memberId)).toEqual([m.memberId]);

    await db().person.update({
      where: { id: m.personId },
      data: { lastName: 'Переименова', lastNameKey: nameKey('Переименова') },
    });
    expect((await search(t.regionA.path, 'Копиева')).total).toBe(0);
    expect((await search(t.central.path, 'Копиева')).total).toBe(1);
    const found = await search(t.regionA.path, 'переим');
    expect(found.rows.map((r) => r.memberId)).toEqual([m.memberId]);
    expect((await search(t.regionB.path, 'переим')).total).toBe(0);
  });
});

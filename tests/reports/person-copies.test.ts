import { buildTree, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { unitIndicators } from '../../src/modules/reports/indicators.repo';

useDb();

/** Statistics read gender and birth date from Registration; triggers must keep those copies right. */
describe("the person's gender and birth date copied onto registrations", () => {
  let t: Tree;
  beforeAll(async () => {
    t = await buildTree();
  });

  it('fills the copies when a registration is written and follows a later correction of the person', async () => {
    const m = await buildMember({ org: t.primA2, gender: 'MALE', birthDate: '1960-01-01', joinedAt: '2000-01-01' });
    const reg = await db().registration.findFirstOrThrow({ where: { memberId: m.memberId } });
    expect(reg.gender).toBe('MALE');
    expect(reg.birthDate?.toISOString().slice(0, 10)).toBe('1960-01-01');
    const before = (await unitIndicators({ unitIds: [t.primA2.id] }, '2025-01-01')).get(t.primA2.id)!;
    await db().person.update({
      where: { id: m.personId },
      data: { gender: 'FEMALE', birthDate: new Date('1995-01-01T00:00:00Z') },
    });
    const after = (await unitIndicators({ unitIds: [t.primA2.id] }, '2025-01-01')).get(t.primA2.id)!;
    expect((after.members_women ?? 0) - (before.members_women ?? 0)).toBe(1);
    expect((after.members_youth ?? 0) - (before.members_youth ?? 0)).toBe(1);
  });

  it('gives a new registration period (transfer, category change) the copies too', async () => {
    const m = await buildMember({ org: t.primA1, gender: 'FEMALE', birthDate: '1990-05-05', joinedAt: '2010-01-01' });
    await db().registration.create({
      data: {
        memberId: m.memberId,
        organisationId: t.primA3.id,
        category: 'WORKING',
        validFrom: new Date('2005-01-01T00:00:00Z'),
        validTo: new Date('2009-01-01T00:00:00Z'),
        startKind: 'TRANSFER_IN',
      },
    });
    const regs = await db().registration.findMany({ where: { memberId: m.memberId } });
    expect(regs.every((r) => r.gender === 'FEMALE' && r.birthDate?.toISOString().startsWith('1990-05-05'))).toBe(true);
  });
});

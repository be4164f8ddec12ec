import { buildTree, loginAs, useDb, userWith } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';

useDb();

describe("a member's page shows no position held outside the caller's scope", () => {
  it('the position in another region is absent (no organisation name, no id); the one inside is shown', async () => {
    const t = await buildTree();
    const m = await buildMember({ org: t.primA1, lastName: 'Активистова' });
    await db().position.createMany({
      data: [
        { personId: m.personId, organisationId: t.primA1.id, kind: 'CHAIR', startDate: new Date('2020-01-01') },
        {
          personId: m.personId,
          organisationId: t.regionB.id,
          kind: 'AUDIT_COMMISSION_MEMBER',
          startDate: new Date('2021-01-01'),
        },
      ],
    });
    const outside = await db().position.findFirstOrThrow({ where: { organisationId: t.regionB.id } });
    const chair = await loginAs((await userWith('CHAIR', t.primA1, { ndaAccepted: true })).login);
    const res = await chair.get(`/members/${m.memberId}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('ППО школы А1');
    expect(res.text).not.toContain('Региональная Б');
    expect(res.text).not.toContain(t.regionB.id);
    expect(res.text).not.toContain(outside.id);
    // The central council sees both.
    const central = await loginAs((await userWith('CHAIR', t.central, { ndaAccepted: true })).login);
    expect((await central.get(`/members/${m.memberId}`)).text).toContain('Региональная Б');
  });
});

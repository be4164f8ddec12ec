import type request from 'supertest';
import { buildMember, buildOrg } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { bearer, buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';

useDb();

/**
 * The dashboard's list of primary organisations with no member on the date: a primary counts as having members
 * when anyone is registered anywhere in its subtree (its профбюро, or the ППО inside a university with
 * territorial rights); excluded organisations are not listed; the organisation itself is not listed on its own page.
 */
describe('primary organisations without members on the dashboard', () => {
  let t: Tree;
  let agent: request.Agent;
  const listed = async (orgId: string, asOf?: string) => {
    const res = await agent.get(`/orgs/${orgId}${asOf ? `?asOf=${asOf}` : ''}`);
    expect(res.status).toBe(200);
    const block = /не внёсшие членов Профсоюза<\/h2>\s*<ul>([\s\S]*?)<\/ul>/.exec(res.text)?.[1] ?? '';
    return [...block.matchAll(/<a href="\/orgs\/([^"]+)">/g)].map((m) => m[1]).sort();
  };

  beforeAll(async () => {
    t = await buildTree();
    await buildMember({ org: t.buroA1, joinedAt: '2020-01-01' }); // primA1's only member sits in its профбюро
    await buildMember({ org: t.primB1, joinedAt: '2025-06-01' }); // primB1 has members only from 01.06.2025
    // A university with territorial rights whose members all sit in the ППО inside it: it is not "without members".
    const uni = await buildOrg(t.terrA2, 'PRIMARY', {
      name: 'ППО университета',
      institutionType: 'OOVO',
      hasTerritorialRights: true,
    });
    const inner = await buildOrg(uni, 'PRIMARY', { name: 'ППО института', institutionType: 'OOVO' });
    await buildMember({ org: inner, joinedAt: '2020-01-01' });
    // An excluded primary is neither counted nor listed.
    const closed = await buildOrg(t.terrA2, 'PRIMARY', { name: 'ППО закрытой школы', institutionType: 'OO' });
    await db().organisation.update({
      where: { id: closed.id },
      data: { status: 'EXCLUDED', excludedAt: new Date('2024-01-01T00:00:00Z') },
    });
    agent = await loginAs((await userWith('CHAIR', t.central)).login);
  });

  it('lists only the primaries whose whole subtree has nobody on the date', async () => {
    expect(await listed(t.central.id, '2025-01-01')).toEqual([t.primA2.id, t.primA3.id, t.primB1.id].sort());
    expect(await listed(t.central.id, '2025-06-01')).toEqual([t.primA2.id, t.primA3.id].sort());
    expect(await listed(t.terrA2.id, '2025-06-01')).toEqual([t.primA3.id]);
  });

  it('the counts agree with the list: primary organisations and those without members, per child', async () => {
    const s = (
      await agent
        .get(`/api/v1/orgs/${t.terrA2.id}/summary`)
        .query({ asOf: '2025-06-01' })
        .set('Authorization', await bearer((await userWith('CHAIR', t.central)).id))
    ).body;
    expect({ primaryOrgs: s.primaryOrgs, primaryOrgsWithoutMembers: s.primaryOrgsWithoutMembers }).toEqual({
      primaryOrgs: 3,
      primaryOrgsWithoutMembers: 1,
    });
  });
});

import type request from 'supertest';
import { buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { today } from '../../src/lib/dates';

useDb();

/**
 * Between branches a member moves only when the member's organisation (its chair, or a chair above it up to
 * the common ancestor) approves a request of the receiving organisation; the duplicate check tells the
 * receiving side nothing beyond "a member elsewhere".
 */
describe('transfer between branches is a request', () => {
  let t: Tree;
  let chairA1: request.Agent;
  let chairB1: request.Agent;
  let chairA2: request.Agent;
  let chairRegionA: request.Agent;
  const person = { lastName: 'Переводова', firstName: 'Мария', middleName: 'Петровна', birthDate: '1980-04-05' };
  let memberId: string;
  const form = (_org: { id: string }) => ({
    ...person,
    birthDate: '05.04.1980',
    category: 'WORKING',
    joinedAt: today(),
    consentProcessing: 'on',
    transferDate: today(),
  });

  beforeAll(async () => {
    t = await buildTree();
    memberId = (await buildMember({ org: t.primA1, ...person, joinedAt: '2010-01-01' })).memberId;
    chairA1 = await loginAs((await userWith('CHAIR', t.primA1, { ndaAccepted: true })).login);
    chairB1 = await loginAs((await userWith('CHAIR', t.primB1, { ndaAccepted: true })).login);
    chairA2 = await loginAs((await userWith('CHAIR', t.primA2, { ndaAccepted: true })).login);
    chairRegionA = await loginAs((await userWith('CHAIR', t.regionA, { ndaAccepted: true })).login);
  });

  const newPage = (org: { id: string }) => `/orgs/${org.id}/members/new`;

  it('the duplicate warning in another region says only "in another organisation": no name of it, no id', async () => {
    const res = await postForm(chairB1, newPage(t.primB1), newPage(t.primB1), form(t.primB1));
    expect(res.status).toBe(409);
    expect(res.text).toContain('Такой человек уже состоит в Профсоюзе в другой организации');
    expect(res.text).not.toContain('ППО школы А1');
    expect(res.text).not.toContain(memberId);
    expect(res.text).not.toContain(t.primA1.id);
    expect(res.text).toContain('Запросить перевод');
  });

  it('"transfer here" from another region moves nobody: it files a request', async () => {
    const res = await postForm(chairB1, newPage(t.primB1), `/orgs/${t.primB1.id}/members/transfer-in`, form(t.primB1));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/transfer-requests');
    expect((await db().member.findUniqueOrThrow({ where: { id: memberId } })).organisationId).toBe(t.primA1.id);
    const r = await db().transferRequest.findFirstOrThrow({ where: { memberId } });
    expect(r).toMatchObject({ status: 'PENDING', fromOrgId: t.primA1.id, toOrgId: t.primB1.id });
    expect(await db().auditLog.count({ where: { action: 'transfer.requested', entityId: r.id } })).toBe(1);
    // The asking side's list does not name where the member is.
    const list = await chairB1.get('/transfer-requests');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Переводова');
    expect(list.text).not.toContain('ППО школы А1');
    // A second request for the same member waits for the first.
    const again = await postForm(
      chairB1,
      newPage(t.primB1),
      `/orgs/${t.primB1.id}/members/transfer-in`,
      form(t.primB1),
    );
    expect(again.status).toBe(409);
    expect(await db().transferRequest.count({ where: { memberId } })).toBe(1);
  });

  it('neither the asking chair nor a chair of a sibling branch can approve it (404)', async () => {
    const r = await db().transferRequest.findFirstOrThrow({ where: { memberId } });
    for (const agent of [chairB1, chairA2]) {
      const res = await postForm(agent, '/transfer-requests', `/transfer-requests/${r.id}/approve`, {});
      expect(res.status).toBe(404);
    }
    expect((await db().transferRequest.findUniqueOrThrow({ where: { id: r.id } })).status).toBe('PENDING');
  });

  it("the member's chair sees it among incoming requests and approves: the member moves, audited", async () => {
    const start = await chairA1.get(`/orgs/${t.primA1.id}`);
    expect(start.text).toContain('/transfer-requests');
    const list = await chairA1.get('/transfer-requests');
    expect(list.text).toContain('Переводова');
    expect(list.text).toContain('Одобрить перевод');
    const r = await db().transferRequest.findFirstOrThrow({ where: { memberId } });
    const res = await postForm(chairA1, '/transfer-requests', `/transfer-requests/${r.id}/approve`, {});
    expect(res.status).toBe(303);
    expect((await db().member.findUniqueOrThrow({ where: { id: memberId } })).organisationId).toBe(t.primB1.id);
    expect((await db().transferRequest.findUniqueOrThrow({ where: { id: r.id } })).status).toBe('APPROVED');
    expect(await db().auditLog.count({ where: { action: 'transfer.approved', entityId: r.id } })).toBe(1);
    // Deciding twice does nothing more.
    const twice = await postForm(chairA1, '/transfer-requests', `/transfer-requests/${r.id}/approve`, {});
    expect(twice.status).toBe(303);
    expect(await db().auditLog.count({ where: { action: 'transfer.approved', entityId: r.id } })).toBe(1);
  });

  it('a chair above the member (common ancestor side) may decline; the member stays', async () => {
    const other = { lastName: 'Остающаяся', firstName: 'Нина', middleName: null, birthDate: '1975-02-03' };
    const m = (await buildMember({ org: t.primA3, ...other, joinedAt: '2010-01-01' })).memberId;
    const res = await postForm(chairB1, newPage(t.primB1), `/orgs/${t.primB1.id}/members/transfer-in`, {
      ...form(t.primB1),
      lastName: other.lastName,
      firstName: other.firstName,
      middleName: '',
      birthDate: '03.02.1975',
    });
    expect(res.status).toBe(303);
    const r = await db().transferRequest.findFirstOrThrow({ where: { memberId: m } });
    const d = await postForm(chairRegionA, '/transfer-requests', `/transfer-requests/${r.id}/decline`, {});
    expect(d.status).toBe(303);
    expect((await db().transferRequest.findUniqueOrThrow({ where: { id: r.id } })).status).toBe('DECLINED');
    expect((await db().member.findUniqueOrThrow({ where: { id: m } })).organisationId).toBe(t.primA3.id);
    expect(await db().auditLog.count({ where: { action: 'transfer.declined', entityId: r.id } })).toBe(1);
  });

  it('within the caller’s own subtree the transfer stays direct', async () => {
    const chairTerr = await loginAs((await userWith('CHAIR', t.terrA1, { ndaAccepted: true })).login);
    const p = { lastName: 'Соседкина', firstName: 'Ольга', middleName: null, birthDate: '1985-06-07' };
    const m = (await buildMember({ org: t.primA1, ...p, joinedAt: '2010-01-01' })).memberId;
    const res = await postForm(chairTerr, newPage(t.primA2), `/orgs/${t.primA2.id}/members/transfer-in`, {
      ...form(t.primA2),
      lastName: p.lastName,
      firstName: p.firstName,
      middleName: '',
      birthDate: '07.06.1985',
    });
    expect(res.status).toBe(303);
    expect((await db().member.findUniqueOrThrow({ where: { id: m } })).organisationId).toBe(t.primA2.id);
    expect(await db().transferRequest.count({ where: { memberId: m } })).toBe(0);
  });
});

/**
 * Users provisioned by programs: POST /api/v1/users (the right at every assigned organisation), GET, disable
 * (sessions and tokens end at once).
 */
import { api, bearer, buildTree, loginAs, PASSWORD, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';

useDb();

let t: Tree;
let chair: { id: string };
beforeAll(async () => {
  t = await buildTree();
  chair = await userWith('CHAIR', t.regionA);
});

const provision = async (by: { id: string }, body: Record<string, unknown>) =>
  api()
    .post('/api/v1/users')
    .set('Authorization', await bearer(by.id))
    .send(body);

describe('POST /api/v1/users', () => {
  it('creates the user with every assignment; the new user can sign in', async () => {
    const res = await provision(chair, {
      login: 'Chair.Prim-A1',
      fullName: 'Иванова Анна Петровна',
      password: PASSWORD,
      assignments: [
        { organisationId: t.primA1.id, role: 'CHAIR' },
        { organisationId: t.primA2.id, role: 'VIEWER' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), login: 'chair.prim-a1' });
    const roles = await db().roleAssignment.findMany({ where: { userId: res.body.id } });
    expect(roles.map((r) => r.role).sort()).toEqual(['CHAIR', 'VIEWER']);
    await loginAs('chair.prim-a1');
    const got = await api()
      .get(`/api/v1/users/${res.body.id}`)
      .set('Authorization', await bearer(chair.id));
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ login: 'chair.prim-a1', active: true });
    expect(got.body.assignments).toHaveLength(2);
  });

  it('answers 404 outside the subtree, 403 without the right, 409 for a taken login, 400 for a weak password', async () => {
    const viewer = await userWith('VIEWER', t.regionA);
    const body = (orgId: string, login: string, password = PASSWORD) => ({
      login,
      fullName: 'Петров Пётр',
      password,
      assignments: [{ organisationId: orgId, role: 'CHAIR' }],
    });
    expect((await provision(chair, body(t.primB1.id, 'outside-b1'))).status).toBe(404);
    // One organisation outside among several: nothing is created.
    const mixed = await provision(chair, {
      ...body(t.primA1.id, 'mixed-one'),
      assignments: [
        { organisationId: t.primA1.id, role: 'CHAIR' },
        { organisationId: t.primB1.id, role: 'CHAIR' },
      ],
    });
    expect(mixed.status).toBe(404);
    expect(await db().user.count({ where: { login: 'mixed-one' } })).toBe(0);
    expect((await provision(viewer, body(t.primA1.id, 'by-viewer'))).status).toBe(403);
    expect((await provision(chair, body(t.primA1.id, 'first-login'))).status).toBe(201);
    const dup = await provision(chair, body(t.primA3.id, 'first-login'));
    expect(dup.status).toBe(409);
    const weak = await provision(chair, body(t.primA3.id, 'weak-one', '12345'));
    expect(weak.status).toBe(400);
    expect(weak.body.error.fields.password).toBeTruthy();
    const wrongKind = await provision(chair, {
      ...body(t.primA1.id, 'wrong-kind'),
      assignments: [{ organisationId: t.primA1.id, role: 'SUBUNIT_CHAIR' }],
    });
    expect(wrongKind.status).toBe(400);
    expect(await db().user.count({ where: { login: { in: ['by-viewer', 'weak-one', 'wrong-kind'] } } })).toBe(0);
  });
});

describe('POST /api/v1/users/:id/disable', () => {
  it('ends the user’s sessions and tokens at once', async () => {
    const target = await userWith('REGISTRAR', t.primA3);
    const token = await bearer(target.id);
    const agent = await loginAs(target.login);
    expect((await api().get('/api/v1/me').set('Authorization', token)).status).toBe(200);
    const res = await api()
      .post(`/api/v1/users/${target.id}/disable`)
      .set('Authorization', await bearer(chair.id));
    expect(res.status).toBe(200);
    expect((await api().get('/api/v1/me').set('Authorization', token)).status).toBe(401);
    const page = await agent.get('/profile');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login');
    expect(await db().apiToken.count({ where: { userId: target.id, revokedAt: null } })).toBe(0);
  });

  it('is 404 for a user of another branch and 403 for a colleague who also works elsewhere', async () => {
    const other = await userWith('CHAIR', t.primB1);
    const r = await api()
      .post(`/api/v1/users/${other.id}/disable`)
      .set('Authorization', await bearer(chair.id));
    expect(r.status).toBe(404);
    const both = await userWith('CHAIR', t.primA1);
    await db().roleAssignment.create({
      data: { userId: both.id, organisationId: t.primB1.id, role: 'VIEWER', startsOn: new Date('2020-01-01') },
    });
    const r2 = await api()
      .post(`/api/v1/users/${both.id}/disable`)
      .set('Authorization', await bearer(chair.id));
    expect(r2.status).toBe(403);
    expect((await db().user.findUniqueOrThrow({ where: { id: both.id } })).active).toBe(true);
  });
});

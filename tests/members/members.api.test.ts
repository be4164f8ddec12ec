import { api, bearer, buildTree, useDb, userWith, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';

useDb();

describe('members API', () => {
  let t: Tree;
  let auth: string;
  beforeAll(async () => {
    t = await buildTree();
    const chair = await userWith('CHAIR', t.primA1);
    auth = await bearer(chair.id);
  });

  const body = (over: Record<string, unknown> = {}) => ({
    lastName: 'Петрова',
    firstName: 'Анна',
    middleName: 'Сергеевна',
    birthDate: '1985-03-14',
    category: 'WORKING',
    joinedAt: '2010-09-01',
    consents: { processing: true },
    ...over,
  });

  it('registers a member and reads it back', async () => {
    const res = await api().post(`/api/v1/orgs/${t.primA1.id}/members`).set('Authorization', auth).send(body());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      lastName: 'Петрова',
      category: 'WORKING',
      organisationId: t.primA1.id,
      version: 1,
    });
    const get = await api().get(`/api/v1/members/${res.body.id}`).set('Authorization', auth);
    expect(get.status).toBe(200);
    expect(get.body.birthDate).toBe('1985-03-14');
  });

  it('answers 409 DUPLICATE_PERSON for the same person typed differently (case, Ё, spaces)', async () => {
    await api()
      .post(`/api/v1/orgs/${t.primA1.id}/members`)
      .set('Authorization', auth)
      .send(body({ lastName: 'Семёнова', firstName: 'Ольга', birthDate: '1990-01-02' }));
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/members`)
      .set('Authorization', auth)
      .send(body({ lastName: '  СЕМЕНОВА ', firstName: 'ольга', birthDate: '1990-01-02' }));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('DUPLICATE_PERSON');
    expect(res.body.error.existing.memberId).toBeDefined();
  });

  it('does not name the other organisation when the caller cannot see it', async () => {
    const there = await buildMember({
      org: t.primB1,
      lastName: 'Кузнецова',
      firstName: 'Вера',
      middleName: 'Ивановна',
      birthDate: '1970-05-05',
    });
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/members`)
      .set('Authorization', auth)
      .send(body({ lastName: 'Кузнецова', firstName: 'Вера', middleName: 'Ивановна', birthDate: '1970-05-05' }));
    expect(res.status).toBe(409);
    expect(res.body.error.existing.organisationId).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain('Б1');
    // The member id the contract keeps is a stand-in outside the caller's scope, the real one inside it.
    expect(res.body.error.existing.memberId).not.toBe(there.memberId);
    expect(JSON.stringify(res.body)).not.toContain(there.memberId);
    const central = await bearer((await userWith('CHAIR', t.central)).id);
    const inside = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/members`)
      .set('Authorization', central)
      .send(body({ lastName: 'Кузнецова', firstName: 'Вера', middleName: 'Ивановна', birthDate: '1970-05-05' }));
    expect(inside.status).toBe(409);
    expect(inside.body.error.existing).toMatchObject({ memberId: there.memberId, organisationId: t.primB1.id });
  });

  it('refuses registration without consent to processing with 422', async () => {
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/members`)
      .set('Authorization', auth)
      .send(body({ lastName: 'Безсогласия', consents: { processing: false } }));
    expect(res.status).toBe(422);
  });

  it('lists every field error in Russian with 400', async () => {
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/members`)
      .set('Authorization', auth)
      .send({
        lastName: 'Ivanov',
        firstName: '',
        birthDate: '31.02.1990',
        category: 'BOSS',
        joinedAt: 'вчера',
        consents: { processing: true },
      });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toEqual(
      expect.arrayContaining(['lastName', 'firstName', 'birthDate', 'category', 'joinedAt']),
    );
    expect(res.body.error.fields.birthDate).toBe('Такой даты нет: в этом месяце нет 31-го числа');
    expect(res.body.error.fields.joinedAt).toMatch(/ДД\.ММ\.ГГГГ/);
  });

  it('returns 404 for a member of another region', async () => {
    const other = await buildMember({ org: t.primB1 });
    const res = await api().get(`/api/v1/members/${other.memberId}`).set('Authorization', auth);
    expect(res.status).toBe(404);
  });
});

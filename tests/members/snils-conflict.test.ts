import { api, bearer, buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';

useDb();

/** A valid СНИЛС from nine digits (the checksum rule of src/lib/snils.ts). */
const snils = (body: string) => {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body[i]) * (9 - i);
  return body + String(sum % 101 === 100 ? 0 : sum % 101).padStart(2, '0');
};

/**
 * A СНИЛС typed for a new member that belongs to another person (other ФИО or birth date) is a conflict on
 * the СНИЛС field: that person's record is never reused or renamed.
 */
describe('a СНИЛС of another person', () => {
  let t: Tree;
  let auth: string;
  let formerPersonId: string;
  const taken = snils('512634789');
  beforeAll(async () => {
    t = await buildTree();
    const chair = await userWith('CHAIR', t.primA1, { ndaAccepted: true });
    auth = await bearer(chair.id);
    // A former member (no active membership) holding the СНИЛС.
    const former = await buildMember({
      org: t.primB1,
      lastName: 'Бывшева',
      firstName: 'Зоя',
      middleName: 'Ильинична',
      birthDate: '1960-01-01',
      snils: taken,
    });
    formerPersonId = former.personId;
    const b1 = await bearer((await userWith('CHAIR', t.primB1)).id);
    const exit = await api()
      .post(`/api/v1/members/${former.memberId}/exit`)
      .set('Authorization', b1)
      .send({ date: '2024-01-01', reason: 'VOLUNTARY' });
    expect(exit.status).toBe(200);
  });

  const person = async () => db().person.findUniqueOrThrow({ where: { id: formerPersonId } });

  it('API: 409 with the СНИЛС field named, nothing created, the other person untouched', async () => {
    const before = await person();
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/members`)
      .set('Authorization', auth)
      .send({
        lastName: 'Новикова',
        firstName: 'Анна',
        birthDate: '1990-05-05',
        snils: taken,
        category: 'WORKING',
        joinedAt: '2020-01-01',
        consents: { processing: true },
      });
    expect(res.status).toBe(409);
    expect(res.body.error.fields.snils).toMatch(/другим человеком/);
    expect(JSON.stringify(res.body)).not.toContain('Бывшева');
    expect(await person()).toEqual(before);
    expect(await db().person.count({ where: { lastName: 'Новикова' } })).toBe(0);
  });

  it('page: the form comes back with the СНИЛС error and what was typed; the other person untouched', async () => {
    const before = await person();
    const agent = await loginAs(
      (await db().user.findFirstOrThrow({ where: { roles: { some: { organisationId: t.primA1.id } } } })).login,
    );
    const url = `/orgs/${t.primA1.id}/members/new`;
    const res = await postForm(agent, url, url, {
      lastName: 'Новиков',
      firstName: 'Пётр',
      birthDate: '02.02.1991',
      snils: taken,
      category: 'WORKING',
      joinedAt: '01.01.2020',
      consentProcessing: 'on',
    });
    expect(res.status).toBe(409);
    expect(res.text).toContain('записан в реестре за другим человеком');
    expect(res.text).toContain('value="Новиков"');
    expect(await person()).toEqual(before);
  });

  it('API PATCH: giving a member the СНИЛС of another person is a СНИЛС field conflict', async () => {
    const m = (await buildMember({ org: t.primA1, lastName: 'Правкина' })).memberId;
    const res = await api().patch(`/api/v1/members/${m}`).set('Authorization', auth).send({ version: 1, snils: taken });
    expect(res.status).toBe(409);
    expect(res.body.error.fields.snils).toBeDefined();
    expect((await person()).snils).toBe(taken);
  });
});

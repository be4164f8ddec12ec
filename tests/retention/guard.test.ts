/**
 * A depersonalised record is final: the member card's edit form, the API (PATCH, consents) and positions refuse to
 * put anything back into it with a Russian message; nobody can be entered or imported under the placeholder surname
 * (no look-alike of a depersonalised record); the same person imported again is a new record, the old one untouched.
 */
import { api, bearer, buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { SYSTEM_ACTOR } from '../../src/policy/actor';
import { runDepersonalisation } from '../../src/modules/retention/retention.service';
import { csv, importViaPage, resultOf } from '../imports/support';
import { tracedMember, type Traced } from './support';

useDb();

let t: Tree;
let gone: Traced;
let lastName: string;
let chair: Awaited<ReturnType<typeof loginAs>>;
let token: string;

const MESSAGE = /Данные этого человека обезличены/;

beforeAll(async () => {
  t = await buildTree();
  gone = await tracedMember(t.primA1, { birthDate: '1970-04-04', joinedAt: '2001-01-01', exit: '2019-05-05' });
  lastName = gone.needles[0];
  const { count } = await runDepersonalisation(SYSTEM_ACTOR, { trigger: 'MANUAL' });
  expect(count).toBe(1);
  const user = await userWith('CHAIR', t.primA1, { ndaAccepted: true });
  chair = await loginAs(user.login);
  token = await bearer(user.id);
});

const person = () => db().person.findUniqueOrThrow({ where: { id: gone.personId } });

describe('a depersonalised record', () => {
  it('cannot be edited on the member card: the form answers with the reason and nothing changes', async () => {
    const before = await person();
    const url = `/members/${gone.memberId}/edit`;
    const page = await chair.get(url);
    const version =
      /name="version"[^>]*value="(\d+)"/.exec(page.text)?.[1] ??
      /value="(\d+)"[^>]*name="version"/.exec(page.text)?.[1];
    expect(version).toBeDefined();
    const res = await postForm(chair, url, url, {
      version: version!,
      lastName,
      firstName: 'Прасковья',
      middleName: 'Игнатьевна',
      birthDate: '04.04.1970',
    });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(MESSAGE);
    expect(await person()).toEqual(before);
  });

  it('cannot be edited or given consents through the API', async () => {
    const before = await person();
    const consents = await db().consent.findMany({ where: { personId: gone.personId }, orderBy: { id: 'asc' } });
    const member = await api().get(`/api/v1/members/${gone.memberId}`).set('Authorization', token);
    expect(member.status).toBe(200);
    const patch = await api()
      .patch(`/api/v1/members/${gone.memberId}`)
      .set('Authorization', token)
      .send({ lastName, firstName: 'Прасковья', birthDate: '1970-04-04', version: member.body.version });
    expect(patch.status).toBe(422);
    expect(patch.body.error.message).toMatch(MESSAGE);
    const consent = await api()
      .post(`/api/v1/members/${gone.memberId}/consents`)
      .set('Authorization', token)
      .send({ kind: 'PROCESSING', given: true, date: '2026-01-10' });
    expect(consent.status).toBe(422);
    expect(consent.body.error.message).toMatch(MESSAGE);
    expect(await person()).toEqual(before);
    expect(await db().consent.findMany({ where: { personId: gone.personId }, orderBy: { id: 'asc' } })).toEqual(
      consents,
    );
  });

  it('takes no new position on the member card', async () => {
    const url = `/members/${gone.memberId}`;
    const res = await postForm(chair, url, `${url}/positions`, {
      kind: 'CHAIR',
      organisationId: t.primA1.id,
      startDate: '01.01.2026',
    });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(MESSAGE);
    expect(await db().position.count({ where: { personId: gone.personId } })).toBe(0);
  });

  it('has no look-alike: the placeholder surname is refused by the API and by an import', async () => {
    const p = await person();
    const created = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/members`)
      .set('Authorization', token)
      .send({
        lastName: p.lastName,
        firstName: 'Прасковья',
        birthDate: '1970-01-01',
        category: 'WORKING',
        joinedAt: '2026-01-10',
        consents: { processing: true },
      });
    expect(created.status).toBe(400);
    expect(created.body.error.fields.lastName).toMatch(/отметка обезличенных записей/);
    const job = await importViaPage(
      chair,
      t.primA1.id,
      csv([
        ['Фамилия', 'Имя', 'Отчество', 'Дата рождения'],
        ['обезличен', 'Прасковья', '', '01.01.1970'],
      ]),
      'list.csv',
    );
    const r = resultOf(job);
    expect(r.created).toBe(0);
    expect(r.rejected).toEqual([
      expect.objectContaining({ row: 2, errors: [expect.stringMatching(/отметка обезличенных записей/)] }),
    ]);
    expect(await db().person.count({ where: { lastNameKey: 'ОБЕЗЛИЧЕН' } })).toBe(1);
  });

  it('stays as it is when the same person is imported again: that is a new record', async () => {
    const before = await person();
    const job = await importViaPage(
      chair,
      t.primA1.id,
      csv([
        ['Фамилия', 'Имя', 'Отчество', 'Дата рождения'],
        [lastName, 'Прасковья', 'Игнатьевна', '04.04.1970'],
      ]),
      'again.csv',
    );
    expect(resultOf(job)).toMatchObject({ created: 1, updated: 0, rejected: [] });
    expect(await person()).toEqual(before);
    const fresh = await db().person.findMany({ where: { lastName } });
    expect(fresh).toHaveLength(1);
    expect(fresh[0].id).not.toBe(gone.personId);
  });
});

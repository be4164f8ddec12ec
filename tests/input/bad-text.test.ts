import { api, bearer, buildTree, csrfFrom, loginAs, postForm, testApp, useDb, userWith, type Tree } from '../helpers';
import request from 'supertest';
import { db } from '../../src/db';

useDb();

/** NUL and lone surrogates are refused with a clear 400 everywhere (PostgreSQL would fail on them: a 500). */
describe('a NUL character or a lone surrogate in any text', () => {
  let t: Tree;
  let auth: string;
  let login: string;
  beforeAll(async () => {
    t = await buildTree();
    const u = await userWith('CHAIR', t.primA1, { ndaAccepted: true });
    auth = await bearer(u.id);
    login = u.login;
  });
  const member = (over: Record<string, unknown>) => ({
    lastName: 'Нулева',
    firstName: 'Анна',
    birthDate: '1985-03-14',
    category: 'WORKING',
    joinedAt: '2010-09-01',
    consents: { processing: true },
    ...over,
  });

  it.each([
    ['NUL in a name', { lastName: 'Нул\u0000ева' }, 'lastName'],
    ['a lone high surrogate', { firstName: 'Ан\ud800на' }, 'firstName'],
    ['a lone low surrogate in a nested field', { consents: { processing: true, note: '\udc00' } }, 'consents.note'],
  ])('API JSON body: %s → 400 naming the field, nothing saved', async (_n, over, field) => {
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/members`)
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(member(over)));
    expect(res.status).toBe(400);
    expect(res.body.error.fields[field]).toBeDefined();
    expect(await db().person.count({ where: { firstName: 'Анна', birthDate: new Date('1985-03-14') } })).toBe(0);
  });

  it('API query string with NUL → 400', async () => {
    const res = await api().get(`/api/v1/orgs/${t.primA1.id}/members?q=%00`).set('Authorization', auth);
    expect(res.status).toBe(400);
  });

  it('API event check-in with NUL in the card number → 400', async () => {
    const ev = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/events`)
      .set('Authorization', auth)
      .send({ title: 'Собрание', kind: 'EVENT', date: '2026-01-10' });
    const res = await api()
      .post(`/api/v1/events/${ev.body.id}/checkins`)
      .set('Authorization', auth)
      .send({ cardNumber: '9600\u0000' });
    expect(res.status).toBe(400);
  });

  it('page form with NUL → 400 with a Russian message, not 500', async () => {
    const agent = await loginAs(login);
    const url = `/orgs/${t.primA1.id}/members/new`;
    const res = await postForm(agent, url, url, {
      lastName: 'Нул\u0000ева',
      firstName: 'Анна',
      birthDate: '14.03.1985',
      category: 'WORKING',
      joinedAt: '01.09.2010',
      consentProcessing: 'on',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('недопустимый символ');
    const search = await agent.get(`/members?org=${t.primA1.id}&q=%00`);
    expect(search.status).toBe(400);
  });

  it('the sign-in form with NUL in the login → 400, not 500', async () => {
    const agent = request.agent(testApp());
    const csrf = await csrfFrom(agent, '/login');
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, login: 'a\u0000b', password: 'x' });
    expect(res.status).toBeLessThan(500);
    expect([400, 401, 200]).toContain(res.status);
  });
});

/**
 * A member's session or token can do nothing a chair can: every chair page sends it to the chairs' sign-in, every
 * chair API call answers 401. And a chair's session or token is not a member's.
 */
import request from 'supertest';
import { api, bearer, buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { memberAgent, memberToken } from './support';

useDb();

let t: Tree;
let member: { memberId: string; personId: string };
let agent: request.Agent;
let token: string;
beforeAll(async () => {
  t = await buildTree();
  member = await buildMember({ org: t.primA1, email: 'apart@example.ru' });
  agent = await memberAgent('apart@example.ru');
  token = await memberToken('apart@example.ru');
});

it('the member session opens the member’s own page', async () => {
  expect((await agent.get('/me')).status).toBe(200);
});

test.each([
  '/',
  '/members',
  '/profile',
  '/outbox',
  '/users',
  () => `/orgs/${t.primA1.id}`,
  () => `/members/${member.memberId}`,
  () => `/orgs/${t.primA1.id}/audit`,
])('chair page %p sends a member session to the chairs’ sign-in', async (u) => {
  const url = typeof u === 'function' ? u() : u;
  const res = await agent.get(url);
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe('/login');
});

it('a chair form post with a member session is refused without a change', async () => {
  const m = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/me')).text)!;
  const res = await agent
    .post(`/members/${member.memberId}/exit`)
    .type('form')
    .send({ _csrf: m[1], date: '2026-01-01', reason: 'VOLUNTARY' });
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe('/login');
});

test.each([
  () => `/api/v1/orgs/${t.primA1.id}`,
  () => `/api/v1/members/${member.memberId}`,
  () => `/api/v1/orgs/${t.primA1.id}/members`,
])('chair API %p answers 401 to a member token', async (u) => {
  const res = await api().get(u()).set('Authorization', token);
  expect(res.status).toBe(401);
});

it('a chair’s session and token are not a member’s', async () => {
  const chair = await userWith('ADMIN', t.central);
  const chairAgent = await loginAs(chair.login);
  const page = await chairAgent.get('/me');
  expect(page.status).toBe(303);
  expect(page.headers.location).toBe('/me/login');
  void bearer;
});

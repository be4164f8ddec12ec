/**
 * Member sign-in by a one-time code: 6 digits, 10 minutes, 5 tries, stored hashed; the same answer for unknown
 * contacts; phones and e-mails matched however they were typed.
 */
import request from 'supertest';
import { api, buildTree, csrfFrom, testApp, useDb, type Tree } from '../helpers';
import { db } from '../../src/db';
import { buildMember } from '../../src/seed/builders.repo';
import { codeFor, codeRowsSettle } from './support';

useDb();

let t: Tree;
let person: { personId: string };
const EMAIL = 'Orlova.Member@Example.RU';
beforeAll(async () => {
  t = await buildTree();
  person = await buildMember({
    org: t.primA1,
    lastName: 'Орлова',
    firstName: 'Анна',
    email: EMAIL,
    phone: '8 (912) 345-67-89',
  });
});

let n = 0;
/** A member of one's own per test: the per-contact limit (5 codes an hour) must not couple the tests. */
async function fresh(): Promise<{ personId: string; email: string }> {
  n += 1;
  const email = `member${n}@example.ru`;
  const r = await buildMember({ org: t.primA1, email });
  return { personId: r.personId, email };
}

const ask = (contact: string) => api().post('/api/v1/member/auth/code').send({ contact });
const exchange = (contact: string, code: string) => api().post('/api/v1/member/auth/token').send({ contact, code });

it('sends a 6-digit code to a known e-mail (typed in any case) and exchanges it once for a member token', async () => {
  const since = new Date(Date.now() - 1);
  const res = await ask('  orlova.member@example.ru ');
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ sent: true });
  const code = await codeFor('orlova.member@example.ru', since);
  expect(code).toMatch(/^\d{6}$/);
  // Stored hashed: the code itself is nowhere in the code table.
  const rows = await db().memberCode.findMany({ where: { personId: person.personId } });
  expect(JSON.stringify(rows)).not.toContain(code);
  expect(JSON.stringify(rows)).not.toContain('orlova');

  const ok = await exchange('ORLOVA.member@example.ru', code);
  expect(ok.status).toBe(201);
  expect(ok.body.token).toMatch(/^mt_/);
  expect(new Date(ok.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
  const again = await exchange('orlova.member@example.ru', code);
  expect(again.status).toBe(401);
});

it('answers an unknown contact exactly like a known one, and sends nothing for it', async () => {
  const before = await db().memberCode.count();
  const outboxBefore = await db().outbox.count();
  const known = await ask('orlova.member@example.ru');
  const unknown = await ask('nobody.here@example.ru');
  expect(unknown.status).toBe(known.status);
  expect(unknown.body).toEqual(known.body);
  expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
  await codeRowsSettle(before + 1);
  await codeFor('orlova.member@example.ru');
  await new Promise((r) => setTimeout(r, 200));
  expect(await db().outbox.count({ where: { recipient: 'nobody.here@example.ru' } })).toBe(0);
  expect(await db().outbox.count()).toBe(outboxBefore + 1);
  // The unknown contact's code row can never sign in, whatever is guessed.
  const row = await db().memberCode.findFirst({ where: { personId: null }, orderBy: { createdAt: 'desc' } });
  expect(row).not.toBeNull();
  expect((await exchange('nobody.here@example.ru', '000000')).status).toBe(401);
});

it('the sign-in page answers the same for a known and an unknown contact', async () => {
  const send = async (contact: string) => {
    const agent = request.agent(testApp());
    const csrf = await csrfFrom(agent, '/me/login');
    const post = await agent.post('/me/login').type('form').send({ _csrf: csrf, contact });
    const next = await agent.get('/me/login/code');
    return { post, next: next.text.replace(/name="_csrf" value="[^"]*"/g, '').replace(contact, 'X') };
  };
  const known = await send('orlova.member@example.ru');
  const unknown = await send('nobody.else@example.ru');
  expect(known.post.status).toBe(303);
  expect(unknown.post.status).toBe(303);
  expect(unknown.post.headers.location).toBe(known.post.headers.location);
  expect(unknown.next).toBe(known.next);
});

it('finds the member by a phone typed differently from how the chair recorded it, and sends an SMS', async () => {
  const since = new Date(Date.now() - 1);
  expect((await ask('+7 912 345 67 89')).status).toBe(202);
  const code = await codeFor('+79123456789', since);
  const sms = await db().outbox.findFirst({ where: { recipient: '+79123456789' }, orderBy: { createdAt: 'desc' } });
  expect(sms?.channel).toBe('SMS');
  expect((await exchange('89123456789', code)).status).toBe(201);
});

it('five wrong tries spend the code: the right one is refused after them', async () => {
  const m = await fresh();
  const since = new Date(Date.now() - 1);
  await ask(m.email);
  const code = await codeFor(m.email, since);
  const wrong = code === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) expect((await exchange(m.email, wrong)).status).toBe(401);
  expect((await exchange(m.email, code)).status).toBe(401);
});

it('four wrong tries still leave the fifth', async () => {
  const m = await fresh();
  const since = new Date(Date.now() - 1);
  await ask(m.email);
  const code = await codeFor(m.email, since);
  const wrong = code === '000000' ? '111111' : '000000';
  for (let i = 0; i < 4; i++) expect((await exchange(m.email, wrong)).status).toBe(401);
  expect((await exchange(m.email, code)).status).toBe(201);
});

it('a code older than 10 minutes is refused', async () => {
  const m = await fresh();
  const since = new Date(Date.now() - 1);
  await ask(m.email);
  const code = await codeFor(m.email, since);
  const row = await db().memberCode.findFirstOrThrow({ where: { personId: m.personId, usedAt: null } });
  expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(10 * 60_000);
  await db().memberCode.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  expect((await exchange(m.email, code)).status).toBe(401);
});

it('a newer code replaces the older one', async () => {
  const m = await fresh();
  let since = new Date(Date.now() - 1);
  await ask(m.email);
  const first = await codeFor(m.email, since);
  since = new Date();
  await new Promise((r) => setTimeout(r, 5));
  await ask(m.email);
  const second = await codeFor(m.email, since);
  if (first !== second) expect((await exchange(m.email, first)).status).toBe(401);
  expect((await exchange(m.email, second)).status).toBe(201);
});

it('refuses a malformed contact with a Russian message', async () => {
  const res = await ask('не контакт');
  expect(res.status).toBe(400);
  expect(res.body.error.message).toMatch(/электронной почты или номер/);
});

it('signs in through the pages and lands on the member’s own page', async () => {
  const agent = request.agent(testApp());
  const since = new Date(Date.now() - 1);
  let csrf = await csrfFrom(agent, '/me/login');
  const m = await fresh();
  await db().person.update({ where: { id: m.personId }, data: { lastName: 'Соколова', firstName: 'Анна' } });
  expect(
    (await agent.post('/me/login').type('form').send({ _csrf: csrf, contact: m.email.toUpperCase() })).status,
  ).toBe(303);
  const code = await codeFor(m.email, since);
  csrf = await csrfFrom(agent, '/me/login/code');
  const bad = await agent.post('/me/login/code').type('form').send({ _csrf: csrf, code: 'abc' });
  expect(bad.status).toBe(400);
  expect(bad.text).toContain('Код не подошёл');
  const ok = await agent.post('/me/login/code').type('form').send({ _csrf: csrf, code });
  expect(ok.status).toBe(303);
  expect(ok.headers.location).toBe('/me');
  const me = await agent.get('/me');
  expect(me.status).toBe(200);
  expect(me.text).toContain('Соколова Анна');
  expect(me.text).toContain('Вы вошли в личный кабинет');
});

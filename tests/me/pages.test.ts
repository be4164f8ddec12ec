/**
 * The member's pages and API: only the member's own data; consents given and withdrawn at once (processing: a
 * request the chair sees); a virtual card asked for and approved; «Мои данные» as a page and a Cyrillic PDF.
 */
import request from 'supertest';
import { api, bearer, buildTree, csrfFrom, loginAs, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { buildMember } from '../../src/seed/builders.repo';
import { binary } from '../cards/support';
import { memberAgent, memberToken } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pdfParse = require('pdf-parse/lib/pdf-parse.js') as (b: Buffer) => Promise<{ text: string }>;

useDb();

let t: Tree;
let a: { memberId: string; personId: string };
let b: { memberId: string; personId: string };
let agentA: request.Agent;
let tokenA: string;
let chair: { id: string; login: string };
beforeAll(async () => {
  t = await buildTree();
  a = await buildMember({
    org: t.primA1,
    lastName: 'Ёлкина',
    firstName: 'Дарья',
    middleName: 'Сергеевна',
    email: 'elkina@example.ru',
    consents: { bonusProgramme: true, messaging: true },
  });
  b = await buildMember({ org: t.primA1, lastName: 'Чужакова', firstName: 'Ольга', email: 'chuzhakova@example.ru' });
  chair = await userWith('CHAIR', t.primA1, { ndaAccepted: true });
  // The chair looks at A's record: the member later sees the role and organisation, not the chair's name.
  const chairAgent = await loginAs(chair.login);
  expect((await chairAgent.get(`/members/${a.memberId}`)).status).toBe(200);
  agentA = await memberAgent('elkina@example.ru');
  tokenA = await memberToken('elkina@example.ru');
});

it('GET /member/me answers the member’s own record in the API.md shape', async () => {
  const res = await api().get('/api/v1/member/me').set('Authorization', tokenA);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    lastName: 'Ёлкина',
    firstName: 'Дарья',
    middleName: 'Сергеевна',
    organisation: { id: t.primA1.id, name: 'ППО школы А1' },
    category: 'WORKING',
    card: null,
  });
  expect(res.body.joinedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(res.body.consents.map((c: { kind: string }) => c.kind).sort()).toEqual([
    'BONUS_PROGRAMME',
    'MESSAGING',
    'PROCESSING',
  ]);
  expect(res.body.consents.every((c: { given: boolean; textVersion: string }) => c.given && c.textVersion)).toBe(true);
});

it('a member sees only their own data, on the pages and in the API', async () => {
  for (const url of ['/me', '/me/data', '/me/consents', '/me/card']) {
    const res = await agentA.get(url);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('Чужакова');
  }
  expect((await agentA.get('/me/data')).text).toContain('Ёлкина');
  const data = await api().get('/api/v1/member/data').set('Authorization', tokenA);
  expect(data.status).toBe(200);
  expect(data.body.person.lastName).toBe('Ёлкина');
  expect(JSON.stringify(data.body)).not.toContain('Чужакова');
  expect(JSON.stringify(data.body)).not.toContain(b.personId);
});

it('«Мои данные» names who viewed the record by role and organisation, never by name', async () => {
  const data = await api().get('/api/v1/member/data').set('Authorization', tokenA);
  const views = data.body.access as { what: string; role: string; organisation: string }[];
  expect(views).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ what: 'Просмотр вашей карточки', role: 'Председатель', organisation: 'ППО школы А1' }),
    ]),
  );
  const chairRow = await db().user.findUniqueOrThrow({ where: { id: chair.id } });
  expect(JSON.stringify(data.body)).not.toContain(chairRow.fullName);
  expect(JSON.stringify(data.body)).not.toContain(chairRow.login);
});

it('the PDF of «Мои данные» carries the Cyrillic text', async () => {
  const res = await agentA.get('/me/data.pdf').buffer(true).parse(binary);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  const { text } = await pdfParse(res.body as Buffer);
  expect(text).toContain('Сведения о персональных данных');
  expect(text).toContain('Ёлкина Дарья Сергеевна');
  expect(text).toContain('Председатель');
});

it('the PDF of «Мои данные» lists who viewed the record by role and organisation, and no colleague’s name', async () => {
  const res = await agentA.get('/me/data.pdf').buffer(true).parse(binary);
  const { text } = await pdfParse(res.body as Buffer);
  expect(text).toContain('Кто в Профсоюзе обращался к вашей записи');
  expect(text).toMatch(/Просмотр вашей карточки — Председатель, ППО школы А1/);
  expect(text).toContain('Передача данных партнёрам');
  const chairRow = await db().user.findUniqueOrThrow({ where: { id: chair.id } });
  expect(text).not.toContain(chairRow.fullName);
  expect(text).not.toContain(chairRow.login);
});

it('withdrawing the messaging consent on the page takes effect at once and is audited', async () => {
  const csrf = await csrfFrom(agentA, '/me/consents');
  const res = await agentA.post('/me/consents').type('form').send({ _csrf: csrf, kind: 'MESSAGING', given: 'false' });
  expect(res.status).toBe(303);
  const inForce = await db().consent.count({ where: { personId: a.personId, kind: 'MESSAGING', withdrawnAt: null } });
  expect(inForce).toBe(0);
  expect((await agentA.get('/me/consents')).text).toContain('Согласие отозвано');
  const row = await db().auditLog.findFirst({
    where: { action: 'consent.changed', entityId: a.personId },
    orderBy: { id: 'desc' },
  });
  expect(row?.details).toMatchObject({ kind: 'MESSAGING', given: false, by: 'member' });
  // And given again through the API.
  const again = await api()
    .post('/api/v1/member/consents')
    .set('Authorization', tokenA)
    .send({ kind: 'MESSAGING', given: true });
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ kind: 'MESSAGING', given: true, withdrawnAt: null });
});

it('withdrawing the processing consent needs a confirmation on the page', async () => {
  const csrf = await csrfFrom(agentA, '/me/consents');
  const res = await agentA.post('/me/consents').type('form').send({ _csrf: csrf, kind: 'PROCESSING', given: 'false' });
  expect(res.status).toBe(400);
  expect(res.text).toContain('Я понимаю последствия');
  expect(await db().consent.count({ where: { personId: a.personId, kind: 'PROCESSING', withdrawnAt: null } })).toBe(1);
});

it('withdrawing the processing consent answers 202, opens a request the chair sees, and giving it again cancels it', async () => {
  const res = await api()
    .post('/api/v1/member/consents')
    .set('Authorization', tokenA)
    .send({ kind: 'PROCESSING', given: false });
  expect(res.status).toBe(202);
  const w = await db().processingWithdrawal.findFirstOrThrow({ where: { personId: a.personId } });
  expect(w).toMatchObject({ status: 'OPEN', organisationId: t.primA1.id });
  expect(await db().consent.count({ where: { personId: a.personId, kind: 'PROCESSING', withdrawnAt: null } })).toBe(0);
  const regional = await loginAs((await userWith('CHAIR', t.regionA, { ndaAccepted: true })).login);
  const list = await regional.get(`/orgs/${t.regionA.id}/member-requests`);
  expect(list.status).toBe(200);
  expect(list.text).toContain('Ёлкина Дарья Сергеевна');
  // A chair of another region does not see it at all.
  const other = await loginAs((await userWith('CHAIR', t.regionB, { ndaAccepted: true })).login);
  expect((await other.get(`/orgs/${t.regionB.id}/member-requests`)).text).not.toContain('Ёлкина');
  expect((await other.get(`/orgs/${t.regionA.id}/member-requests`)).status).toBe(404);

  const back = await api()
    .post('/api/v1/member/consents')
    .set('Authorization', tokenA)
    .send({ kind: 'PROCESSING', given: true });
  expect(back.status).toBe(200);
  expect((await db().processingWithdrawal.findUniqueOrThrow({ where: { id: w.id } })).status).toBe('CANCELLED');
});

it('a member without a card asks for a virtual one, the chair approves, and the card with its QR code appears', async () => {
  let csrf = await csrfFrom(agentA, '/me/card');
  expect((await agentA.post('/me/card/request').type('form').send({ _csrf: csrf })).status).toBe(303);
  const req = await db().virtualCardRequest.findFirstOrThrow({ where: { memberId: a.memberId, status: 'OPEN' } });
  expect((await agentA.get('/me/card')).text).toContain('председателю');
  // Asking twice makes no second request.
  csrf = await csrfFrom(agentA, '/me/card');
  await agentA.post('/me/card/request').type('form').send({ _csrf: csrf });
  expect(await db().virtualCardRequest.count({ where: { memberId: a.memberId } })).toBe(1);

  const chairAgent = await loginAs(chair.login);
  const page = `/orgs/${t.primA1.id}/member-requests`;
  const ok = await chairAgent
    .post(`${page}/cards/${req.id}/approve`)
    .type('form')
    .send({ _csrf: await csrfFrom(chairAgent, page) });
  expect(ok.status).toBe(303);
  const card = await db().card.findFirstOrThrow({ where: { memberId: a.memberId } });
  expect(card).toMatchObject({ form: 'VIRTUAL', status: 'ISSUED' });
  const mine = await agentA.get('/me/card');
  expect(mine.text).toContain('data:image/svg+xml;base64,');
  expect(mine.text).toContain('rel="manifest"');
  expect((await api().get('/api/v1/member/me').set('Authorization', tokenA)).body.card).toMatchObject({
    number: card.number,
    form: 'VIRTUAL',
    status: 'ISSUED',
  });
});

it('where the organisation allows it, the virtual card is issued at once', async () => {
  await db().organisation.update({ where: { id: t.primA2.id }, data: { virtualCardsAtOnce: true } });
  const m = await buildMember({ org: t.primA2, email: 'atonce@example.ru' });
  const agent = await memberAgent('atonce@example.ru');
  const csrf = await csrfFrom(agent, '/me/card');
  await agent.post('/me/card/request').type('form').send({ _csrf: csrf });
  expect(await db().card.count({ where: { memberId: m.memberId, form: 'VIRTUAL', status: 'ISSUED' } })).toBe(1);
  expect(await db().virtualCardRequest.count({ where: { memberId: m.memberId } })).toBe(0);
});

it('a request to correct a field reaches the chair; an empty one is re-shown with the error', async () => {
  let csrf = await csrfFrom(agentA, '/me/data');
  const bad = await agentA
    .post('/me/data/corrections')
    .type('form')
    .send({ _csrf: csrf, field: 'phone', proposed: '' });
  expect(bad.status).toBe(400);
  expect(bad.text).toContain('Напишите, как правильно');
  csrf = await csrfFrom(agentA, '/me/data');
  const ok = await agentA
    .post('/me/data/corrections')
    .type('form')
    .send({ _csrf: csrf, field: 'phone', proposed: '+7 900 111-22-33' });
  expect(ok.status).toBe(303);
  const chairAgent = await loginAs(chair.login);
  const list = await chairAgent.get(`/orgs/${t.primA1.id}/member-requests`);
  expect(list.text).toContain('+7 900 111-22-33');
});

it('news: announcements addressed to members of the subtree, newest first, on the page and in the API', async () => {
  const empty = await api().get('/api/v1/member/news').set('Authorization', tokenA);
  expect(empty.status).toBe(200);
  expect(empty.body).toMatchObject({ items: [], page: 1, total: 0 });
  const regional = await userWith('CHAIR', t.regionA, { ndaAccepted: true });
  const publish = async (title: string, at: { id: string }) =>
    api()
      .post(`/api/v1/orgs/${at.id}/announcements`)
      .set('Authorization', await bearer(regional.id))
      .send({ title, body: 'Текст новости', audience: { members: true } });
  expect((await publish('Первая новость региона', t.regionA)).status).toBe(201);
  expect((await publish('Вторая новость региона', t.regionA)).status).toBe(201);
  const otherChair = await userWith('CHAIR', t.regionB, { ndaAccepted: true });
  await api()
    .post(`/api/v1/orgs/${t.regionB.id}/announcements`)
    .set('Authorization', await bearer(otherChair.id))
    .send({ title: 'Новость другого региона', body: 'Т', audience: { members: true } });
  const res = await api().get('/api/v1/member/news').set('Authorization', tokenA);
  expect(res.body.total).toBe(2);
  expect(res.body.items.map((i: { title: string }) => i.title)).toEqual([
    'Вторая новость региона',
    'Первая новость региона',
  ]);
  const page = (await agentA.get('/me')).text;
  expect(page).toContain('Вторая новость региона');
  expect(page).not.toContain('Новость другого региона');
});

it('a chair’s token is refused on every member API route', async () => {
  const tok = await bearer(chair.id);
  for (const url of ['/api/v1/member/me', '/api/v1/member/data', '/api/v1/member/news'])
    expect((await api().get(url).set('Authorization', tok)).status).toBe(401);
  expect(
    (await api().post('/api/v1/member/consents').set('Authorization', tok).send({ kind: 'MESSAGING', given: false }))
      .status,
  ).toBe(401);
});

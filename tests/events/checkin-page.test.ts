import crypto from 'node:crypto';
import type request from 'supertest';
import { api, buildTree, csrfFrom, loginAs, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { today } from '../../src/lib/dates';
import { authOf, binary, chairOf, expectStatus, virtualCard, xlsxRows } from '../cards/support';

useDb();

/** The check-in page: a form without script, and the offline queue's JSON posts with a clientId. */
describe('check-in page', () => {
  let t: Tree;
  let eventId: string;
  let agent: request.Agent;
  let csrf: string;
  const cards: { number: string; memberId: string }[] = [];

  const postJson = (data: Record<string, string>) =>
    agent
      .post(`/events/${eventId}/checkin`)
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: csrf, ...data });

  beforeAll(async () => {
    t = await buildTree();
    for (const [lastName, firstName] of [
      ['Дмитриева', 'Дарья'],
      ['Ефимов', 'Евгений'],
      ['Жданова', 'Жанна'],
    ]) {
      const m = (await buildMember({ org: t.primA1, lastName, firstName, middleName: null })).memberId;
      cards.push({ number: (await virtualCard(t.primA1, m)).number, memberId: m });
    }
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/events`)
      .set('Authorization', await authOf(t.primA1))
      .send({
        title: 'Отчётно-выборная конференция',
        kind: 'CONFERENCE',
        date: '2026-03-15',
        expectedMemberIds: cards.map((c) => c.memberId),
      });
    eventId = expectStatus(res, 201).body.id;
    agent = await loginAs((await chairOf(t.primA1)).login);
    csrf = await csrfFrom(agent, `/events/${eventId}`);
  });

  it('answers JSON to the queue: ok, CREATED and the counts', async () => {
    const res = await postJson({ cardNumber: cards[0].number, clientId: 'q-1' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toMatchObject({
      ok: true,
      status: 'CREATED',
      checkedIn: 1,
      expected: 3,
      message: expect.stringContaining('Дмитриева Дарья'),
    });
    const row = await db().checkin.findFirstOrThrow({ where: { eventId, memberId: cards[0].memberId } });
    expect(row.clientId).toBe('q-1');
  });

  it('a resend with the same clientId (the answer was lost) makes no second row', async () => {
    const res = await postJson({ cardNumber: cards[0].number, clientId: 'q-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, status: 'ALREADY', checkedIn: 1 });
    expect(await db().checkin.count({ where: { eventId } })).toBe(1);
  });

  it('a queue flushed twice at once after reconnecting still makes one row per member', async () => {
    const [a, b] = await Promise.all([
      postJson({ cardNumber: cards[1].number, clientId: 'q-2' }),
      postJson({ cardNumber: cards[1].number, clientId: 'q-2' }),
    ]);
    expect([a.body.status, b.body.status].sort()).toEqual(['ALREADY', 'CREATED']);
    expect(await db().checkin.count({ where: { eventId, memberId: cards[1].memberId } })).toBe(1);
  });

  it('a refused card answers JSON 422 with ok false and the reason', async () => {
    const res = await postJson({ cardNumber: '9600 0000 9999 9999', clientId: 'q-3' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ ok: false, status: 'NOT_PARTICIPANT' });
    expect(res.body.message).toMatch(/Не участник/);
  });

  it('an empty number answers JSON 400', async () => {
    const res = await postJson({ cardNumber: '', clientId: 'q-4' });
    expect(res.status).toBe(400);
    expect(res.body.ok).toBe(false);
  });

  it('the plain form (no script) shows the result on the page, with the quorum', async () => {
    const res = await agent
      .post(`/events/${eventId}/checkin`)
      .type('form')
      .send({ _csrf: csrf, cardNumber: cards[2].number });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/class="result ok"[^>]*>Отмечен\(а\): Жданова Жанна/);
    expect(res.text).toContain('3 из 3');
  });

  it('a POST without the CSRF token is refused (403) and registers nobody', async () => {
    const m = (await buildMember({ org: t.primA1 })).memberId;
    const c = await virtualCard(t.primA1, m);
    const res = await agent
      .post(`/events/${eventId}/checkin`)
      .set('Accept', 'application/json')
      .type('form')
      .send({ cardNumber: c.number, clientId: 'q-5' });
    expect(res.status).toBe(403);
    expect(await db().checkin.count({ where: { eventId, memberId: m } })).toBe(0);
  });

  it('the attendance XLSX lists each checked-in member once, in the order of arrival', async () => {
    const res = await agent.get(`/events/${eventId}/attendance.xlsx`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    const rows = await xlsxRows(res.body);
    expect(String(rows[0][0])).toBe('Отчётно-выборная конференция, 15.03.2026');
    expect(rows[1]).toEqual(['№', 'ФИО', 'Организация', 'Отмечен']);
    expect(rows.slice(2).map((r) => [r[0], r[1], r[2]])).toEqual([
      [1, 'Дмитриева Дарья', 'ППО школы А1'],
      [2, 'Ефимов Евгений', 'ППО школы А1'],
      [3, 'Жданова Жанна', 'ППО школы А1'],
    ]);
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: 'event.exported', entityId: eventId } });
    expect(audit.rowCount).toBe(3);
  });

  it("another organisation's chair gets 404 on the page, the check-in and the attendance file", async () => {
    const other = await loginAs((await chairOf(t.primA2)).login);
    expect((await other.get(`/events/${eventId}`)).status).toBe(404);
    expect((await other.get(`/events/${eventId}/attendance.xlsx`)).status).toBe(404);
    const otherCsrf = await csrfFrom(other, `/orgs/${t.primA2.id}/events`);
    const res = await other
      .post(`/events/${eventId}/checkin`)
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: otherCsrf, cardNumber: cards[0].number, clientId: crypto.randomUUID() });
    expect(res.status).toBe(404);
  });

  it('the events page of the organisation lists the event and creates one from its form', async () => {
    const list = await agent.get(`/orgs/${t.primA1.id}/events`);
    expect(list.status).toBe(200);
    expect(list.text).toContain('Отчётно-выборная конференция');
    const c = await csrfFrom(agent, `/orgs/${t.primA1.id}/events`);
    const res = await agent
      .post(`/orgs/${t.primA1.id}/events`)
      .type('form')
      .send({ _csrf: c, title: 'Заседание профкома', kind: 'BOARD_MEETING', date: today() });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/events\/[0-9a-f-]{36}$/);
  });
});

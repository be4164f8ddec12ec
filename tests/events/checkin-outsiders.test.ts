import type request from 'supertest';
import { api, buildTree, csrfFrom, loginAs, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { today } from '../../src/lib/dates';
import { authOf, binary, chairOf, expectStatus, virtualCard, xlsxRows } from '../cards/support';

useDb();

/**
 * Card numbers are sequential: a check-in must tell nothing about a card held outside the event's
 * organisation (no name, no id, no status), must not put that person on the attendance sheet, and must
 * answer exactly as an unknown number does.
 */
describe('check-in of cards outside the event', () => {
  let t: Tree;
  let eventId: string;
  let agent: request.Agent;
  let csrf: string;
  const outsiders: { number: string; memberId: string; lastName: string }[] = [];

  beforeAll(async () => {
    t = await buildTree();
    for (const [org, lastName] of [
      [t.primB1, 'Чужаковаб'],
      [t.primA2, 'Соседова'],
    ] as const) {
      const m = (await buildMember({ org, lastName, firstName: 'Ольга' })).memberId;
      outsiders.push({ number: (await virtualCard(org, m)).number, memberId: m, lastName });
    }
    // A blocked card outside: its status must not show either.
    const blocked = (await buildMember({ org: t.primB1, lastName: 'Блокова', firstName: 'Нина' })).memberId;
    const bc = await virtualCard(t.primB1, blocked);
    expectStatus(
      await api()
        .post(`/api/v1/cards/${bc.id}/block`)
        .set('Authorization', await authOf(t.primB1))
        .send({ reason: 'LOST' }),
      200,
    );
    outsiders.push({ number: bc.number, memberId: blocked, lastName: 'Блокова' });
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/events`)
      .set('Authorization', await authOf(t.primA1))
      .send({ title: 'Собрание коллектива', kind: 'EVENT', date: today() });
    eventId = expectStatus(res, 201).body.id;
    agent = await loginAs((await chairOf(t.primA1)).login);
    csrf = await csrfFrom(agent, `/events/${eventId}`);
  });

  it('API: 404 "не участник" with no name or id, the same answer as an unknown number', async () => {
    const unknown = await api()
      .post(`/api/v1/events/${eventId}/checkins`)
      .set('Authorization', await authOf(t.primA1))
      .send({ cardNumber: '9600 0000 9999 9999' });
    expect(unknown.status).toBe(404);
    for (const o of outsiders) {
      const res = await api()
        .post(`/api/v1/events/${eventId}/checkins`)
        .set('Authorization', await authOf(t.primA1))
        .send({ cardNumber: o.number });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(unknown.body);
      expect(res.body.error.reason).toBe('NOT_PARTICIPANT');
      expect(JSON.stringify(res.body)).not.toContain(o.lastName);
      expect(JSON.stringify(res.body)).not.toContain(o.memberId);
    }
    expect(await db().checkin.count({ where: { eventId } })).toBe(0);
  });

  it('page (form and JSON): "не участник", no name, nothing recorded, nothing on the page', async () => {
    for (const o of outsiders) {
      const json = await agent
        .post(`/events/${eventId}/checkin`)
        .set('Accept', 'application/json')
        .type('form')
        .send({ _csrf: csrf, cardNumber: o.number });
      expect(json.status).toBe(422);
      expect(json.body).toMatchObject({ ok: false, status: 'NOT_PARTICIPANT' });
      expect(JSON.stringify(json.body)).not.toContain(o.lastName);
      const page = await agent
        .post(`/events/${eventId}/checkin`)
        .type('form')
        .send({ _csrf: csrf, cardNumber: o.number });
      expect(page.status).toBe(422);
      expect(page.text).toContain('Не участник');
      expect(page.text).not.toContain(o.lastName);
    }
    expect(await db().checkin.count({ where: { eventId } })).toBe(0);
    const sheet = await agent.get(`/events/${eventId}/attendance.xlsx`).buffer(true).parse(binary);
    const rows = await xlsxRows(sheet.body);
    expect(rows.length).toBe(2);
  });

  it('a declared participant who has moved elsewhere is checked in; the sheet shows no organisation of elsewhere', async () => {
    const m = (await buildMember({ org: t.primA1, lastName: 'Переездова', firstName: 'Ия' })).memberId;
    const card = await virtualCard(t.primA1, m);
    const ev = expectStatus(
      await api()
        .post(`/api/v1/orgs/${t.primA1.id}/events`)
        .set('Authorization', await authOf(t.primA1))
        .send({ title: 'Заседание', kind: 'BOARD_MEETING', date: today(), expectedMemberIds: [m] }),
      201,
    ).body.id;
    // Moved to the other region after the list was made.
    await db().member.update({ where: { id: m }, data: { organisationId: t.primB1.id } });
    const res = await api()
      .post(`/api/v1/events/${ev}/checkins`)
      .set('Authorization', await authOf(t.primA1))
      .send({ cardNumber: card.number });
    expect(res.status).toBe(201);
    const sheet = await agent.get(`/events/${ev}/attendance.xlsx`).buffer(true).parse(binary);
    const rows = await xlsxRows(sheet.body);
    expect(rows[2][1]).toContain('Переездова');
    expect(JSON.stringify(rows)).not.toContain('Б1');
  });
});

import crypto from 'node:crypto';
import { api, buildTree, useDb, userWith, bearer, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { formatCardNumber, qrPayload, signCard } from '../../src/lib/cardNumber';
import { today } from '../../src/lib/dates';
import { cardSigningKey } from '../../src/modules/cards/cards.repo';
import { authOf, cardsOf, expectStatus, submitOrder, virtualCard } from '../cards/support';

useDb();

describe('events and check-in through the API', () => {
  let t: Tree;
  let expected: string[];
  let cards: { id: string; number: string }[];
  let eventId: string;
  const checkin = async (cardNumber: string, id = eventId, org = t.primA1) =>
    api()
      .post(`/api/v1/events/${id}/checkins`)
      .set('Authorization', await authOf(org))
      .send({ cardNumber });
  const stats = async (id = eventId) =>
    expectStatus(
      await api()
        .get(`/api/v1/events/${id}`)
        .set('Authorization', await authOf(t.primA1)),
      200,
    ).body;

  beforeAll(async () => {
    t = await buildTree();
    expected = [];
    cards = [];
    for (const [lastName, firstName] of [
      ['Алексеева', 'Анна'],
      ['Борисов', 'Борис'],
      ['Волкова', 'Вера'],
      ['Громов', 'Глеб'],
    ]) {
      const m = (await buildMember({ org: t.primA1, lastName, firstName })).memberId;
      expected.push(m);
      cards.push(await virtualCard(t.primA1, m));
    }
  });

  it('creates an event with a date and the expected participants: 201 {id}', async () => {
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/events`)
      .set('Authorization', await authOf(t.primA1))
      .send({
        title: 'Заседание профкома',
        kind: 'BOARD_MEETING',
        date: today(),
        expectedMemberIds: expected.slice(0, 3),
      });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String) });
    eventId = res.body.id;
    expect(await stats()).toMatchObject({
      title: 'Заседание профкома',
      kind: 'BOARD_MEETING',
      date: today(),
      checkedIn: 0,
      expected: 3,
      quorum: false,
    });
  });

  it('refuses an event with a bad kind, date or title with 400, listing the fields', async () => {
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/events`)
      .set('Authorization', await authOf(t.primA1))
      .send({ title: '', kind: 'PARTY', date: '31.02.2026' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toEqual(expect.arrayContaining(['title', 'kind', 'date']));
  });

  it('refuses expected participants from another organisation with 400', async () => {
    const stranger = (await buildMember({ org: t.primA2 })).memberId;
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/events`)
      .set('Authorization', await authOf(t.primA1))
      .send({ title: 'Собрание', kind: 'EVENT', date: today(), expectedMemberIds: [stranger] });
    expect(res.status).toBe(400);
    expect(await db().event.count({ where: { title: 'Собрание' } })).toBe(0);
  });

  it('the first check-in of a card answers 201 with the member and the counts', async () => {
    const res = await checkin(cards[0].number);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'CREATED',
      memberId: expected[0],
      memberName: expect.stringContaining('Алексеева Анна'),
      checkedIn: 1,
      expected: 3,
      quorum: false,
    });
  });

  it('the same member again answers 200 and stays one registration (also typed with spaces)', async () => {
    const res = await checkin(formatCardNumber(cards[0].number));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ALREADY', memberId: expected[0], checkedIn: 1 });
    expect(await db().checkin.count({ where: { eventId, memberId: expected[0] } })).toBe(1);
  });

  it('two scanners sending the same card at once make one registration: one 201, one 200', async () => {
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/events`)
      .set('Authorization', await authOf(t.primA1))
      .send({ title: 'Конференция', kind: 'CONFERENCE', date: today() });
    const id = expectStatus(res, 201).body.id;
    const [a, b] = await Promise.all([checkin(cards[3].number, id), checkin(cards[3].number, id)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(await db().checkin.count({ where: { eventId: id } })).toBe(1);
  });

  it('the QR payload of the virtual card works as the card number', async () => {
    const res = await checkin(qrPayload(cards[1].number, await cardSigningKey()));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'CREATED', memberId: expected[1], checkedIn: 2 });
  });

  it('a QR code with a forged signature is refused with 422 and a reason', async () => {
    const forged = `EPB1:${cards[2].number}:${signCard(cards[2].number, 'not-the-server-key')}`;
    const res = await checkin(forged);
    expect(res.status).toBe(422);
    expect(res.body.error.reason).toBe('FORGED');
    expect(res.body.error.message).toMatch(/подпис/);
    expect(await db().checkin.count({ where: { eventId, memberId: expected[2] } })).toBe(0);
  });

  it('a QR code of the same card with another card number swapped in is refused with 422', async () => {
    const key = await cardSigningKey();
    const sig = qrPayload(cards[2].number, key).split(':')[2];
    const res = await checkin(`EPB1:${cards[3].number}:${sig}`);
    expect(res.status).toBe(422);
    expect(res.body.error.reason).toBe('FORGED');
  });

  it('a blocked card is refused with 422 and a reason', async () => {
    const m = (await buildMember({ org: t.primA1, lastName: 'Потерявший', firstName: 'Олег' })).memberId;
    const c = await virtualCard(t.primA1, m);
    expectStatus(
      await api()
        .post(`/api/v1/cards/${c.id}/block`)
        .set('Authorization', await authOf(t.primA1))
        .send({ reason: 'LOST' }),
      200,
    );
    const res = await checkin(c.number);
    expect(res.status).toBe(422);
    expect(res.body.error.reason).toBe('BLOCKED');
    expect(res.body.error.message).toMatch(/заблокирован/);
    expect(await db().checkin.count({ where: { eventId, memberId: m } })).toBe(0);
  });

  it('the card of a member who has left (blocked by the exit) is refused with 422', async () => {
    const m = (await buildMember({ org: t.primA1, joinedAt: '2014-01-01' })).memberId;
    const c = await virtualCard(t.primA1, m);
    expectStatus(
      await api()
        .post(`/api/v1/members/${m}/exit`)
        .set('Authorization', await authOf(t.primA1))
        .send({ date: today(), reason: 'VOLUNTARY' }),
      200,
    );
    const res = await checkin(c.number);
    expect(res.status).toBe(422);
  });

  it('a card ordered but not yet issued is refused with 422', async () => {
    const m = (await buildMember({ org: t.primA1 })).memberId;
    await submitOrder(t.primA1, [m]);
    const [c] = await cardsOf(t.primA1, m);
    const res = await checkin(c.number);
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/не выдан/);
  });

  it('an unknown card number answers 404 with a message', async () => {
    const res = await checkin('9600 0000 9999 9999');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/Не участник/);
    expect((await checkin('EPB1:garbage')).status).toBe(404);
  });

  it('an empty card number is refused with 400', async () => {
    expect((await checkin('')).status).toBe(400);
  });

  it('quorum: false at exactly half of the expected, true at more than half', async () => {
    const half = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/events`)
      .set('Authorization', await authOf(t.primA1))
      .send({ title: 'Заседание на четверых', kind: 'BOARD_MEETING', date: today(), expectedMemberIds: expected });
    const id = expectStatus(half, 201).body.id;
    expectStatus(await checkin(cards[0].number, id), 201);
    expectStatus(await checkin(cards[1].number, id), 201);
    expect(await stats(id)).toMatchObject({ checkedIn: 2, expected: 4, quorum: false });
    expectStatus(await checkin(cards[2].number, id), 201);
    expect(await stats(id)).toMatchObject({ checkedIn: 3, expected: 4, quorum: true });
  });

  it('quorum counts only the expected participants who came, not guests', async () => {
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/events`)
      .set('Authorization', await authOf(t.primA1))
      .send({
        title: 'Заседание с гостями',
        kind: 'BOARD_MEETING',
        date: today(),
        expectedMemberIds: expected.slice(0, 3),
      });
    const id = expectStatus(res, 201).body.id;
    const guest = await virtualCard(
      t.primA1,
      (await buildMember({ org: t.primA1, lastName: 'Гостева', firstName: 'Галина' })).memberId,
    );
    expectStatus(await checkin(cards[0].number, id), 201);
    expectStatus(await checkin(cards[3].number, id), 201);
    expectStatus(await checkin(guest.number, id), 201);
    expect(await stats(id)).toMatchObject({ checkedIn: 3, expected: 3, expectedPresent: 1, quorum: false });
  });

  it('an event without an expected list has no quorum figure', async () => {
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/events`)
      .set('Authorization', await authOf(t.primA1))
      .send({ title: 'Спартакиада', kind: 'EVENT', date: today() });
    const id = expectStatus(res, 201).body.id;
    expectStatus(await checkin(cards[0].number, id), 201);
    const s = await stats(id);
    expect(s).toMatchObject({ checkedIn: 1, expected: 0 });
    expect(s.quorum).not.toBe(true);
  });

  it("another primary organisation's chair gets 404 on the event and cannot check in to it", async () => {
    const auth = await authOf(t.primA2);
    expect((await api().get(`/api/v1/events/${eventId}`).set('Authorization', auth)).status).toBe(404);
    expect(
      (
        await api()
          .post(`/api/v1/events/${eventId}/checkins`)
          .set('Authorization', auth)
          .send({ cardNumber: cards[2].number })
      ).status,
    ).toBe(404);
    expect(await db().checkin.count({ where: { eventId, memberId: expected[2] } })).toBe(0);
  });

  it('an unknown event answers 404', async () => {
    expect(
      (
        await api()
          .get(`/api/v1/events/${crypto.randomUUID()}`)
          .set('Authorization', await authOf(t.primA1))
      ).status,
    ).toBe(404);
  });

  it('a profburo chair may check in at an event of its sub-unit but not create events (403)', async () => {
    const sub = await userWith('SUBUNIT_CHAIR', t.buroA1);
    const auth = await bearer(sub.id);
    const res = await api()
      .post(`/api/v1/orgs/${t.buroA1.id}/events`)
      .set('Authorization', auth)
      .send({ title: 'Собрание профбюро', kind: 'EVENT', date: today() });
    expect(res.status).toBe(403);
    const ev = expectStatus(
      await api()
        .post(`/api/v1/orgs/${t.buroA1.id}/events`)
        .set('Authorization', await authOf(t.primA1))
        .send({ title: 'Собрание профбюро', kind: 'EVENT', date: today() }),
      201,
    ).body.id;
    const buroCard = await virtualCard(t.primA1, (await buildMember({ org: t.buroA1 })).memberId);
    const c = await api()
      .post(`/api/v1/events/${ev}/checkins`)
      .set('Authorization', auth)
      .send({ cardNumber: buroCard.number });
    expect(c.status).toBe(201);
    // A member of the primary outside the profburo is not a participant of the profburo's event.
    const outside = await api()
      .post(`/api/v1/events/${ev}/checkins`)
      .set('Authorization', auth)
      .send({ cardNumber: cards[0].number });
    expect(outside.status).toBe(404);
  });
});

import QRCode from 'qrcode';
import { api, buildTree, loginAs, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { formatCardNumber, isValidCardNumber, qrPayload } from '../../src/lib/cardNumber';
import { today } from '../../src/lib/dates';
import { cardSigningKey } from '../../src/modules/cards/cards.repo';
import { authOf, binary, cardsOf, chairOf, expectPdfShows, expectStatus } from './support';

useDb();

describe('virtual card', () => {
  let t: Tree;
  let member: string;
  let card: { id: string; number: string; form: string; status: string; issuedAt: string };

  beforeAll(async () => {
    t = await buildTree();
    member = (
      await buildMember({
        org: t.primA1,
        lastName: 'Жукова',
        firstName: 'Алёна',
        middleName: 'Викторовна',
        birthDate: '1987-04-23',
        phone: '+79161234567',
        email: 'zhukova@example.org',
      })
    ).memberId;
  });

  it('is issued at once: 201 an ISSUED VIRTUAL card with a valid number, no order', async () => {
    const res = await api()
      .post(`/api/v1/members/${member}/virtual-card`)
      .set('Authorization', await authOf(t.primA1));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      form: 'VIRTUAL',
      status: 'ISSUED',
      orderId: null,
      issuedAt: today(),
      printedName: 'ЖУКОВА АЛЁНА ВИКТОРОВНА',
    });
    expect(isValidCardNumber(res.body.number)).toBe(true);
    card = res.body;
    const cards = await cardsOf(t.primA1, member);
    expect(cards).toHaveLength(1);
    expect(cards[0].history.map((h) => h.status)).toEqual(['ISSUED']);
  });

  it('a second virtual card for the same member is refused with 409', async () => {
    const res = await api()
      .post(`/api/v1/members/${member}/virtual-card`)
      .set('Authorization', await authOf(t.primA1));
    expect(res.status).toBe(409);
    expect(await cardsOf(t.primA1, member)).toHaveLength(1);
  });

  it('is refused with 422 for a member who has left the union', async () => {
    const gone = (await buildMember({ org: t.primA1, exit: { date: '2024-05-01', kind: 'EXIT_VOLUNTARY' } })).memberId;
    const res = await api()
      .post(`/api/v1/members/${gone}/virtual-card`)
      .set('Authorization', await authOf(t.primA1));
    expect(res.status).toBe(422);
  });

  it('is refused with 404 for a member of another primary organisation', async () => {
    const other = (await buildMember({ org: t.primA2 })).memberId;
    const res = await api()
      .post(`/api/v1/members/${other}/virtual-card`)
      .set('Authorization', await authOf(t.primA1));
    expect(res.status).toBe(404);
  });

  it('the page shows the name, organisation, number and a QR <img> that encodes only the number and the signature', async () => {
    const agent = await loginAs((await chairOf(t.primA1)).login);
    const res = await agent.get(`/cards/${card.id}/virtual`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Жукова Алёна Викторовна');
    expect(res.text).toContain('ППО школы А1');
    expect(res.text).toContain(formatCardNumber(card.number));
    const img = /<img[^>]+src="(data:image\/svg\+xml;base64,[^"]+)"/.exec(res.text);
    expect(img).not.toBeNull();
    // The same QR as one made from "EPB1:<number>:<signature>" alone: no personal data inside.
    const svg = await QRCode.toString(qrPayload(card.number, await cardSigningKey()), {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 1,
    });
    expect(img![1]).toBe(`data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`);
  });

  it('the page shows no birth date, phone or e-mail', async () => {
    const agent = await loginAs((await chairOf(t.primA1)).login);
    const res = await agent.get(`/cards/${card.id}/virtual`);
    expect(res.status).toBe(200);
    for (const secret of ['23.04.1987', '1987-04-23', '79161234567', '916 123', 'zhukova@example.org'])
      expect(res.text).not.toContain(secret);
  });

  it('the PDF has the Cyrillic name, the organisation and the number in an embedded font', async () => {
    const agent = await loginAs((await chairOf(t.primA1)).login);
    const res = await agent.get(`/cards/${card.id}/virtual?format=pdf`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = expectPdfShows(res.body, ['Жукова Алёна Викторовна', 'ППО школы А1', formatCardNumber(card.number)]);
    if (text)
      for (const secret of ['23.04.1987', '79161234567', 'zhukova@example.org']) expect(text).not.toContain(secret);
  });

  it('every view of the card is written to the audit log', async () => {
    const rows = await db().auditLog.findMany({ where: { action: 'card.viewed', entityId: card.id } });
    expect(rows.map((r) => (r.details as { format: string }).format).sort()).toEqual(['html', 'html', 'pdf']);
  });

  it('a blocked card shows no QR code, only that it is not valid', async () => {
    expectStatus(
      await api()
        .post(`/api/v1/cards/${card.id}/block`)
        .set('Authorization', await authOf(t.primA1))
        .send({ reason: 'LOST' }),
      200,
    );
    const agent = await loginAs((await chairOf(t.primA1)).login);
    const res = await agent.get(`/cards/${card.id}/virtual`);
    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(/<img[^>]+data:image/);
    expect(res.text).toContain('недействителен');
  });

  it('the page of a virtual card of another primary organisation answers 404', async () => {
    const other = (await buildMember({ org: t.primA2 })).memberId;
    const c = expectStatus(
      await api()
        .post(`/api/v1/members/${other}/virtual-card`)
        .set('Authorization', await authOf(t.primA2)),
      201,
    ).body;
    const agent = await loginAs((await chairOf(t.primA1)).login);
    expect((await agent.get(`/cards/${c.id}/virtual`)).status).toBe(404);
    expect((await agent.get(`/cards/${c.id}/virtual?format=pdf`)).status).toBe(404);
  });
});

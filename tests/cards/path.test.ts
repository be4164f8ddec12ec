import { api, buildTree, useDb, type Tree } from '../helpers';
import { buildMember, buildOrg } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { today } from '../../src/lib/dates';
import {
  authOf,
  binary,
  cardsOf,
  createBatch,
  deliverDown,
  expectStatus,
  forwardUp,
  issueOrder,
  produceAndDeliver,
  submitOrder,
  xlsxRows,
} from './support';

useDb();

/**
 * One plastic card's whole path, step by step through the API: the primary organisation orders, the
 * territorial and regional chairs forward, the central council makes a batch and the manufacturer's file,
 * the batch is produced and delivered, each level hands the cards down, the primary chair issues them.
 */
describe('the whole path of a plastic card, from order to issue', () => {
  let t: Tree;
  let anna: string;
  let oleg: string;
  let boris: string;
  let orderId: string;
  let orderB: string;
  let batchId: string;

  const order = async (id: string, org = t.primA1) =>
    expectStatus(
      await api()
        .get(`/api/v1/card-orders/${id}`)
        .set('Authorization', await authOf(org)),
      200,
    ).body;

  beforeAll(async () => {
    t = await buildTree();
    anna = (
      await buildMember({
        org: t.primA1,
        lastName: 'Петрова',
        firstName: 'Анна',
        middleName: 'Сергеевна',
        birthDate: '1985-03-14',
      })
    ).memberId;
    oleg = (
      await buildMember({
        org: t.buroA1,
        lastName: 'Орлов',
        firstName: 'Олег',
        middleName: null,
        birthDate: '1979-11-02',
      })
    ).memberId;
    boris = (
      await buildMember({
        org: t.primB1,
        lastName: 'Белов',
        firstName: 'Борис',
        middleName: 'Юрьевич',
        birthDate: '1990-06-30',
      })
    ).memberId;
  });

  it('the primary chair submits an order: 201 {id, status SUBMITTED, count}, held by the territorial organisation', async () => {
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/card-orders`)
      .set('Authorization', await authOf(t.primA1))
      .send({ memberIds: [anna, oleg] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'SUBMITTED', count: 2 });
    orderId = res.body.id;
    const o = await order(orderId);
    expect(o).toMatchObject({ organisationId: t.primA1.id, holderId: t.terrA1.id, status: 'SUBMITTED', count: 2 });
    expect(o.cards.map((c: { status: string }) => c.status)).toEqual(['ORDERED', 'ORDERED']);
    expect(o.cards.map((c: { memberId: string }) => c.memberId).sort()).toEqual([anna, oleg].sort());
    // ФИО as it will be printed: the registry's spelling in capitals.
    expect(o.cards.map((c: { printedName: string }) => c.printedName).sort()).toEqual([
      'ОРЛОВ ОЛЕГ',
      'ПЕТРОВА АННА СЕРГЕЕВНА',
    ]);
  });

  it('the territorial chair sees the incoming order in its subtree and forwards it to the region', async () => {
    const auth = await authOf(t.terrA1);
    const list = expectStatus(
      await api().get(`/api/v1/orgs/${t.terrA1.id}/card-orders`).set('Authorization', auth),
      200,
    ).body;
    expect(list.items.map((o: { id: string }) => o.id)).toContain(orderId);
    expect(list.items.find((o: { id: string }) => o.id === orderId)).toMatchObject({
      status: 'SUBMITTED',
      count: 2,
      holderId: t.terrA1.id,
    });
    const res = await api().post(`/api/v1/card-orders/${orderId}/forward`).set('Authorization', auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'FORWARDED', holderId: t.regionA.id });
  });

  it('the territorial chair cannot forward the same order twice once it has left', async () => {
    const res = await api()
      .post(`/api/v1/card-orders/${orderId}/forward`)
      .set('Authorization', await authOf(t.terrA1));
    expect([403, 404, 409, 422]).toContain(res.status);
    expect((await order(orderId)).holderId).toBe(t.regionA.id);
  });

  it('the regional chair sees it among FORWARDED orders and forwards it to the central council', async () => {
    const auth = await authOf(t.regionA);
    const list = expectStatus(
      await api().get(`/api/v1/orgs/${t.regionA.id}/card-orders?status=FORWARDED`).set('Authorization', auth),
      200,
    ).body;
    expect(list.items.map((o: { id: string }) => o.id)).toEqual([orderId]);
    const res = await api().post(`/api/v1/card-orders/${orderId}/forward`).set('Authorization', auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'FORWARDED', holderId: t.central.id });
  });

  it('the central council cannot forward further up', async () => {
    const res = await api()
      .post(`/api/v1/card-orders/${orderId}/forward`)
      .set('Authorization', await authOf(t.central));
    expect(res.status).toBe(422);
  });

  it('the central council batches every forwarded order (and no order still on its way): 201 {id, count, byRegion}', async () => {
    // Region Б's order reaches the central council too; a second order of region А stays at its territorial.
    const b = expectStatus(
      await api()
        .post(`/api/v1/orgs/${t.primB1.id}/card-orders`)
        .set('Authorization', await authOf(t.primB1))
        .send({ memberIds: [boris] }),
      201,
    );
    orderB = b.body.id;
    expectStatus(
      await api()
        .post(`/api/v1/card-orders/${orderB}/forward`)
        .set('Authorization', await authOf(t.terrB1)),
      200,
    );
    expectStatus(
      await api()
        .post(`/api/v1/card-orders/${orderB}/forward`)
        .set('Authorization', await authOf(t.regionB)),
      200,
    );
    const waiting = (await buildMember({ org: t.primA2 })).memberId;
    const pending = expectStatus(
      await api()
        .post(`/api/v1/orgs/${t.primA2.id}/card-orders`)
        .set('Authorization', await authOf(t.primA2))
        .send({ memberIds: [waiting] }),
      201,
    ).body.id;

    const res = await api()
      .post('/api/v1/card-batches')
      .set('Authorization', await authOf(t.central))
      .send({ allForwarded: true });
    expect(res.status).toBe(201);
    batchId = res.body.id;
    expect(res.body.count).toBe(3);
    expect(res.body.byRegion).toEqual([
      { organisationId: t.regionA.id, name: 'Региональная А', count: 2 },
      { organisationId: t.regionB.id, name: 'Региональная Б', count: 1 },
    ]);
    expect((await order(orderId)).status).toBe('IN_BATCH');
    expect((await order(orderId)).cards.every((c: { status: string }) => c.status === 'IN_PRODUCTION')).toBe(true);
    expect((await order(pending, t.primA2)).status).toBe('SUBMITTED');
  });

  it('a second batch with nothing forwarded is refused with 422', async () => {
    const res = await api()
      .post('/api/v1/card-batches')
      .set('Authorization', await authOf(t.central))
      .send({ allForwarded: true });
    expect(res.status).toBe(422);
  });

  it('the manufacturer file in XLSX has a header row and one row per card: number, ФИО, organisation path, region', async () => {
    const res = await api()
      .get(`/api/v1/card-batches/${batchId}/file?format=xlsx`)
      .set('Authorization', await authOf(t.central))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    const rows = await xlsxRows(res.body);
    expect(rows[0]).toEqual(['Номер карты', 'ФИО', 'Организация', 'Регион']);
    expect(rows).toHaveLength(4);
    const cards = [...(await order(orderId)).cards, ...(await order(orderB, t.primB1)).cards] as {
      number: string;
      printedName: string;
    }[];
    const byNumber = new Map(rows.slice(1).map((r) => [String(r[0]), r]));
    expect([...byNumber.keys()].sort()).toEqual(cards.map((c) => c.number).sort());
    const annaRow = byNumber.get(cards.find((c) => c.printedName.startsWith('ПЕТРОВА'))!.number)!;
    expect(annaRow).toEqual([
      expect.any(String),
      'ПЕТРОВА АННА СЕРГЕЕВНА',
      'Региональная А / Районная А1 / ППО школы А1',
      'Региональная А',
    ]);
    const borisRow = byNumber.get(cards.find((c) => c.printedName.startsWith('БЕЛОВ'))!.number)!;
    expect(borisRow.slice(1)).toEqual([
      'БЕЛОВ БОРИС ЮРЬЕВИЧ',
      'Региональная Б / Районная Б1 / ППО школы Б1',
      'Региональная Б',
    ]);
    // The number stays a 16-digit text, not a number that a spreadsheet would round.
    expect(typeof annaRow[0]).toBe('string');
    expect(annaRow[0]).toMatch(/^\d{16}$/);
  });

  it('the manufacturer file in CSV has the same rows, UTF-8 with a BOM, separated by semicolons', async () => {
    const res = await api()
      .get(`/api/v1/card-batches/${batchId}/file?format=csv`)
      .set('Authorization', await authOf(t.central))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const text = (res.body as Buffer).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split(/\r\n/);
    expect(lines[0]).toBe('Номер карты;ФИО;Организация;Регион');
    expect(lines).toHaveLength(4);
    expect(
      lines.some((l) =>
        /^\d{16};ПЕТРОВА АННА СЕРГЕЕВНА;Региональная А \/ Районная А1 \/ ППО школы А1;Региональная А$/.test(l),
      ),
    ).toBe(true);
    const audit = await db().auditLog.findMany({ where: { action: 'card.batch.exported', entityId: batchId } });
    expect(audit.map((a) => a.rowCount)).toEqual([3, 3]);
  });

  it('an unknown format of the file is refused with 400', async () => {
    const res = await api()
      .get(`/api/v1/card-batches/${batchId}/file?format=pdf`)
      .set('Authorization', await authOf(t.central));
    expect(res.status).toBe(400);
  });

  it('delivery before production is refused with 422; produced then delivered puts each order at its region', async () => {
    const auth = await authOf(t.central);
    expect((await api().post(`/api/v1/card-batches/${batchId}/delivered`).set('Authorization', auth)).status).toBe(422);
    const produced = await api().post(`/api/v1/card-batches/${batchId}/produced`).set('Authorization', auth);
    expect(produced.status).toBe(200);
    expect((await order(orderId)).status).toBe('PRODUCED');
    expect((await api().post(`/api/v1/card-batches/${batchId}/produced`).set('Authorization', auth)).status).toBe(422);
    const delivered = await api().post(`/api/v1/card-batches/${batchId}/delivered`).set('Authorization', auth);
    expect(delivered.status).toBe(200);
    const o = await order(orderId);
    expect(o).toMatchObject({ status: 'DELIVERED', holderId: t.regionA.id });
    expect(o.cards.every((c: { status: string }) => c.status === 'DELIVERED_REGION')).toBe(true);
    expect((await order(orderB, t.primB1)).holderId).toBe(t.regionB.id);
  });

  it('the primary chair cannot issue cards that are still at the region', async () => {
    const res = await api()
      .post('/api/v1/cards/issue')
      .set('Authorization', await authOf(t.primA1))
      .send({ orderId });
    expect(res.status).toBe(422);
  });

  it('the region marks delivery to the territorial organisation; the cards are still "delivered to the region"', async () => {
    const res = await api()
      .post(`/api/v1/card-orders/${orderId}/delivered`)
      .set('Authorization', await authOf(t.regionA));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'DELIVERED', holderId: t.terrA1.id });
    expect((await order(orderId)).cards.every((c: { status: string }) => c.status === 'DELIVERED_REGION')).toBe(true);
  });

  it('the territorial organisation marks delivery to the primary one: the cards become DELIVERED_PRIMARY', async () => {
    const res = await api()
      .post(`/api/v1/card-orders/${orderId}/delivered`)
      .set('Authorization', await authOf(t.terrA1));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ holderId: t.primA1.id });
    expect((await order(orderId)).cards.every((c: { status: string }) => c.status === 'DELIVERED_PRIMARY')).toBe(true);
    // Nothing further down to hand to.
    const again = await api()
      .post(`/api/v1/card-orders/${orderId}/delivered`)
      .set('Authorization', await authOf(t.primA1));
    expect(again.status).toBe(422);
  });

  it('an issue date in the future is refused with 400', async () => {
    const res = await api()
      .post('/api/v1/cards/issue')
      .set('Authorization', await authOf(t.primA1))
      .send({ orderId, date: '2999-01-01' });
    expect(res.status).toBe(400);
  });

  it('the primary chair issues the whole order: the cards are ISSUED today and the order is closed', async () => {
    const res = await api()
      .post('/api/v1/cards/issue')
      .set('Authorization', await authOf(t.primA1))
      .send({ orderId });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ issued: 2 });
    const o = await order(orderId);
    expect(o.status).toBe('CLOSED');
    expect(
      o.cards.every((c: { status: string; issuedAt: string }) => c.status === 'ISSUED' && c.issuedAt === today()),
    ).toBe(true);
  });

  it("the member's cards show the status history in order, with dates", async () => {
    const cards = await cardsOf(t.primA1, anna);
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ form: 'PLASTIC', status: 'ISSUED', orderId });
    expect(cards[0].history.map((h) => h.status)).toEqual([
      'ORDERED',
      'IN_PRODUCTION',
      'DELIVERED_REGION',
      'DELIVERED_PRIMARY',
      'ISSUED',
    ]);
    expect(cards[0].history.every((h) => h.date === today())).toBe(true);
  });

  it("the member of the profburo got the card through the primary organisation's order as well", async () => {
    const cards = await cardsOf(t.primA1, oleg);
    expect(cards.map((c) => c.status)).toEqual(['ISSUED']);
  });
});

describe('the path of a card for a primary organisation directly under the region', () => {
  it('goes region → central council and back to the primary organisation, then is issued', async () => {
    const central = await buildOrg(null, 'CENTRAL', { name: 'ЦС' });
    const region = await buildOrg(central, 'REGIONAL', { name: 'Региональная В' });
    const primary = await buildOrg(region, 'PRIMARY', { name: 'ППО вуза В', institutionType: 'OOVO' });
    const m = (await buildMember({ org: primary, lastName: 'Прямова', firstName: 'Полина' })).memberId;
    const id = await submitOrder(primary, [m]);
    const first = expectStatus(
      await api()
        .get(`/api/v1/card-orders/${id}`)
        .set('Authorization', await authOf(primary)),
      200,
    ).body;
    expect(first.holderId).toBe(region.id);
    await forwardUp(id, primary);
    const batch = await createBatch(central);
    expect(batch.byRegion).toEqual([{ organisationId: region.id, name: 'Региональная В', count: 1 }]);
    await produceAndDeliver(central, batch.id);
    await deliverDown(id, primary);
    await issueOrder(primary, id);
    const [card] = await cardsOf(primary, m);
    expect(card.history.map((h) => h.status)).toEqual([
      'ORDERED',
      'IN_PRODUCTION',
      'DELIVERED_REGION',
      'DELIVERED_PRIMARY',
      'ISSUED',
    ]);
  });
});

import type request from 'supertest';
import { api, buildTree, csrfFrom, loginAs, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { authOf, binary, chairOf, expectStatus, virtualCard } from './support';

useDb();

/** The same path of a card through the pages (forms with CSRF), as the chairs of each level click it. */
describe('card pages: the path of an order through the UI', () => {
  let t: Tree;
  let anna: string;
  let boris: string;
  let vera: string;
  let orderId: string;
  let batchId: string;
  const agents = new Map<string, request.Agent>();
  const as = async (org: { id: string }) => {
    if (!agents.has(org.id)) agents.set(org.id, await loginAs((await chairOf(org)).login));
    return agents.get(org.id)!;
  };
  const submit = async (
    org: { id: string },
    page: string,
    url: string,
    data: Record<string, string | string[]> = {},
  ) => {
    const agent = await as(org);
    const csrf = await csrfFrom(agent, page);
    return agent
      .post(url)
      .type('form')
      .send({ _csrf: csrf, ...data });
  };
  const order = async () =>
    expectStatus(
      await api()
        .get(`/api/v1/card-orders/${orderId}`)
        .set('Authorization', await authOf(t.primA1)),
      200,
    ).body;

  beforeAll(async () => {
    t = await buildTree();
    anna = (await buildMember({ org: t.primA1, lastName: 'Петрова', firstName: 'Анна', middleName: 'Сергеевна' }))
      .memberId;
    boris = (await buildMember({ org: t.primA1, lastName: 'Белов', firstName: 'Борис', middleName: 'Юрьевич' }))
      .memberId;
    vera = (await buildMember({ org: t.primA1, lastName: 'Виртуальная', firstName: 'Вера' })).memberId;
    await virtualCard(t.primA1, vera);
  });

  it('the primary hub lists the members without a card with the name as it will be printed', async () => {
    const res = await (await as(t.primA1)).get(`/orgs/${t.primA1.id}/cards`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('ПЕТРОВА АННА СЕРГЕЕВНА');
    expect(res.text).toContain(`value="${boris}"`);
    expect(res.text).not.toContain(`value="${vera}"`);
  });

  it('the primary chair submits the order from the form', async () => {
    const res = await submit(t.primA1, `/orgs/${t.primA1.id}/cards`, `/orgs/${t.primA1.id}/cards/order`, {
      memberIds: [anna, boris],
    });
    expect(res.status).toBe(303);
    const o = await db().cardOrder.findFirstOrThrow({ where: { organisationId: t.primA1.id } });
    orderId = o.id;
    expect(await order()).toMatchObject({ status: 'SUBMITTED', count: 2, holderId: t.terrA1.id });
    const hub = await (await as(t.primA1)).get(`/orgs/${t.primA1.id}/cards`);
    expect(hub.text).not.toContain(`value="${anna}"`);
  });

  it('a return from the page without a reason is refused and the order stays', async () => {
    const res = await submit(t.terrA1, `/card-orders/${orderId}`, `/card-orders/${orderId}/return`, { comment: '' });
    expect(res.status).toBe(303);
    const page = await (await as(t.terrA1)).get(res.headers.location);
    expect(page.text).toMatch(/Не выполнено/);
    expect((await order()).status).toBe('SUBMITTED');
  });

  it('the territorial hub shows the incoming order; its chair forwards it from the page, then the region does', async () => {
    const hub = await (await as(t.terrA1)).get(`/orgs/${t.terrA1.id}/cards`);
    expect(hub.text).toContain(`/card-orders/${orderId}/forward`);
    expect((await submit(t.terrA1, `/orgs/${t.terrA1.id}/cards`, `/card-orders/${orderId}/forward`)).status).toBe(303);
    expect(await order()).toMatchObject({ status: 'FORWARDED', holderId: t.regionA.id });
    expect((await submit(t.regionA, `/orgs/${t.regionA.id}/cards`, `/card-orders/${orderId}/forward`)).status).toBe(
      303,
    );
    expect(await order()).toMatchObject({ status: 'FORWARDED', holderId: t.central.id });
  });

  it("another region's hub does not show the order", async () => {
    const hub = await (await as(t.regionB)).get(`/orgs/${t.regionB.id}/cards`);
    expect(hub.status).toBe(200);
    expect(hub.text).not.toContain(orderId);
  });

  it('the central hub forms the batch from the forwarded cards, and offers the files', async () => {
    const hub = await (await as(t.central)).get(`/orgs/${t.central.id}/cards`);
    expect(hub.text).toMatch(/Переданных в ЦС карт: <strong>2<\/strong>/);
    expect((await submit(t.central, `/orgs/${t.central.id}/cards`, '/card-batches')).status).toBe(303);
    const b = await db().cardBatch.findFirstOrThrow();
    batchId = b.id;
    expect((await order()).status).toBe('IN_BATCH');
    const after = await (await as(t.central)).get(`/orgs/${t.central.id}/cards`);
    expect(after.text).toContain(`/card-batches/${batchId}/file?format=xlsx`);
    const csv = await (await as(t.central)).get(`/card-batches/${batchId}/file?format=csv`).buffer(true).parse(binary);
    expect(csv.status).toBe(200);
    expect((csv.body as Buffer).toString('utf8')).toContain('ПЕТРОВА АННА СЕРГЕЕВНА');
  });

  it('the file page answers 404 to a regional chair', async () => {
    expect((await (await as(t.regionA)).get(`/card-batches/${batchId}/file?format=csv`)).status).toBe(404);
  });

  it('produced, delivered and handed down level by level from the pages', async () => {
    expect((await submit(t.central, `/orgs/${t.central.id}/cards`, `/card-batches/${batchId}/produced`)).status).toBe(
      303,
    );
    expect((await submit(t.central, `/orgs/${t.central.id}/cards`, `/card-batches/${batchId}/delivered`)).status).toBe(
      303,
    );
    expect(await order()).toMatchObject({ status: 'DELIVERED', holderId: t.regionA.id });
    expect((await submit(t.regionA, `/card-orders/${orderId}`, `/card-orders/${orderId}/delivered`)).status).toBe(303);
    expect((await submit(t.terrA1, `/card-orders/${orderId}`, `/card-orders/${orderId}/delivered`)).status).toBe(303);
    const o = await order();
    expect(o.holderId).toBe(t.primA1.id);
    expect(o.cards.every((c: { status: string }) => c.status === 'DELIVERED_PRIMARY')).toBe(true);
  });

  it('the primary chair issues one card, then the rest: the order closes only when every card is issued', async () => {
    const cards = (await order()).cards as { id: string; memberId: string }[];
    const annaCard = cards.find((c) => c.memberId === anna)!.id;
    expect(
      (await submit(t.primA1, `/card-orders/${orderId}`, `/card-orders/${orderId}/issue`, { cardIds: [annaCard] }))
        .status,
    ).toBe(303);
    let o = await order();
    expect(o.cards.find((c: { id: string }) => c.id === annaCard).status).toBe('ISSUED');
    expect(o.cards.filter((c: { status: string }) => c.status === 'ISSUED')).toHaveLength(1);
    expect(o.status).toBe('DELIVERED');
    expect(
      (await submit(t.primA1, `/card-orders/${orderId}`, `/card-orders/${orderId}/issue`, { all: 'on' })).status,
    ).toBe(303);
    o = await order();
    expect(o.status).toBe('CLOSED');
    expect(o.cards.every((c: { status: string }) => c.status === 'ISSUED')).toBe(true);
  });

  it("the member's page shows the card with its history", async () => {
    const res = await (await as(t.primA1)).get(`/members/${anna}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('выдан');
    expect(res.text).toContain('доставлен в ППО');
  });
});

describe('OpenAPI document', () => {
  it('describes the card, verify and event endpoints', async () => {
    const res = await api().get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/members/{id}/cards',
        '/api/v1/orgs/{id}/card-orders',
        '/api/v1/card-orders/{id}/forward',
        '/api/v1/card-orders/{id}/return',
        '/api/v1/card-orders/{id}/delivered',
        '/api/v1/card-batches',
        '/api/v1/card-batches/{id}/file',
        '/api/v1/cards/issue',
        '/api/v1/members/{id}/virtual-card',
        '/api/v1/cards/{id}/block',
        '/api/v1/cards/{id}/reissue',
        '/api/v1/orgs/{id}/cards/progress',
        '/api/v1/verify',
        '/api/v1/orgs/{id}/events',
        '/api/v1/events/{id}/checkins',
        '/api/v1/events/{id}',
      ]),
    );
  });
});

import { AppError } from '../../http/errors';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { fromDate, today } from '../../lib/dates';
import { sendCsv, sendXlsx } from '../../lib/exports';
import { isAdmin, visiblePaths } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { findVisible, type OrgRow } from '../organisations/organisations.repo';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import {
  batchFileRows,
  batchByRegion,
  cardsOfMember,
  findBatch,
  findCard,
  findOrder,
  ordersInSubtree,
  type OrderFull,
  findCardHolderVisible,
} from './cards.repo';
import {
  batchInput,
  blockInput,
  fileQuery,
  issueInput,
  orderInput,
  orderStatusQuery,
  progressQuery,
  reissueInput,
  returnInput,
} from './cards.input';
import {
  blockCard,
  createBatch,
  forwardOrder,
  issueCards,
  issueVirtualCard,
  markBatchDelivered,
  markBatchProduced,
  markOrderDeliveredDown,
  reissueCard,
  returnOrder,
  submitOrder,
} from './cards.service';
import { cardProgress } from './progress.repo';

export function cardJson(c: {
  id: string;
  number: string;
  form: string;
  status: string;
  printedName: string | null;
  issuedAt: Date | null;
  blockedAt: Date | null;
  blockReason: string | null;
  orderId: string | null;
  replacesId: string | null;
  events?: { status: string; date: Date; note: string | null }[];
}) {
  return {
    id: c.id,
    number: c.number,
    form: c.form,
    status: c.status,
    printedName: c.printedName,
    issuedAt: c.issuedAt ? fromDate(c.issuedAt) : null,
    blockedAt: c.blockedAt ? fromDate(c.blockedAt) : null,
    blockReason: c.blockReason,
    orderId: c.orderId,
    replacesId: c.replacesId,
    ...(c.events ? { history: c.events.map((e) => ({ status: e.status, date: fromDate(e.date), note: e.note })) } : {}),
  };
}

export function orderJson(
  o: {
    id: string;
    number: number;
    organisationId: string;
    holderId: string;
    status: string;
    comment: string | null;
    batchId: string | null;
    submittedAt: Date;
    version: number;
  },
  count: number,
) {
  return {
    id: o.id,
    number: o.number,
    organisationId: o.organisationId,
    holderId: o.holderId,
    status: o.status,
    comment: o.comment,
    batchId: o.batchId,
    submittedAt: o.submittedAt.toISOString(),
    count,
    version: o.version,
  };
}

/** An order is seen by whoever sees its primary organisation (the holders are all above it). */
export async function loadOrderFor(ctx: Ctx, id: string): Promise<{ order: OrderFull; primary: OrgRow }> {
  const order = await findOrder(id);
  const primary = order ? await findVisible(ctx.actor, order.organisationId) : null;
  if (!order || !primary) throw new AppError('NOT_FOUND');
  return { order, primary };
}

/** The holder of the order, on which the forwarding actions are checked. */
export async function holderFor(ctx: Ctx, order: OrderFull): Promise<OrgRow> {
  const holder = await findVisible(ctx.actor, order.holderId);
  if (!holder) throw new AppError('FORBIDDEN', 'Заявка сейчас у вышестоящей организации');
  ctx.authorize(holder.path);
  return holder;
}

export async function loadCentral(ctx: Ctx): Promise<OrgRow> {
  const centralId = ctx.actor.assignments.find((a) => a.orgKind === 'CENTRAL')?.organisationId;
  const central = centralId ? await findVisible(ctx.actor, centralId) : null;
  if (!central) throw new AppError('NOT_FOUND');
  ctx.authorize(central.path);
  return central;
}

export function cardApiRoutes(): RouteDef[] {
  const T = 'Профсоюзные билеты';
  return [
    route({
      method: 'get',
      path: '/members/:id/cards',
      kind: 'api',
      action: 'card.view',
      tag: T,
      summary: 'Билеты члена Профсоюза с историей статусов',
      params: idParams,
      async handler(ctx) {
        const m = await findCardHolderVisible(ctx.actor, ctx.params.id);
        if (!m) throw new AppError('NOT_FOUND');
        ctx.authorize(m.organisation.path);
        ctx.res.json({ items: (await cardsOfMember(m.id)).map(cardJson) });
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/card-orders',
      kind: 'api',
      action: 'card.order',
      tag: T,
      summary: 'Заявка первичной организации на пластиковые билеты',
      status: 201,
      params: idParams,
      body: orderInput,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        ctx.res.status(201).json(await submitOrder(ctx.actor, org, ctx.body));
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/card-orders',
      kind: 'api',
      action: 'card.view',
      tag: T,
      summary: 'Заявки поддерева',
      params: idParams,
      query: orderStatusQuery,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const { items, total } = await ordersInSubtree(org.path, ctx.query.status, ctx.query.page, ctx.query.pageSize);
        ctx.res.json({
          items: items.map((o) => orderJson(o, o._count.cards)),
          page: ctx.query.page,
          pageSize: ctx.query.pageSize,
          total,
        });
      },
    }),
    route({
      method: 'get',
      path: '/card-orders/:id',
      kind: 'api',
      action: 'card.view',
      tag: T,
      summary: 'Заявка с картами',
      params: idParams,
      async handler(ctx) {
        const { order, primary } = await loadOrderFor(ctx, ctx.params.id);
        ctx.authorize(primary.path);
        ctx.res.json({
          ...orderJson(order, order.cards.length),
          cards: order.cards.map((c) => ({ ...cardJson(c), memberId: c.memberId })),
        });
      },
    }),
    route({
      method: 'post',
      path: '/card-orders/:id/forward',
      kind: 'api',
      action: 'card.forward',
      tag: T,
      summary: 'Передать заявку на уровень выше',
      params: idParams,
      async handler(ctx) {
        const { order } = await loadOrderFor(ctx, ctx.params.id);
        const holder = await holderFor(ctx, order);
        await forwardOrder(ctx.actor, order, holder);
        const o = (await findOrder(order.id))!;
        ctx.res.json(orderJson(o, o.cards.length));
      },
    }),
    route({
      method: 'post',
      path: '/card-orders/:id/return',
      kind: 'api',
      action: 'card.forward',
      tag: T,
      summary: 'Вернуть заявку в первичную организацию с комментарием',
      params: idParams,
      body: returnInput,
      async handler(ctx) {
        const { order } = await loadOrderFor(ctx, ctx.params.id);
        const holder = await holderFor(ctx, order);
        await returnOrder(ctx.actor, order, holder, ctx.body.comment);
        const o = (await findOrder(order.id))!;
        ctx.res.json(orderJson(o, o.cards.length));
      },
    }),
    route({
      method: 'post',
      path: '/card-orders/:id/delivered',
      kind: 'api',
      action: 'card.forward',
      tag: T,
      summary: 'Отметить передачу карт на уровень ниже',
      params: idParams,
      async handler(ctx) {
        const { order, primary } = await loadOrderFor(ctx, ctx.params.id);
        const holder = await holderFor(ctx, order);
        await markOrderDeliveredDown(ctx.actor, order, holder, primary.path);
        const o = (await findOrder(order.id))!;
        ctx.res.json(orderJson(o, o.cards.length));
      },
    }),
    route({
      method: 'post',
      path: '/card-batches',
      kind: 'api',
      action: 'card.batch',
      tag: T,
      summary: 'Сформировать производственную партию (ЦС)',
      status: 201,
      body: batchInput,
      async handler(ctx) {
        const central = await loadCentral(ctx);
        ctx.res.status(201).json(await createBatch(ctx.actor, central, ctx.body));
      },
    }),
    route({
      method: 'get',
      path: '/card-batches/:id',
      kind: 'api',
      action: 'card.view',
      tag: T,
      summary: 'Партия: счётчики по регионам (регион видит только свои)',
      params: idParams,
      async handler(ctx) {
        const b = await findBatch(ctx.params.id);
        if (!b) throw new AppError('NOT_FOUND');
        const paths = visiblePaths(ctx.actor);
        const all = await batchByRegion(b.id);
        const mine =
          isAdmin(ctx.actor) || ctx.actor.assignments.some((a) => a.orgKind === 'CENTRAL')
            ? all
            : await batchByRegion(b.id, paths);
        if (!mine.length) throw new AppError('NOT_FOUND');
        ctx.authorize(ctx.actor.assignments[0].orgPath);
        ctx.res.json({
          id: b.id,
          number: b.number,
          status: b.status,
          createdAt: b.createdAt.toISOString(),
          count: mine.reduce((s, r) => s + r.count, 0),
          byRegion: mine,
        });
      },
    }),
    route({
      method: 'get',
      path: '/card-batches/:id/file',
      kind: 'api',
      action: 'card.batch',
      tag: T,
      summary: 'Файл для изготовителя (XLSX или CSV)',
      params: idParams,
      query: fileQuery,
      async handler(ctx) {
        await loadCentral(ctx);
        const b = await findBatch(ctx.params.id);
        if (!b) throw new AppError('NOT_FOUND');
        await sendBatchFile(ctx, b, ctx.query.format);
      },
    }),
    route({
      method: 'post',
      path: '/card-batches/:id/produced',
      kind: 'api',
      action: 'card.batch',
      tag: T,
      summary: 'Партия изготовлена',
      params: idParams,
      async handler(ctx) {
        await loadCentral(ctx);
        await markBatchProduced(ctx.actor, ctx.params.id);
        ctx.res.json({ id: ctx.params.id, status: 'PRODUCED' });
      },
    }),
    route({
      method: 'post',
      path: '/card-batches/:id/delivered',
      kind: 'api',
      action: 'card.batch',
      tag: T,
      summary: 'Партия доставлена в регионы',
      params: idParams,
      async handler(ctx) {
        await loadCentral(ctx);
        await markBatchDelivered(ctx.actor, ctx.params.id);
        ctx.res.json({ id: ctx.params.id, status: 'DELIVERED' });
      },
    }),
    route({
      method: 'post',
      path: '/cards/issue',
      kind: 'api',
      action: 'card.issue',
      tag: T,
      summary: 'Выдать карты членам Профсоюза',
      body: issueInput,
      async handler(ctx) {
        let ids = ctx.body.cardIds ?? [];
        if (ctx.body.orderId) {
          const { order, primary } = await loadOrderFor(ctx, ctx.body.orderId);
          ctx.authorize(primary.path);
          ids = [...ids, ...order.cards.filter((c) => c.status === 'DELIVERED_PRIMARY').map((c) => c.id)];
        }
        for (const id of ids) {
          const c = await findCard(id);
          if (!c) throw new AppError('NOT_FOUND');
          const org = await findVisible(ctx.actor, c.member.organisationId);
          if (!org) throw new AppError('NOT_FOUND');
          ctx.authorize(org.path);
        }
        if (!ids.length) throw new AppError('UNPROCESSABLE', 'Нет карт, готовых к выдаче');
        const n = await issueCards(ctx.actor, ids, ctx.body.date ?? today());
        ctx.res.json({ issued: n });
      },
    }),
    route({
      method: 'post',
      path: '/members/:id/virtual-card',
      kind: 'api',
      action: 'card.issue',
      tag: T,
      summary: 'Выпустить виртуальный билет',
      status: 201,
      params: idParams,
      async handler(ctx) {
        const m = await findCardHolderVisible(ctx.actor, ctx.params.id);
        if (!m) throw new AppError('NOT_FOUND');
        ctx.authorize(m.organisation.path);
        const card = await issueVirtualCard(ctx.actor, m);
        ctx.res.status(201).json(cardJson({ ...card, blockedAt: null, blockReason: null }));
      },
    }),
    route({
      method: 'post',
      path: '/cards/:id/block',
      kind: 'api',
      action: 'card.block',
      tag: T,
      summary: 'Заблокировать билет',
      params: idParams,
      body: blockInput,
      async handler(ctx) {
        const c = await loadCardFor(ctx, ctx.params.id);
        await blockCard(ctx.actor, c, ctx.body.reason);
        ctx.res.json(cardJson((await findCard(c.id))!));
      },
    }),
    route({
      method: 'post',
      path: '/cards/:id/reissue',
      kind: 'api',
      action: 'card.block',
      tag: T,
      summary: 'Перевыпустить билет (новый номер, старый блокируется)',
      status: 201,
      params: idParams,
      body: reissueInput,
      async handler(ctx) {
        const c = await loadCardFor(ctx, ctx.params.id);
        const fresh = await reissueCard(ctx.actor, c, ctx.body.reason);
        ctx.res.status(201).json(cardJson({ ...fresh, blockedAt: null, blockReason: null }));
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/cards/progress',
      kind: 'api',
      action: 'card.progress',
      tag: T,
      summary: 'Ход обмена билетов на дату',
      params: idParams,
      query: progressQuery,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const p = await cardProgress(org, ctx.query.asOf ?? today());
        ctx.res.json({ asOf: p.asOf, total: p.total, children: p.children });
      },
    }),
  ];
}

export async function loadCardFor(ctx: Ctx, id: string) {
  const c = await findCard(id);
  if (!c) throw new AppError('NOT_FOUND');
  const org = await findVisible(ctx.actor, c.member.organisationId);
  if (!org) throw new AppError('NOT_FOUND');
  ctx.authorize(org.path);
  return c;
}

export async function sendBatchFile(ctx: Ctx, b: { id: string; number: number }, format: 'xlsx' | 'csv') {
  const rows = await batchFileRows(b.id);
  await audit(ctx.actor, {
    action: 'card.batch.exported',
    entity: 'CardBatch',
    entityId: b.id,
    rowCount: rows.length,
    details: { format },
  });
  const columns = [
    { header: 'Номер карты', key: 'number', width: 20 },
    { header: 'ФИО', key: 'printedName', width: 40 },
    { header: 'Организация', key: 'orgPath', width: 70 },
    { header: 'Регион', key: 'region', width: 45 },
  ];
  const name = `partiya-${b.number}`;
  if (format === 'csv') return sendCsv(ctx.res, `${name}.csv`, columns, rows);
  return sendXlsx(ctx.res, `${name}.xlsx`, `Партия ${b.number}`, columns, rows);
}

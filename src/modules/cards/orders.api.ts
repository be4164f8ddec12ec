import { type RouteDef, route } from '../../http/route';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { findOrder, ordersInSubtree } from './cards.repo';
import { orderInput, orderStatusQuery, returnInput } from './cards.input';
import { forwardOrder, markOrderDeliveredDown, returnOrder, submitOrder } from './orders.service';
import { cardJson, orderJson } from './cards.presenter';
import { CARDS_TAG, holderFor, loadOrderFor } from './cards.http';

/** Card orders: submitting one, an organisation's list, one order, its way up, back and down. */
export function orderApi(): RouteDef[] {
  const T = CARDS_TAG;
  return [
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
  ];
}

import { AppError } from '../../http/errors';
import { type RouteDef, route } from '../../http/route';
import { today } from '../../lib/dates';
import { findVisible } from '../organisations/organisations.repo';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { cardsOfMember, findCard, findCardHolderVisible } from './cards.repo';
import { blockInput, issueInput, progressQuery, reissueInput } from './cards.input';
import { blockCard, issueCards, issueVirtualCard, reissueCard } from './cards.service';
import { cardProgress } from './progress.repo';
import { cardJson } from './cards.presenter';
import { CARDS_TAG, loadCardFor, loadOrderFor } from './cards.http';
import { orderApi } from './orders.api';
import { batchApi } from './batches.api';

/**
 * The card API, in the order it is mounted (and documented): a member's cards (here), orders (orders.api.ts),
 * batches (batches.api.ts), then issuing, the virtual card, blocking and reissuing, and the exchange's progress (here).
 */
export function cardApiRoutes(): RouteDef[] {
  return [...memberCardApi(), ...orderApi(), ...batchApi(), ...cardActionApi()];
}

function memberCardApi(): RouteDef[] {
  const T = CARDS_TAG;
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
  ];
}

function cardActionApi(): RouteDef[] {
  const T = CARDS_TAG;
  return [
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

import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type RouteDef, route } from '../../http/route';
import { formatCardNumber } from '../../lib/cardNumber';
import { today } from '../../lib/dates';
import { ancestors, findVisible, orgsById } from '../organisations/organisations.repo';
import { crumbs } from '../organisations/organisations.presenter';
import { idParams, optDay } from '../organisations/organisations.input';
import { act, holderFor, ids, loadOrderFor } from './cards.http';
import { dropFromOrder, forwardOrder, markOrderDeliveredDown, resubmitOrder, returnOrder } from './orders.service';
import { issueCards } from './cards.service';
import { CARD_STATUS_LABELS, orderStatusLabel } from './labels';
import { cutText } from '../../lib/text';

/** A card order: the page, its way up (forward), back (return, resubmit, drop) and down, and issuing the cards. */
export function orderPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/card-orders/:id',
      kind: 'page',
      action: 'card.view',
      params: idParams,
      async handler(ctx) {
        const { order, primary } = await loadOrderFor(ctx, ctx.params.id);
        ctx.authorize(primary.path);
        const holder = await findVisible(ctx.actor, order.holderId);
        const orgs = await orgsById([order.holderId]);
        const atHolder = !!holder && ctx.allows('card.forward', holder.path);
        await renderPage(ctx.res, 'cards/order', {
          title: `Заявка № ${order.number}`,
          crumbs: crumbs(await ancestors(ctx.actor, primary), primary),
          order: {
            id: order.id,
            number: order.number,
            status: orderStatusLabel(order),
            statusCode: order.status,
            comment: order.comment,
            submittedAt: order.submittedAt,
            holder: orgs.get(order.holderId)?.shortName ?? orgs.get(order.holderId)?.name ?? '',
            primaryId: primary.id,
          },
          cards: order.cards.map((c) => ({
            id: c.id,
            number: formatCardNumber(c.number),
            printedName: c.printedName,
            status: CARD_STATUS_LABELS[c.status],
            statusCode: c.status,
            memberId: c.memberId,
          })),
          can: {
            forward: atHolder && ['SUBMITTED', 'FORWARDED'].includes(order.status) && holder.kind !== 'CENTRAL',
            ret: atHolder && ['SUBMITTED', 'FORWARDED'].includes(order.status),
            deliverDown: atHolder && order.status === 'DELIVERED' && order.holderId !== order.organisationId,
            resubmit: order.status === 'RETURNED' && ctx.allows('card.order', primary.path),
            drop: ['RETURNED'].includes(order.status) && ctx.allows('card.order', primary.path),
            issue: ctx.allows('card.issue', primary.path) && order.cards.some((c) => c.status === 'DELIVERED_PRIMARY'),
          },
          today: today(),
        });
      },
    }),
    ...(['forward', 'return', 'delivered'] as const).map((step) =>
      route({
        method: 'post',
        path: `/card-orders/:id/${step}`,
        kind: 'page',
        action: 'card.forward',
        params: idParams,
        async handler(ctx) {
          const { order, primary } = await loadOrderFor(ctx, ctx.params.id);
          const holder = await holderFor(ctx, order);
          await act(ctx, `/card-orders/${order.id}`, async () => {
            if (step === 'forward') {
              await forwardOrder(ctx.actor, order, holder);
              return 'Заявка передана на уровень выше';
            }
            if (step === 'return') {
              const comment = typeof ctx.body.comment === 'string' ? ctx.body.comment.trim() : '';
              if (comment.length < 3)
                throw new AppError('BAD_REQUEST', undefined, { comment: 'Укажите причину возврата' });
              await returnOrder(ctx.actor, order, holder, cutText(comment, 1000));
              return 'Заявка возвращена в первичную организацию';
            }
            await markOrderDeliveredDown(ctx.actor, order, holder, primary.path);
            return 'Передача карт отмечена';
          });
        },
      }),
    ),
    route({
      method: 'post',
      path: '/card-orders/:id/resubmit',
      kind: 'page',
      action: 'card.order',
      params: idParams,
      async handler(ctx) {
        const { order, primary } = await loadOrderFor(ctx, ctx.params.id);
        ctx.authorize(primary.path);
        await act(ctx, `/card-orders/${order.id}`, async () => {
          await resubmitOrder(ctx.actor, order, primary);
          return 'Заявка подана повторно';
        });
      },
    }),
    route({
      method: 'post',
      path: '/card-orders/:id/drop',
      kind: 'page',
      action: 'card.order',
      params: idParams,
      async handler(ctx) {
        const { order, primary } = await loadOrderFor(ctx, ctx.params.id);
        ctx.authorize(primary.path);
        const cardId = ids(ctx.body.cardId)[0];
        if (!cardId) throw new AppError('NOT_FOUND');
        await act(ctx, `/card-orders/${order.id}`, async () => {
          await dropFromOrder(ctx.actor, order, cardId);
          return 'Карта исключена из заявки';
        });
      },
    }),
    route({
      method: 'post',
      path: '/card-orders/:id/issue',
      kind: 'page',
      action: 'card.issue',
      params: idParams,
      async handler(ctx) {
        const { order, primary } = await loadOrderFor(ctx, ctx.params.id);
        ctx.authorize(primary.path);
        const chosen =
          ctx.body.all === 'on'
            ? order.cards.filter((c) => c.status === 'DELIVERED_PRIMARY').map((c) => c.id)
            : ids(ctx.body.cardIds).filter((id) => order.cards.some((c) => c.id === id));
        const date = optDay.safeParse(ctx.body.date);
        await act(ctx, `/card-orders/${order.id}`, async () => {
          if (!chosen.length) throw new AppError('UNPROCESSABLE', 'Отметьте карты для выдачи');
          if (!date.success)
            throw new AppError('BAD_REQUEST', undefined, { date: date.error.issues[0]?.message ?? 'Введите дату' });
          const n = await issueCards(ctx.actor, chosen, date.data ?? today());
          return `Выдано карт: ${n}`;
        });
      },
    }),
  ];
}

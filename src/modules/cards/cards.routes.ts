import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { fullName } from '../../lib/names';
import { ancestors, orgsById, type OrgRow } from '../organisations/organisations.repo';
import { crumbs } from '../organisations/organisations.presenter';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { batches, batchByRegion, membersToOrder, ordersHeldBy, ordersInSubtree } from './cards.repo';
import { printedName } from './cards.service';
import { submitOrder } from './orders.service';
import { orderStatusLabel } from './labels';
import { act, ids, redirectBack } from './cards.http';
import { orderPages } from './orders.routes';
import { batchPages } from './batches.routes';
import { cardRecordPages } from './card.routes';
import { progressPages } from './progress.routes';

/**
 * The card pages, in the order they are mounted: an organisation's cards and ordering them (here), an order on
 * its way up and back (orders.routes.ts), production batches (batches.routes.ts), one card (card.routes.ts) and
 * the progress of the exchange (progress.routes.ts). The API is in cards.api.ts.
 */
export function cardPages(): RouteDef[] {
  return [...cardHubPages(), ...orderPages(), ...batchPages(), ...cardRecordPages(), ...progressPages()];
}

function cardHubPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/cards',
      kind: 'page',
      action: 'card.view',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        await renderHub(ctx, org);
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/cards/order',
      kind: 'page',
      action: 'card.order',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const all = ctx.body.all === 'on';
        const memberIds = ids(ctx.body.memberIds);
        if (!all && !memberIds.length)
          return redirectBack(
            ctx,
            `/orgs/${org.id}/cards`,
            'Не выполнено: отметьте членов Профсоюза или «всех без билета»',
          );
        await act(ctx, `/orgs/${org.id}/cards`, async () => {
          const r = await submitOrder(ctx.actor, org, all ? { allWithoutCard: true } : { memberIds });
          return `Заявка № ${r.number} подана: ${r.count} ${r.count === 1 ? 'билет' : 'билетов'}`;
        });
      },
    }),
  ];
}

/** The members ticked in an order form kept when its session ended (none otherwise). */
function keptChoice(ctx: Ctx): { chosen: string[]; allChosen: boolean } {
  const kept = ctx.res.locals.keptValues as Record<string, string | string[]> | undefined;
  const ids = kept?.memberIds;
  return { chosen: Array.isArray(ids) ? ids : ids ? [ids] : [], allChosen: kept?.all === 'on' };
}

async function renderHub(ctx: Ctx, org: OrgRow) {
  const canOrder = org.kind === 'PRIMARY' && ctx.allows('card.order', org.path);
  const toOrder = canOrder ? await membersToOrder(org.path, 500) : { items: [], total: 0 };
  const page = Math.max(1, Number(ctx.req.query.page) || 1);
  const { items, total } = await ordersInSubtree(org.path, undefined, page, 30);
  const held = await ordersHeldBy(org.id);
  const names = await orgsById([...items, ...held].flatMap((o) => [o.organisationId, o.holderId]));
  const central = org.kind === 'CENTRAL' && ctx.allows('card.batch', org.path);
  const batchList = central ? await batches(1, 20) : { items: [], total: 0 };
  const forwardedCount = central
    ? held.filter((o) => o.status === 'FORWARDED').reduce((s, o) => s + o._count.cards, 0)
    : 0;
  const byRegion = central ? await Promise.all(batchList.items.map((b) => batchByRegion(b.id))) : [];
  const oname = (id: string) => names.get(id)?.shortName ?? names.get(id)?.name ?? '';
  await renderPage(ctx.res, 'cards/hub', {
    title: 'Профсоюзные билеты',
    crumbs: crumbs(await ancestors(ctx.actor, org), org),
    org: { id: org.id, name: org.shortName ?? org.name, kind: org.kind },
    canOrder,
    toOrder: toOrder.items.map((m) => ({
      id: m.id,
      name: fullName(m.person),
      printed: printedName(m.person),
      org: m.organisation.shortName ?? m.organisation.name,
    })),
    toOrderTotal: toOrder.total,
    // Ticked before the session ended (a kept form, src/http/kept-form.ts): ticked again, to be checked and sent.
    ...keptChoice(ctx),
    orders: items.map((o) => ({
      id: o.id,
      number: o.number,
      org: oname(o.organisationId),
      holder: oname(o.holderId),
      status: orderStatusLabel(o),
      count: o._count.cards,
      submittedAt: o.submittedAt,
    })),
    held: held.map((o) => ({
      id: o.id,
      number: o.number,
      org: oname(o.organisationId),
      status: orderStatusLabel(o),
      statusCode: o.status,
      count: o._count.cards,
    })),
    page,
    pageSize: 30,
    total,
    central,
    forwardedCount,
    batches: batchList.items.map((b, i) => ({
      id: b.id,
      number: b.number,
      status: b.status,
      count: b._count.cards,
      createdAt: b.createdAt,
      byRegion: byRegion[i],
    })),
    canProgress: ctx.allows('card.progress', org.path),
  });
}

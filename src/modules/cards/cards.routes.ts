import QRCode from 'qrcode';
import { z } from 'zod';
import { confirmed } from '../../http/confirm';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { formatCardNumber, qrPayload } from '../../lib/cardNumber';
import { formatDay, today } from '../../lib/dates';
import { pdfDoc, pdfTable, sendPdf, sendXlsx } from '../../lib/exports';
import { fullName } from '../../lib/names';
import { audit } from '../audit/audit.repo';
import { ancestors, findVisible, orgsById, type OrgRow } from '../organisations/organisations.repo';
import { crumbs } from '../organisations/organisations.presenter';
import { idParams, optDay } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { holderFor, loadCardFor, loadCentral, loadOrderFor, sendBatchFile } from './cards.api';
import {
  batches,
  batchByRegion,
  cardSigningKey,
  findBatch,
  membersToOrder,
  ordersHeldBy,
  ordersInSubtree,
  findCardHolderVisible,
} from './cards.repo';
import {
  BLOCK_REASONS,
  blockCard,
  createBatch,
  dropFromOrder,
  forwardOrder,
  issueCards,
  issueVirtualCard,
  markBatchDelivered,
  markBatchProduced,
  markOrderDeliveredDown,
  printedName,
  reissueCard,
  resubmitOrder,
  returnOrder,
  submitOrder,
  type BlockReason,
} from './cards.service';
import { notStarted, cardProgress } from './progress.repo';

import { CARD_STATUS_LABELS, orderStatusLabel } from './labels';
import { cutText } from '../../lib/text';

const ids = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v ? [v] : []).filter(
    (x): x is string => typeof x === 'string' && z.string().uuid().safeParse(x).success,
  );
const asOfQuery = z.object({
  asOf: optDay.catch(undefined),
  format: z.enum(['xlsx', 'pdf']).optional().catch(undefined),
});

function redirectBack(ctx: Ctx, url: string, flash: string): void {
  ctx.req.session.flash = flash;
  ctx.res.redirect(303, url);
}

/** Runs an action and turns its refusal into a message on the page it came from. */
async function act(ctx: Ctx, back: string, fn: () => Promise<string>) {
  try {
    redirectBack(ctx, back, await fn());
  } catch (e) {
    if (e instanceof AppError && ['UNPROCESSABLE', 'CONFLICT', 'STALE_VERSION', 'BAD_REQUEST'].includes(e.code)) {
      return redirectBack(ctx, back, `Не выполнено: ${e.fields ? Object.values(e.fields).join('; ') : e.message}`);
    }
    throw e;
  }
}

export function cardPages(): RouteDef[] {
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
    route({
      method: 'post',
      path: '/card-batches',
      kind: 'page',
      action: 'card.batch',
      async handler(ctx) {
        const central = await loadCentral(ctx);
        await act(ctx, `/orgs/${central.id}/cards`, async () => {
          const b = await createBatch(ctx.actor, central, { allForwarded: true });
          return `Партия № ${b.number} сформирована: ${b.count} карт${b.closedEmpty ? `; закрыто заявок, где все карты заблокированы: ${b.closedEmpty}` : ''}`;
        });
      },
    }),
    route({
      method: 'get',
      path: '/card-batches/:id/file',
      kind: 'page',
      action: 'card.batch',
      params: idParams,
      query: z.object({ format: z.enum(['xlsx', 'csv']).catch('xlsx').default('xlsx') }),
      async handler(ctx) {
        await loadCentral(ctx);
        const b = await findBatch(ctx.params.id);
        if (!b) throw new AppError('NOT_FOUND');
        await sendBatchFile(ctx, b, ctx.query.format);
      },
    }),
    ...(['produced', 'delivered'] as const).map((step) =>
      route({
        method: 'post',
        path: `/card-batches/:id/${step}`,
        kind: 'page',
        action: 'card.batch',
        params: idParams,
        async handler(ctx) {
          const central = await loadCentral(ctx);
          await act(ctx, `/orgs/${central.id}/cards`, async () => {
            if (step === 'produced') {
              await markBatchProduced(ctx.actor, ctx.params.id);
              return 'Партия отмечена изготовленной';
            }
            await markBatchDelivered(ctx.actor, ctx.params.id);
            return 'Партия отмечена доставленной в регионы';
          });
        },
      }),
    ),
    route({
      method: 'post',
      path: '/members/:id/virtual-card',
      kind: 'page',
      action: 'card.issue',
      params: idParams,
      async handler(ctx) {
        const m = await findCardHolderVisible(ctx.actor, ctx.params.id);
        if (!m) throw new AppError('NOT_FOUND');
        ctx.authorize(m.organisation.path);
        await act(ctx, `/members/${m.id}#cards`, async () => {
          await issueVirtualCard(ctx.actor, m);
          return 'Виртуальный билет выпущен';
        });
      },
    }),
    route({
      method: 'post',
      path: '/cards/:id/block',
      kind: 'page',
      action: 'card.block',
      params: idParams,
      async handler(ctx) {
        const c = await loadCardFor(ctx, ctx.params.id);
        const reason = (Object.keys(BLOCK_REASONS) as BlockReason[]).find((r) => r === ctx.body.reason) ?? 'OTHER';
        const reissue = ctx.body.reissue === 'on';
        const ok = await confirmed(ctx, {
          title: reissue ? 'Заблокировать и перевыпустить билет?' : 'Заблокировать билет?',
          lines: [
            `Билет № ${formatCardNumber(c.number)} (${fullName(c.member.person)}) будет заблокирован. Причина: ${BLOCK_REASONS[reason].toLowerCase()}.`,
            reissue
              ? 'Взамен будет выпущен билет с новым номером; старый номер больше не действует.'
              : 'Заблокированный билет нельзя разблокировать: при необходимости выпускается новый.',
          ],
          action: `/cards/${c.id}/block`,
          carry: { reason, ...(reissue ? { reissue: 'on' } : {}) },
          button: reissue ? 'Да, заблокировать и перевыпустить' : 'Да, заблокировать',
          back: `/members/${c.memberId}#cards`,
        });
        if (!ok) return;
        await act(ctx, `/members/${c.memberId}#cards`, async () => {
          if (reissue) {
            await reissueCard(ctx.actor, c, reason);
            return 'Билет заблокирован и перевыпущен с новым номером';
          }
          await blockCard(ctx.actor, c, reason);
          return 'Билет заблокирован';
        });
      },
    }),
    route({
      method: 'get',
      path: '/cards/:id/virtual',
      kind: 'page',
      action: 'card.view',
      params: idParams,
      query: z.object({ format: z.enum(['pdf']).optional().catch(undefined) }),
      async handler(ctx) {
        const c = await loadCardFor(ctx, ctx.params.id);
        if (c.form !== 'VIRTUAL') throw new AppError('NOT_FOUND');
        const payload = qrPayload(c.number, await cardSigningKey());
        const view = {
          name: fullName(c.member.person),
          org: c.member.organisation.shortName ?? c.member.organisation.name,
          number: formatCardNumber(c.number),
          status: c.status,
          valid: c.status === 'ISSUED' && c.member.status === 'ACTIVE',
          issuedAt: c.issuedAt,
        };
        await audit(ctx.actor, {
          action: 'card.viewed',
          entity: 'Card',
          entityId: c.id,
          organisationId: c.member.organisationId,
          details: { format: ctx.query.format ?? 'html' },
        });
        if (ctx.query.format === 'pdf') {
          const png = await QRCode.toBuffer(payload, { errorCorrectionLevel: 'M', margin: 1, width: 300 });
          const doc = pdfDoc({ size: [340, 520], margin: 24 });
          doc.font('bold').fontSize(14).text('Электронный профсоюзный билет', { align: 'center' });
          doc.font('regular').fontSize(10).text('Общероссийский Профсоюз образования', { align: 'center' }).moveDown();
          doc.font('bold').fontSize(13).text(view.name, { align: 'center' });
          doc.font('regular').fontSize(10).text(view.org, { align: 'center' }).moveDown(0.5);
          doc.fontSize(12).text(`№ ${view.number}`, { align: 'center' }).moveDown(0.5);
          doc.image(png, 70, doc.y, { width: 200 });
          doc.y += 210;
          doc
            .fontSize(8)
            .text(`Выдан ${formatDay(view.issuedAt)}. QR-код содержит только номер билета и подпись реестра.`, {
              align: 'center',
            });
          return sendPdf(ctx.res, `bilet-${c.number}.pdf`, doc);
        }
        const svg = await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
        await renderPage(ctx.res, 'cards/virtual', {
          title: 'Виртуальный профсоюзный билет',
          card: { ...view, id: c.id, memberId: c.memberId },
          qrDataUri: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
        });
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/cards/progress',
      kind: 'page',
      action: 'card.progress',
      params: idParams,
      query: asOfQuery,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const asOf = ctx.query.asOf ?? today();
        const p = await cardProgress(org, asOf);
        const lagging = await notStarted(org, asOf, 100);
        const rows = p.children.filter((c) => c.members > 0 || c.cards > 0);
        const title = `Ход обмена профсоюзных билетов: ${org.shortName ?? org.name}, на ${formatDay(asOf)}`;
        if (ctx.query.format)
          await audit(ctx.actor, {
            action: 'report.exported',
            entity: 'CardProgress',
            organisationId: org.id,
            rowCount: rows.length,
            details: { format: ctx.query.format },
          });
        if (ctx.query.format === 'xlsx') {
          return sendXlsx(
            ctx.res,
            `obmen-biletov-${asOf}.xlsx`,
            'Обмен билетов',
            [
              { header: 'Организация', key: 'name', width: 50 },
              { header: 'Членов в реестре', key: 'members', width: 16 },
              { header: 'Пластиковых выдано', key: 'plastic', width: 18 },
              { header: 'Виртуальных', key: 'virtual', width: 14 },
              { header: 'Всего билетов', key: 'cards', width: 14 },
              { header: '% с новым билетом', key: 'percent', width: 16, numFmt: '0.0' },
            ],
            rows.map((r) => ({ ...r })),
            { title, totals: { name: 'Итого', ...p.total } },
          );
        }
        if (ctx.query.format === 'pdf') {
          const doc = pdfDoc({ layout: 'landscape' });
          doc.font('bold').fontSize(13).text(title).moveDown(0.5);
          pdfTable(
            doc,
            [
              { header: 'Организация', width: 300 },
              { header: 'Членов', width: 70, align: 'right' },
              { header: 'Пластик', width: 70, align: 'right' },
              { header: 'Виртуал.', width: 70, align: 'right' },
              { header: 'Всего', width: 70, align: 'right' },
              { header: '%', width: 50, align: 'right' },
            ],
            [...rows, { name: 'Итого', ...p.total }].map((r) => [
              r.name,
              String(r.members),
              String(r.plastic),
              String(r.virtual),
              String(r.cards),
              r.percent.toFixed(1),
            ]),
            [...rows.map((r) => r.percent), p.total.percent],
          );
          return sendPdf(ctx.res, `obmen-biletov-${asOf}.pdf`, doc);
        }
        await renderPage(ctx.res, 'cards/progress', {
          title: 'Ход обмена билетов',
          heading: title,
          org: { id: org.id },
          asOf,
          total: p.total,
          rows,
          lagging: lagging.map((l) => ({ id: l.id, name: l.name, members: Number(l.members) })),
          crumbs: crumbs(await ancestors(ctx.actor, org), org),
        });
      },
    }),
  ];
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

import { z } from 'zod';
import { renderPage } from '../../http/render';
import { type RouteDef, route } from '../../http/route';
import { formatDay, today } from '../../lib/dates';
import { pdfDoc, pdfTable, sendPdf, sendXlsx } from '../../lib/exports';
import { audit } from '../audit/audit.repo';
import { ancestors } from '../organisations/organisations.repo';
import { crumbs } from '../organisations/organisations.presenter';
import { idParams, optDay } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { notStarted, cardProgress } from './progress.repo';

const asOfQuery = z.object({
  asOf: optDay.catch(undefined),
  format: z.enum(['xlsx', 'pdf']).optional().catch(undefined),
});

/** How far the exchange of cards has gone in a subtree: a page, xlsx or pdf. */
export function progressPages(): RouteDef[] {
  return [
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
          snapshotAt: p.snapshotAt,
          rows,
          lagging: lagging.map((l) => ({ id: l.id, name: l.name, members: Number(l.members) })),
          crumbs: crumbs(await ancestors(ctx.actor, org), org),
        });
      },
    }),
  ];
}

import { z } from 'zod';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type RouteDef, route } from '../../http/route';
import { formatDateTime, formatDay, today } from '../../lib/dates';
import { ancestors } from '../organisations/organisations.repo';
import { crumbs } from '../organisations/organisations.presenter';
import { idParams, optDay } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { activeTemplates, templateByCode } from './reports.repo';
import { definitionOf, savedOrLive, templateFor } from './figures';
import { rowsOf, sendReport } from './reports.http';

/** A form computed from the registry on a date (or the rollup saved for it), as a page or an export. */
export function statPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/stat',
      kind: 'page',
      action: 'report.view',
      params: idParams,
      query: z.object({
        form: z.string().max(20).optional().catch(undefined),
        asOf: optDay.catch(undefined),
        format: z.enum(['xlsx', 'pdf']).optional().catch(undefined),
        fresh: z.literal('1').optional().catch(undefined),
      }),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const tpl = ctx.query.form ? await templateByCode(ctx.query.form) : await templateFor(org);
        if (!tpl) throw new AppError('NOT_FOUND');
        const def = definitionOf(tpl);
        const asOf = ctx.query.asOf ?? today();
        // On a campaign's date the figures saved when it closed (the ones the accepted reports add up to) are shown
        // at once; «пересчитать» computes them from the registry as it is now.
        const { values, savedAt } = await savedOrLive(org, def, asOf, { saved: !ctx.query.fresh });
        const saved = savedAt ? formatDateTime(savedAt) : null;
        const source = saved
          ? `свёртка на ${formatDay(asOf)}, сохранённая ${saved}`
          : `расчёт по реестру на ${formatDay(asOf)}`;
        if (ctx.query.format)
          return sendReport(
            ctx,
            org,
            def,
            values,
            [def.title, org.name, source],
            `${def.code}-${saved ? 'rollup' : 'live'}-${asOf}`,
            ctx.query.format,
          );
        await renderPage(ctx.res, 'reports/live', {
          title: 'Расчёт по реестру',
          crumbs: crumbs(await ancestors(ctx.actor, org), org),
          org: { id: org.id, name: org.shortName ?? org.name },
          def,
          rows: rowsOf(def, values),
          asOf,
          form: tpl.code,
          forms: (await activeTemplates()).map((t) => ({ value: t.code, label: t.title })),
          saved,
          fresh: !!ctx.query.fresh,
        });
      },
    }),
  ];
}

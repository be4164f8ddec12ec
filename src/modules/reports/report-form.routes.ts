import { z } from 'zod';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { formatDay, fromDate } from '../../lib/dates';
import { ancestors, type OrgRow } from '../organisations/organisations.repo';
import { crumbs } from '../organisations/organisations.presenter';
import { uuid } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { findReport } from './reports.repo';
import { acceptReport, ensureReport, returnReport, saveEntered, submitReport } from './reports.service';
import { computeReport } from './figures';
import { loadCampaign, rowsOf, sendReport, statusLabel } from './reports.http';
import { cutText } from '../../lib/text';

/** A report is created when first saved: opening it (or a parent looking at it) changes nothing. */
async function reportContext(ctx: Ctx, org: OrgRow, campaignId: string) {
  const campaign = await loadCampaign(campaignId);
  const report = await findReport(campaign.id, org.id);
  const computed = await computeReport(org, campaign, report);
  return { campaign, report, computed };
}

/** One organisation's report in a campaign: the form, saving and sending it, accepting or returning it, its export. */
export function reportFormPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/reports/:campaignId',
      kind: 'page',
      action: 'report.view',
      params: z.object({ id: uuid, campaignId: uuid }),
      async handler(ctx) {
        await renderReport(ctx, ctx.params.id, ctx.params.campaignId, {}, null);
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/reports/:campaignId/save',
      kind: 'page',
      action: 'report.fill',
      params: z.object({ id: uuid, campaignId: uuid }),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const { campaign, computed } = await reportContext(ctx, org, ctx.params.campaignId);
        const report = await ensureReport(campaign.id, org);
        const raw = Object.fromEntries(
          Object.entries(ctx.body)
            .filter(([k]) => k.startsWith('c_'))
            .map(([k, v]) => [k.slice(2), v]),
        );
        try {
          if (Number(ctx.body.version) !== report.version) throw new AppError('STALE_VERSION');
          await saveEntered(ctx.actor, campaign, report, computed.def, raw);
        } catch (e) {
          if (e instanceof AppError && e.fields) return renderReport(ctx, org.id, campaign.id, e.fields, raw, 400);
          if (e instanceof AppError && ['STALE_VERSION', 'UNPROCESSABLE'].includes(e.code))
            return renderReport(ctx, org.id, campaign.id, { _: e.message }, raw, e.status);
          throw e;
        }
        if (ctx.body.submit === '1') {
          try {
            const fresh = await findReport(campaign.id, org.id);
            await submitReport(ctx.actor, campaign, org, fresh!);
            ctx.req.session.flash = 'Отчёт отправлен в вышестоящую организацию';
          } catch (e) {
            if (e instanceof AppError && e.code === 'UNPROCESSABLE')
              return renderReport(ctx, org.id, campaign.id, { _: e.message }, null, 422);
            throw e;
          }
        } else ctx.req.session.flash = 'Сохранено';
        ctx.res.redirect(303, `/orgs/${org.id}/reports/${campaign.id}`);
      },
    }),
    ...(['accept', 'return'] as const).map((step) =>
      route({
        method: 'post',
        path: `/orgs/:id/reports/:campaignId/${step}`,
        kind: 'page',
        action: 'report.accept',
        params: z.object({ id: uuid, campaignId: uuid }),
        async handler(ctx) {
          const org = await loadOrg(ctx, ctx.params.id);
          const campaign = await loadCampaign(ctx.params.campaignId);
          const report = await findReport(campaign.id, org.id);
          if (!report) throw new AppError('NOT_FOUND');
          try {
            if (step === 'accept') await acceptReport(ctx.actor, campaign, org, report);
            else {
              const comment = typeof ctx.body.comment === 'string' ? cutText(ctx.body.comment.trim(), 2000) : '';
              if (comment.length < 3)
                return renderReport(ctx, org.id, campaign.id, { comment: 'Укажите, что исправить' }, null, 400);
              await returnReport(ctx.actor, campaign, org, report, comment);
            }
          } catch (e) {
            if (e instanceof AppError && ['UNPROCESSABLE', 'STALE_VERSION'].includes(e.code))
              return renderReport(ctx, org.id, campaign.id, { _: e.message }, null, e.status);
            throw e;
          }
          ctx.req.session.flash = step === 'accept' ? 'Отчёт принят' : 'Отчёт возвращён на доработку';
          ctx.res.redirect(303, `/orgs/${org.id}/reports/${campaign.id}`);
        },
      }),
    ),
    route({
      method: 'get',
      path: '/orgs/:id/reports/:campaignId/export',
      kind: 'page',
      action: 'report.view',
      params: z.object({ id: uuid, campaignId: uuid }),
      query: z.object({ format: z.enum(['xlsx', 'pdf']).catch('xlsx').default('xlsx') }),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const { campaign, computed } = await reportContext(ctx, org, ctx.params.campaignId);
        await sendReport(
          ctx,
          org,
          computed.def,
          computed.values,
          [computed.def.title, org.name, `по состоянию на ${formatDay(campaign.reportDate)}`],
          `${computed.def.code}-${fromDate(campaign.reportDate)}`,
          ctx.query.format,
        );
      },
    }),
  ];
}

/** The figures of a form kept when its session ended (src/http/kept-form.ts), to be checked and sent again. */
function keptFigures(ctx: Ctx): Record<string, unknown> | null {
  const kept = ctx.res.locals.keptValues as Record<string, unknown> | undefined;
  const figures = Object.entries(kept ?? {}).filter(([k]) => k.startsWith('c_'));
  return figures.length ? Object.fromEntries(figures.map(([k, v]) => [k.slice(2), v])) : null;
}

async function renderReport(
  ctx: Ctx,
  orgId: string,
  campaignId: string,
  errors: Record<string, string>,
  typed: Record<string, unknown> | null,
  status = 200,
) {
  const org = await loadOrg(ctx, orgId);
  const { campaign, report, computed } = await reportContext(ctx, org, campaignId);
  const own = ctx.actor.assignments.some((a) => a.organisationId === org.id) || !ctx.allows('report.accept', org.path);
  const current = report?.status ?? 'DRAFT';
  const editable =
    campaign.status === 'OPEN' && ['DRAFT', 'RETURNED'].includes(current) && ctx.allows('report.fill', org.path);
  await renderPage(
    ctx.res,
    'reports/report',
    {
      title: `Отчёт: ${org.shortName ?? org.name}`,
      crumbs: crumbs(await ancestors(ctx.actor, org), org),
      org: { id: org.id, name: org.shortName ?? org.name, fullName: org.name },
      campaign: { id: campaign.id, title: campaign.title, reportDate: campaign.reportDate, status: campaign.status },
      report: {
        status: report?.status ?? null,
        statusLabel: statusLabel(report?.status ?? null),
        comment: report?.comment ?? null,
        version: report?.version ?? 1,
        template: `${computed.template.title}, версия ${computed.template.version}`,
      },
      def: computed.def,
      rows: rowsOf(computed.def, computed.values),
      failed: computed.failed,
      children: computed.children.map((c) => ({ ...c, label: statusLabel(c.status) })),
      missing: computed.children.filter((c) => !c.counted),
      editable,
      errors,
      // The inputs hold the organisation's own entered figures; the table shows totals with the children.
      typed: typed ?? keptFigures(ctx) ?? report?.entered ?? {},
      consolidated: computed.children.length > 0,
      canAccept: !own && campaign.status === 'OPEN' && ctx.allows('report.accept', org.path) && current === 'SUBMITTED',
      canReturn:
        !own &&
        campaign.status === 'OPEN' &&
        ctx.allows('report.accept', org.path) &&
        ['SUBMITTED', 'ACCEPTED'].includes(current),
    },
    status,
  );
}

import { z } from 'zod';
import { AppError, fieldErrors } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type RouteDef, route } from '../../http/route';
import { today } from '../../lib/dates';
import { audit } from '../audit/audit.repo';
import { ancestors } from '../organisations/organisations.repo';
import { crumbs } from '../organisations/organisations.presenter';
import { day, idParams, uuid } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { KIND_LABELS } from '../organisations/levels';
import { ownStatus, REPORTING_KINDS, STATUS_FILTERS, statusPage } from './status.repo';
import { campaigns, insertCampaign, openCampaign } from './reports.repo';
import { statusLabel } from './reports.http';
import { reportFormPages } from './report-form.routes';
import { statPages } from './stat.routes';
import { templatePages } from './templates.routes';

/**
 * The statistics pages, in the order they are mounted: the campaign's statuses in the subtree and opening a
 * campaign (here), one organisation's report (report-form.routes.ts), the live computation (stat.routes.ts) and
 * the form templates (templates.routes.ts). The API is in reports.api.ts.
 */
export function reportPages(): RouteDef[] {
  return [...reportIndexPages(), ...reportFormPages(), ...statPages(), ...templatePages()];
}

function reportIndexPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/reports',
      kind: 'page',
      action: 'report.view',
      params: idParams,
      query: z.object({
        campaign: uuid.optional().catch(undefined),
        kind: z.enum(REPORTING_KINDS).optional().catch(undefined),
        status: z.enum(STATUS_FILTERS).optional().catch(undefined),
        page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
      }),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const all = await campaigns();
        const campaign = ctx.query.campaign
          ? all.find((c) => c.id === ctx.query.campaign)
          : (all.find((c) => c.status === 'OPEN') ?? all[0]);
        const pageSize = 50;
        const { kind, status, page } = ctx.query;
        const list = campaign ? await statusPage(campaign.id, org, { kind, status, page, pageSize }) : null;
        const ownState = campaign ? await ownStatus(campaign.id, org.id) : null;
        await renderPage(ctx.res, 'reports/index', {
          title: 'Статистические отчёты',
          crumbs: crumbs(await ancestors(ctx.actor, org), org),
          org: { id: org.id, name: org.shortName ?? org.name, kind: org.kind },
          campaigns: all.map((c) => ({
            id: c.id,
            title: c.title,
            reportDate: c.reportDate,
            deadline: c.deadline,
            status: c.status,
          })),
          campaign: campaign
            ? {
                id: campaign.id,
                title: campaign.title,
                reportDate: campaign.reportDate,
                deadline: campaign.deadline,
                status: campaign.status,
              }
            : null,
          statuses: (list?.rows ?? []).map((s) => ({ ...s, label: statusLabel(s.status) })),
          own: { status: ownState },
          summary: list?.summary ?? { none: 0, DRAFT: 0, SUBMITTED: 0, ACCEPTED: 0, RETURNED: 0 },
          hasChildren: (list?.kinds.length ?? 0) > 0,
          kindOptions: [
            { value: '', label: 'Все уровни' },
            ...REPORTING_KINDS.filter((k) => list?.kinds.includes(k)).map((k) => ({ value: k, label: KIND_LABELS[k] })),
          ],
          statusOptions: [
            { value: '', label: 'Все статусы' },
            ...STATUS_FILTERS.map((s) => ({ value: s, label: statusLabel(s === 'none' ? null : s) })),
          ],
          filters: { campaign: campaign?.id, kind, status },
          page,
          pageSize,
          total: list?.total ?? 0,
          canCampaign: org.kind === 'CENTRAL' && ctx.allows('report.campaign', org.path),
          canReopen: org.kind === 'CENTRAL' && ctx.allows('report.reopen', org.path),
          canTemplates: org.kind === 'CENTRAL' && ctx.allows('report.template', org.path),
          today: today(),
          errors: {},
          values: {},
        });
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/campaigns',
      kind: 'page',
      action: 'report.campaign',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        if (org.kind !== 'CENTRAL') throw new AppError('NOT_FOUND');
        const parsed = z
          .object({
            title: z.string().trim().min(3, { message: 'Название: не короче 3 символов' }).max(200),
            reportDate: day,
            deadline: day,
          })
          .refine((v) => v.deadline >= v.reportDate, {
            path: ['deadline'],
            message: 'Срок сдачи не раньше отчётной даты',
          })
          .safeParse(ctx.body);
        if (!parsed.success) {
          ctx.req.session.flash = `Кампания не открыта: ${Object.values(fieldErrors(parsed.error)).join('; ')}`;
          return ctx.res.redirect(303, `/orgs/${org.id}/reports`);
        }
        if (await openCampaign()) {
          ctx.req.session.flash = 'Кампания не открыта: сначала закройте текущую';
          return ctx.res.redirect(303, `/orgs/${org.id}/reports`);
        }
        const c = await insertCampaign(parsed.data);
        await audit(ctx.actor, {
          action: 'report.campaign',
          entity: 'ReportCampaign',
          entityId: c.id,
          organisationId: org.id,
          details: { opened: true },
        });
        ctx.req.session.flash = `Кампания «${c.title}» открыта`;
        ctx.res.redirect(303, `/orgs/${org.id}/reports?campaign=${c.id}`);
      },
    }),
  ];
}

import YAML from 'yaml';
import { z } from 'zod';
import { AppError, fieldErrors } from '../../http/errors';
import { uploadFile } from '../../http/upload';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { formatDateTime, formatDay, fromDate, today } from '../../lib/dates';
import { audit } from '../audit/audit.repo';
import { ancestors, type OrgRow } from '../organisations/organisations.repo';
import { crumbs } from '../organisations/organisations.presenter';
import { day, idParams, optDay, uuid } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { INDICATORS } from './indicators';
import { ownStatus, REPORTING_KINDS, STATUS_FILTERS, statusPage } from './status.repo';
import { KIND_LABELS } from '../organisations/levels';
import { reportPdf, reportXlsx } from './export';
import {
  activeTemplates,
  campaigns,
  findCampaign,
  findReport,
  insertCampaign,
  insertTemplateVersion,
  openCampaign,
  subtreeStatuses,
  templateByCode,
} from './reports.repo';
import {
  acceptReport,
  computeLive,
  computeReport,
  savedOrLive,
  definitionOf,
  ensureReport,
  returnReport,
  saveEntered,
  submitReport,
  templateFor,
} from './reports.service';
import { cellsOf, key, validateDefinition, type Definition, type Values } from './template';
import { cutText } from '../../lib/text';

export const REPORT_STATUS_LABELS: Record<string, string> = {
  DRAFT: 'черновик',
  SUBMITTED: 'отправлен',
  ACCEPTED: 'принят',
  RETURNED: 'возвращён',
};
const statusLabel = (s: string | null) => (s ? REPORT_STATUS_LABELS[s] : 'не начат');

export async function loadCampaign(id: string) {
  const c = await findCampaign(id);
  if (!c) throw new AppError('NOT_FOUND');
  return c;
}

/** Rows of a filled form as the API and the pages show them. */
export function rowsOf(def: Definition, values: Values) {
  return def.sections.flatMap((s) =>
    s.rows.map((r) => ({
      section: s.title,
      code: r.code,
      title: r.title,
      values: Object.fromEntries(
        def.columns.map((c) => [c.code, r.cells[c.code] ? (values[key(r.code, c.code)] ?? null) : null]),
      ),
      kinds: Object.fromEntries(
        Object.entries(r.cells).map(([c, v]) => [
          c,
          'formula' in v ? 'formula' : 'entered' in v ? 'entered' : 'indicator',
        ]),
      ),
    })),
  );
}

/** A report is created when first saved: opening it (or a parent looking at it) changes nothing. */
async function reportContext(ctx: Ctx, org: OrgRow, campaignId: string) {
  const campaign = await loadCampaign(campaignId);
  const report = await findReport(campaign.id, org.id);
  const computed = await computeReport(org, campaign, report);
  return { campaign, report, computed };
}

export function reportPages(): RouteDef[] {
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
    route({
      method: 'get',
      path: '/orgs/:id/report-templates',
      kind: 'page',
      action: 'report.template',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        if (org.kind !== 'CENTRAL') throw new AppError('NOT_FOUND');
        await renderTemplates(ctx, org, null);
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/report-templates',
      kind: 'page',
      action: 'report.template',
      params: idParams,
      before: [uploadFile({ csrf: true, maxBytes: 512 * 1024, tooLarge: 'Файл шаблона не принят: не больше 512 КБ' })],
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        if (org.kind !== 'CENTRAL') throw new AppError('NOT_FOUND');
        const file = (ctx.req as unknown as { file?: { buffer: Buffer; originalname: string } }).file;
        if (!file) return renderTemplates(ctx, org, ['Выберите файл шаблона (JSON или YAML)'], 400);
        const r = parseTemplateFile(file.buffer, file.originalname);
        if (!r.ok) return renderTemplates(ctx, org, r.errors, 400);
        const t = await insertTemplateVersion(r.def);
        await audit(ctx.actor, {
          action: 'report.template',
          entity: 'ReportTemplate',
          entityId: t.id,
          organisationId: org.id,
          details: { code: t.code, version: t.version },
        });
        ctx.req.session.flash = `Шаблон ${t.code} загружен, версия ${t.version}`;
        ctx.res.redirect(303, `/orgs/${org.id}/report-templates`);
      },
    }),
  ];
}

/** A template file: JSON or YAML (by content), validated whole before anything is stored. */
export function parseTemplateFile(
  buf: Buffer,
  name: string,
): { ok: true; def: Definition } | { ok: false; errors: string[] } {
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  let raw: unknown;
  try {
    raw = /^\s*[{[]/.test(text) ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    return {
      ok: false,
      errors: [`Файл ${name} не читается как JSON или YAML: ${(e as Error).message.split('\n')[0]}`],
    };
  }
  return validateDefinition(raw);
}

async function renderTemplates(ctx: Ctx, org: OrgRow, errors: string[] | null, status = 200) {
  const list = await activeTemplates();
  await renderPage(
    ctx.res,
    'reports/templates',
    {
      title: 'Шаблоны форм',
      org: { id: org.id },
      errors,
      templates: list.map((t) => ({
        code: t.code,
        version: t.version,
        title: t.title,
        level: t.level,
        rows: cellsOf(definitionOf(t)).length,
      })),
      indicators: Object.entries(INDICATORS).map(([name, label]) => ({ name, label })),
    },
    status,
  );
}

async function sendReport(
  ctx: Ctx,
  org: OrgRow,
  def: Definition,
  values: Values,
  heading: string[],
  name: string,
  format: 'xlsx' | 'pdf',
) {
  await audit(ctx.actor, {
    action: 'report.exported',
    entity: 'Report',
    organisationId: org.id,
    details: { form: def.code, format },
  });
  if (format === 'pdf') return reportPdf(ctx.res, `${name}.pdf`, def, values, heading);
  return reportXlsx(ctx.res, `${name}.xlsx`, def, values, heading);
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
      typed: typed ?? report?.entered ?? {},
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

/** API: statuses, live computation, campaign reports, workflow. */
export function reportApi(): RouteDef[] {
  const T = 'Статистические отчёты';
  const formParams = z.object({ id: uuid, form: z.string().regex(/^[A-Za-z0-9_]{1,20}$/) });
  const loadForm = async (code: string) => {
    const t = await templateByCode(code);
    if (!t) throw new AppError('NOT_FOUND', 'Нет такой формы');
    return t;
  };
  const campaignOf = async (id?: string) => {
    const c = id ? await findCampaign(id) : await openCampaign();
    if (!c) throw new AppError('NOT_FOUND', 'Отчётная кампания не найдена');
    return c;
  };
  return [
    route({
      method: 'get',
      path: '/orgs/:id/reports',
      kind: 'api',
      action: 'report.view',
      tag: T,
      summary: 'Статусы отчётов поддерева в кампании',
      params: idParams,
      query: z.object({ campaign: uuid.optional() }),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const c = await campaignOf(ctx.query.campaign);
        const rows = await subtreeStatuses(c.id, org.path);
        ctx.res.json({
          campaign: {
            id: c.id,
            title: c.title,
            reportDate: fromDate(c.reportDate),
            deadline: fromDate(c.deadline),
            status: c.status,
          },
          items: rows.map((r) => ({
            organisationId: r.id,
            name: r.name,
            kind: r.kind,
            form: r.formCode,
            status: r.status ?? 'NOT_STARTED',
          })),
        });
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/reports/:form',
      kind: 'api',
      action: 'report.view',
      tag: T,
      summary: 'Форма, рассчитанная по реестру на дату (или отчёт кампании при ?campaign=)',
      params: formParams,
      query: z.object({ asOf: optDay, campaign: uuid.optional() }),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const tpl = await loadForm(ctx.params.form);
        if (ctx.query.campaign) {
          const c = await campaignOf(ctx.query.campaign);
          const report = await findReport(c.id, org.id);
          const computed = await computeReport(org, c, report);
          return void ctx.res.json({
            form: computed.template.code,
            version: computed.template.version,
            asOf: fromDate(c.reportDate),
            organisation: { id: org.id, name: org.name, kind: org.kind },
            status: report?.status ?? 'NOT_STARTED',
            rows: rowsOf(computed.def, computed.values).map(({ code, title, values }) => ({ code, title, values })),
            failedChecks: computed.failed,
            missingChildren: computed.children
              .filter((x) => !x.counted)
              .map((x) => ({ id: x.id, name: x.name, status: x.status ?? 'NOT_STARTED' })),
          });
        }
        const def = definitionOf(tpl);
        const asOf = ctx.query.asOf ?? today();
        const values = await computeLive(org, def, asOf);
        ctx.res.json({
          form: tpl.code,
          version: tpl.version,
          asOf,
          organisation: { id: org.id, name: org.name, kind: org.kind },
          rows: rowsOf(def, values).map(({ code, title, values: v }) => ({ code, title, values: v })),
        });
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/reports/:form/export',
      kind: 'api',
      action: 'report.view',
      tag: T,
      summary: 'Выгрузка формы: xlsx или pdf (живой расчёт или ?campaign=)',
      params: formParams,
      query: z.object({
        format: z.enum(['xlsx', 'pdf'], { message: 'format: xlsx или pdf' }).default('xlsx'),
        asOf: optDay,
        campaign: uuid.optional(),
      }),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const tpl = await loadForm(ctx.params.form);
        if (ctx.query.campaign) {
          const c = await campaignOf(ctx.query.campaign);
          const computed = await computeReport(org, c, await findReport(c.id, org.id));
          return sendReport(
            ctx,
            org,
            computed.def,
            computed.values,
            [computed.def.title, org.name, `по состоянию на ${formatDay(c.reportDate)}`],
            `${computed.def.code}-${fromDate(c.reportDate)}`,
            ctx.query.format,
          );
        }
        const def = definitionOf(tpl);
        const asOf = ctx.query.asOf ?? today();
        await sendReport(
          ctx,
          org,
          def,
          await computeLive(org, def, asOf),
          [def.title, org.name, `расчёт по реестру на ${formatDay(asOf)}`],
          `${def.code}-${asOf}`,
          ctx.query.format,
        );
      },
    }),
    ...(['submit', 'accept', 'return'] as const).map((step) =>
      route({
        method: 'post',
        path: `/orgs/:id/reports/:form/${step}`,
        kind: 'api',
        action: step === 'submit' ? 'report.fill' : 'report.accept',
        tag: T,
        summary:
          step === 'submit'
            ? 'Отправить отчёт (entered — введённые ячейки)'
            : step === 'accept'
              ? 'Принять отчёт нижестоящей организации'
              : 'Вернуть отчёт с комментарием',
        params: formParams,
        body: z.object({
          campaign: uuid.optional(),
          comment: z.string().trim().max(2000).optional(),
          entered: z.record(z.string(), z.number().nullable()).optional(),
          version: z.number().int().optional(),
        }),
        async handler(ctx) {
          const org = await loadOrg(ctx, ctx.params.id);
          const c = await campaignOf(ctx.body.campaign);
          const expected = (await findReport(c.id, org.id))?.template.code ?? (await templateFor(org)).code;
          if (expected !== ctx.params.form)
            throw new AppError('NOT_FOUND', `Эта организация сдаёт форму ${expected}, а не ${ctx.params.form}`);
          let report = await ensureReport(c.id, org);
          if (step === 'submit') {
            if (ctx.body.entered) {
              await saveEntered(
                ctx.actor,
                c,
                report,
                definitionOf(report.template),
                Object.fromEntries(Object.entries(ctx.body.entered).map(([k, v]) => [k, v])),
              );
              report = (await findReport(c.id, org.id))!;
            }
            await submitReport(ctx.actor, c, org, report);
          } else if (step === 'accept') await acceptReport(ctx.actor, c, org, report);
          else {
            if (!ctx.body.comment || ctx.body.comment.length < 3)
              throw new AppError('BAD_REQUEST', undefined, { comment: 'Укажите, что исправить' });
            await returnReport(ctx.actor, c, org, report, ctx.body.comment);
          }
          const fresh = (await findReport(c.id, org.id))!;
          ctx.res.json({
            id: fresh.id,
            organisationId: org.id,
            form: fresh.template.code,
            status: fresh.status,
            comment: fresh.comment,
            version: fresh.version,
          });
        },
      }),
    ),
  ];
}

import { z } from 'zod';
import { AppError } from '../../http/errors';
import { type RouteDef, route } from '../../http/route';
import { formatDay, fromDate, today } from '../../lib/dates';
import { idParams, optDay, uuid } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { findCampaign, findReport, openCampaign, subtreeStatuses, templateByCode } from './reports.repo';
import { acceptReport, ensureReport, returnReport, saveEntered, submitReport } from './reports.service';
import { computeLive, computeReport, definitionOf, templateFor } from './figures';
import { rowsOf, sendReport } from './reports.http';

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

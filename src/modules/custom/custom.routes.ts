import ExcelJS from 'exceljs';
import { z } from 'zod';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { dayProblem, formatDay, parseDay, today } from '../../lib/dates';
import { neutralise, pdfDoc, pdfTable, sendPdf } from '../../lib/exports';
import { audit } from '../audit/audit.repo';
import { idParams, uuid } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import type { OrgRow } from '../organisations/organisations.repo';
import { INSTITUTION_LABELS } from '../organisations/levels';
import { POSITION_LABELS } from '../members/members.input';
import { COLUMNS, countAndGroups, findSaved, rows, saveReport, savedReports, type Params } from './custom.repo';
import { asText, cutText } from '../../lib/text';

const day = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() ? (parseDay(v) ?? `bad:${dayProblem(v)}`) : undefined),
  z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v), {
      error: (iss) => {
        const why = String(iss.input).replace(/^bad:/, '');
        return why.charAt(0).toUpperCase() + why.slice(1);
      },
    })
    .optional(),
);
const opt = <T extends [string, ...string[]]>(vals: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.enum(vals).optional());
const paramsSchema = z.object({
  subject: z.enum(['members', 'activists']).default('members'),
  asOf: day,
  category: opt(['WORKING', 'STUDENT', 'PENSIONER']),
  gender: opt(['MALE', 'FEMALE']),
  age: opt(['under35', '35to55', 'over55']),
  institutionType: opt(Object.keys(INSTITUTION_LABELS) as [string, ...string[]]),
  position: opt(Object.keys(POSITION_LABELS) as [string, ...string[]]),
  card: opt(['yes', 'no']),
  consent: opt(['bonus', 'messaging']),
  joinedFrom: day,
  joinedTo: day,
  exitedFrom: day,
  exitedTo: day,
  columns: z.preprocess(
    (v): unknown[] =>
      Array.isArray(v) ? (v as unknown[]) : v ? [v] : ['name', 'birthDate', 'category', 'organisation'],
    z.array(z.string()).max(20),
  ),
  group: z.preprocess((v) => v === 'on' || v === true, z.boolean()),
});

function parseParams(
  raw: Record<string, unknown>,
): { ok: true; p: Params } | { ok: false; errors: Record<string, string> } {
  const r = paramsSchema.safeParse(raw);
  if (!r.success)
    return { ok: false, errors: Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message])) };
  return {
    ok: true,
    p: { ...r.data, asOf: r.data.asOf ?? today(), columns: r.data.columns.filter((c) => COLUMNS[c]) } as Params,
  };
}

export function customPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/custom',
      kind: 'page',
      action: 'member.list',
      params: idParams,
      query: z.object({ saved: uuid.optional().catch(undefined), run: z.string().optional() }).passthrough(),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        if (!ctx.actor.ndaAcceptedAt)
          return ctx.res.redirect(303, `/nda?returnTo=${encodeURIComponent(`/orgs/${org.id}/custom`)}`);
        let raw = ctx.req.query as Record<string, unknown>;
        if (ctx.query.saved) {
          const s = await findSaved(ctx.query.saved, ctx.actor.userId!);
          if (!s) throw new AppError('NOT_FOUND');
          raw = { ...(s.params as object), run: '1' };
        }
        const parsed = parseParams(raw);
        const run = raw.run === '1' && parsed.ok;
        let result = null;
        if (run && parsed.ok) {
          const { total, groups } = await countAndGroups(org.path, org.depth, parsed.p);
          const list = await rows(org.path, parsed.p, 200);
          await audit(ctx.actor, {
            action: 'member.listed',
            entity: 'CustomReport',
            organisationId: org.id,
            rowCount: list.length,
            details: { total },
          });
          result = {
            total,
            groups,
            max: Math.max(1, ...groups.map((g) => g.n)),
            list,
            columns: parsed.p.columns.map((c) => ({ key: c, label: COLUMNS[c].label })),
          };
        }
        await renderPage(
          ctx.res,
          'custom/report',
          {
            title: 'Отчёт по заданным параметрам',
            org: { id: org.id, name: org.shortName ?? org.name },
            values: raw,
            errors: parsed.ok ? {} : parsed.errors,
            result,
            query: new URLSearchParams(
              Object.entries(raw).flatMap(([k, v]): [string, string][] =>
                Array.isArray(v)
                  ? v.map((x) => [k, String(x)] as [string, string])
                  : v !== undefined
                    ? [[k, asText(v)]]
                    : [],
              ),
            ).toString(),
            columns: Object.entries(COLUMNS).map(([key, c]) => ({ key, label: c.label })),
            saved: await savedReports(ctx.actor.userId!, org.id),
            canExport: ctx.allows('member.export', org.path),
            today: today(),
            positionOptions: [
              { value: '', label: 'Любая' },
              ...Object.entries(POSITION_LABELS).map(([value, label]) => ({ value, label })),
            ],
            institutionOptions: [
              { value: '', label: 'Любой' },
              ...Object.entries(INSTITUTION_LABELS).map(([value, label]) => ({ value, label })),
            ],
          },
          parsed.ok ? 200 : 400,
        );
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/custom/save',
      kind: 'page',
      action: 'member.list',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const parsed = parseParams(ctx.body);
        const name = typeof ctx.body.name === 'string' ? cutText(ctx.body.name.trim(), 100) : '';
        if (!parsed.ok || name.length < 2) {
          ctx.req.session.flash = 'Не сохранено: укажите название и правильные условия';
          return ctx.res.redirect(303, `/orgs/${org.id}/custom`);
        }
        const s = await saveReport({
          userId: ctx.actor.userId!,
          organisationId: org.id,
          name,
          params: parsed.p as unknown as object,
        });
        ctx.req.session.flash = 'Отчёт сохранён';
        ctx.res.redirect(303, `/orgs/${org.id}/custom?saved=${s.id}`);
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/custom/export',
      kind: 'page',
      action: 'member.export',
      params: idParams,
      query: z.object({ format: z.enum(['xlsx', 'pdf']).catch('xlsx') }).passthrough(),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const parsed = parseParams(ctx.req.query);
        if (!parsed.ok) throw new AppError('BAD_REQUEST', Object.values(parsed.errors).join('; '));
        const { total, groups } = await countAndGroups(org.path, org.depth, { ...parsed.p, group: true });
        await audit(ctx.actor, {
          action: 'member.exported',
          entity: 'CustomReport',
          organisationId: org.id,
          rowCount: ctx.query.format === 'pdf' ? groups.length : total,
          details: { format: ctx.query.format },
        });
        if (ctx.query.format === 'pdf') return summaryPdf(ctx, org, parsed.p, total, groups);
        await streamXlsx(ctx, org, parsed.p, total);
      },
    }),
  ];
}

/** All rows, streamed: fetched 5,000 at a time and committed row by row; the sheet never sits whole in memory. */
async function streamXlsx(ctx: Ctx, org: OrgRow, p: Params, total: number) {
  ctx.res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  ctx.res.setHeader(
    'Content-Disposition',
    `attachment; filename*=UTF-8''${encodeURIComponent(`otchet-${p.asOf}.xlsx`)}`,
  );
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: ctx.res, useSharedStrings: false });
  const ws = wb.addWorksheet('Отчёт');
  ws.columns = p.columns.map((c) => ({
    header: COLUMNS[c].label,
    key: c,
    width: c === 'name' || c === 'organisation' ? 36 : 16,
  }));
  for (let off = 0; off < total; off += 5000) {
    for (const r of await rows(org.path, p, 5000, off))
      ws.addRow(Object.fromEntries(p.columns.map((c) => [c, neutralise(r[c])]))).commit();
  }
  ws.commit();
  await wb.commit();
}

function summaryPdf(ctx: Ctx, org: OrgRow, p: Params, total: number, groups: { name: string; n: number }[]) {
  const doc = pdfDoc();
  doc
    .font('bold')
    .fontSize(13)
    .text(`Отчёт по заданным параметрам: ${org.shortName ?? org.name}`);
  doc
    .font('regular')
    .fontSize(10)
    .text(`На ${formatDay(p.asOf)}. Всего: ${total}.`)
    .moveDown(0.5);
  const max = Math.max(1, ...groups.map((g) => g.n));
  pdfTable(
    doc,
    [
      { header: 'Организация', width: 330 },
      { header: 'Человек', width: 80, align: 'right' },
    ],
    groups.map((g) => [g.name, String(g.n)]),
    groups.map((g) => (g.n / max) * 100),
  );
  sendPdf(ctx.res, `otchet-${p.asOf}.pdf`, doc);
}

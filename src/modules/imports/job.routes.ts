// One import job's pages: preview and mapping, run, rejected rows, undo.
import type { MovementKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { parseDay, today } from '../../lib/dates';
import { sendXlsx } from '../../lib/exports';
import { enqueue } from '../../jobs/queue';
import { audit } from '../audit/audit.repo';
import { idParams } from '../organisations/organisations.input';
import { EXIT_LABELS } from '../members/members.input';
import { FIELDS, mappingProblems, type Field, type Mapping } from './fields';
import { checkFile, readTable } from './files';
import { saveMapping, updateImportJob } from './imports.repo';
import { buildPlan, resultOf } from './plan';
import { undoImport } from './imports.service';
import { categoryOf, loadJob, modeOf, type StoredMapping } from './imports.http';

export function jobPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/imports/:id',
      kind: 'page',
      action: 'member.import',
      params: idParams,
      async handler(ctx) {
        await renderJob(ctx, ctx.params.id, {});
      },
    }),
    route({
      method: 'post',
      path: '/imports/:id/mapping',
      kind: 'page',
      action: 'member.import',
      params: idParams,
      async handler(ctx) {
        const { job } = await loadJob(ctx, ctx.params.id);
        if (job.status !== 'PREVIEW') throw new AppError('UNPROCESSABLE', 'Импорт уже запущен');
        const columns: Mapping = {};
        for (const f of Object.keys(FIELDS) as Field[]) {
          const v = ctx.body[`col_${f}`];
          if (v !== undefined && v !== '' && /^\d+$/.test(String(v))) columns[f] = Number(v);
        }
        const joined = parseDay(String(ctx.body.joinedAt ?? '')) ?? today();
        await updateImportJob(job.id, {
          mapping: { columns, category: categoryOf(ctx.body.category), joinedAt: joined },
          mode: modeOf(ctx.body.mode),
        });
        ctx.res.redirect(303, `/imports/${job.id}`);
      },
    }),
    route({
      method: 'post',
      path: '/imports/:id/run',
      kind: 'page',
      action: 'member.import',
      params: idParams,
      async handler(ctx) {
        const { job, org } = await loadJob(ctx, ctx.params.id);
        if (job.status !== 'PREVIEW') throw new AppError('UNPROCESSABLE', 'Импорт уже запущен');
        const errors: Record<string, string> = {};
        if (ctx.body.consents !== 'on')
          errors.consents = 'Подтвердите, что согласия на обработку персональных данных получены';
        let exitReason: MovementKind | null = null;
        let exitDate: string | null = null;
        if (job.mode === 'SYNC') {
          exitReason = (Object.keys(EXIT_LABELS) as MovementKind[]).find((k) => k === ctx.body.exitReason) ?? null;
          exitDate = parseDay(String(ctx.body.exitDate ?? ''));
          if (!exitReason) errors.exitReason = 'Выберите причину выбытия';
          if (!exitDate || exitDate > today()) errors.exitDate = 'Дата выбытия: ДД.ММ.ГГГГ, не позже сегодняшней';
        }
        if (Object.keys(errors).length) return renderJob(ctx, job.id, errors, 400);
        const m = job.mapping as unknown as StoredMapping;
        await saveMapping(org.id, { columns: m.columns });
        await updateImportJob(job.id, {
          status: 'QUEUED',
          exitReason,
          exitDate: exitDate ? new Date(`${exitDate}T00:00:00Z`) : null,
        });
        await enqueue('import', { importId: job.id });
        ctx.res.redirect(303, `/imports/${job.id}`);
      },
    }),
    route({
      method: 'get',
      path: '/imports/:id/rejected.xlsx',
      kind: 'page',
      action: 'member.import',
      params: idParams,
      async handler(ctx) {
        const { job, org } = await loadJob(ctx, ctx.params.id);
        const res = job.result as {
          rejected?: { row: number; errors: string[]; cells?: string[] }[];
          headers?: string[];
        } | null;
        const rejected = res?.rejected ?? [];
        const headers = res?.headers ?? [];
        await audit(ctx.actor, {
          action: 'member.exported',
          entity: 'ImportJob',
          entityId: job.id,
          organisationId: org.id,
          rowCount: rejected.length,
        });
        // The rows as they were in the file (to correct and upload again), with the reasons in the last columns.
        await sendXlsx(
          ctx.res,
          `otklonennye-${job.id.slice(0, 8)}.xlsx`,
          'Отклонённые строки',
          [
            ...headers.map((h, i) => ({ header: h, key: `c${i}`, width: 18 })),
            { header: 'Строка файла', key: 'row', width: 12 },
            { header: 'Причины', key: 'errors', width: 80 },
          ],
          rejected.map((r) => ({
            ...Object.fromEntries(headers.map((_, i) => [`c${i}`, r.cells?.[i] ?? ''])),
            row: r.row,
            errors: r.errors.join('; '),
          })),
        );
      },
    }),
    route({
      method: 'post',
      path: '/imports/:id/undo',
      kind: 'page',
      action: 'member.import',
      params: idParams,
      async handler(ctx) {
        const { job } = await loadJob(ctx, ctx.params.id);
        try {
          const r = await undoImport(ctx.actor, job.id);
          ctx.req.session.flash = `Импорт отменён: возвращено ${r.reversed}${r.skipped.length ? `, не отменено ${r.skipped.length} (изменены после импорта)` : ''}`;
        } catch (e) {
          if (e instanceof AppError && e.code === 'UNPROCESSABLE') ctx.req.session.flash = `Не выполнено: ${e.message}`;
          else throw e;
        }
        ctx.res.redirect(303, `/imports/${job.id}`);
      },
    }),
  ];
}

async function renderJob(ctx: Ctx, id: string, errors: Record<string, string>, status = 200) {
  const { job, org } = await loadJob(ctx, id);
  const m = job.mapping as unknown as StoredMapping;
  let preview: {
    headers: string[];
    rows: { row: number; cells: string[]; errors: string[] }[];
    plan: ReturnType<typeof resultOf>;
    exit: { name: string }[];
    mappingErrors: string[];
  } | null = null;
  if (job.status === 'PREVIEW' && job.file) {
    const buf = Buffer.from(job.file);
    const table = await readTable(buf, await checkFile(buf, job.fileName));
    const mappingErrors = mappingProblems(m.columns);
    let plan = null;
    if (!mappingErrors.length)
      plan = await buildPlan(org, job.mode, table, m.columns, {
        category: m.category ?? 'WORKING',
        joinedAt: m.joinedAt ?? today(),
      });
    const rej = new Map((plan?.rejected ?? []).map((r) => [r.row, r.errors]));
    preview = {
      headers: table.headers,
      mappingErrors,
      rows: table.rows.slice(0, 20).map((cells, i) => ({ row: i + 2, cells, errors: rej.get(i + 2) ?? [] })),
      plan: plan
        ? resultOf(plan)
        : { created: 0, updated: 0, exited: 0, unchanged: 0, rejected: [], headers: table.headers },
      exit: (plan?.exit ?? []).slice(0, 100),
    };
  }
  const result = job.result as
    | (ReturnType<typeof resultOf> & { undo?: { reversed: number; skipped: { memberId: string; reason: string }[] } })
    | null;
  await renderPage(
    ctx.res,
    'imports/job',
    {
      title: `Импорт «${job.fileName}»`,
      org: { id: org.id, name: org.shortName ?? org.name },
      job: {
        id: job.id,
        status: job.status,
        mode: job.mode,
        fileName: job.fileName,
        progress: Math.round(job.progress * 100),
        error: job.error,
        finishedAt: job.finishedAt,
        createdAt: job.createdAt,
      },
      mapping: m,
      fields: Object.entries(FIELDS).map(([k, v]) => ({ key: k, label: v.label, required: v.required })),
      preview,
      result,
      errors,
      exitOptions: [
        { value: '', label: '— выберите —' },
        ...Object.entries(EXIT_LABELS).map(([value, label]) => ({ value, label })),
      ],
      refresh: job.status === 'QUEUED' || job.status === 'RUNNING',
      today: today(),
      canUndo: job.status === 'DONE' && !!job.finishedAt && Date.now() - job.finishedAt.getTime() < 30 * 86_400_000,
    },
    status,
  );
}

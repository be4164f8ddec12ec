import crypto from 'node:crypto';
import { z } from 'zod';
import type { Category, MovementKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { uploadFile } from '../../http/upload';
import { parseDay, today } from '../../lib/dates';
import { sendXlsx } from '../../lib/exports';
import { enqueue, registerHandler, registerWorkerStartup } from '../../jobs/queue';
import { audit } from '../audit/audit.repo';
import { findVisible, type OrgRow } from '../organisations/organisations.repo';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { EXIT_LABELS } from '../members/members.input';
import { FIELDS, guessMapping, mappingProblems, type Field, type Mapping } from './fields';
import { checkFile, readTable } from './files';
import {
  findImportJob,
  importJobsOf,
  insertImportJob,
  saveMapping,
  savedMapping,
  updateImportJob,
} from './imports.repo';
import { buildPlan, resultOf } from './plan';
import { resumeOrphanedImports, runImport, undoImport } from './imports.service';
import { config } from '../../config';
import { cutText } from '../../lib/text';

registerHandler('import', (d) => runImport(String(d.importId)));
registerWorkerStartup(async () => {
  const n = await resumeOrphanedImports((importId) => enqueue('import', { importId }));
  if (n && config.LOG_LEVEL !== 'silent') console.log(`Возобновлены прерванные импорты: ${n}`);
});

interface StoredMapping {
  columns: Mapping;
  category?: Category;
  joinedAt?: string;
}

async function loadJob(ctx: Ctx, id: string) {
  const job = await findImportJob(id);
  const org = job ? await findVisible(ctx.actor, job.organisationId) : null;
  if (!job || !org) throw new AppError('NOT_FOUND');
  ctx.authorize(org.path);
  return { job, org };
}

/** Reads an uploaded file (checked by content), guesses or reuses the mapping, and stores a job to preview. */
async function createJob(
  ctx: Ctx,
  org: OrgRow,
  file: { buffer: Buffer; originalname: string } | undefined,
  mode: 'ADD' | 'SYNC',
  defaults: { category: Category; joinedAt: string },
) {
  if (org.kind !== 'PRIMARY' && org.kind !== 'PROFBURO' && org.kind !== 'PROFGROUP')
    throw new AppError('BAD_REQUEST', 'Импорт делается в первичную организацию', {
      file: 'Откройте импорт в первичной организации',
    });
  if (!file) throw new AppError('BAD_REQUEST', undefined, { file: 'Выберите файл .xlsx или .csv' });
  const kind = await checkFile(file.buffer, file.originalname);
  const table = await readTable(file.buffer, kind);
  const saved = (await savedMapping(org.id))?.mapping as StoredMapping | undefined;
  const guessed = guessMapping(table.headers);
  const columns =
    saved &&
    Object.values(saved.columns).every((i) => i !== undefined && i < table.headers.length) &&
    !mappingProblems(saved.columns).length
      ? saved.columns
      : guessed;
  const job = await insertImportJob({
    organisationId: org.id,
    userId: ctx.actor.userId,
    mode,
    fileName: cutText(file.originalname, 200),
    file: file.buffer,
    fileHash: crypto.createHash('sha256').update(file.buffer).digest('hex'),
    mapping: { columns, ...defaults },
  });
  await audit(ctx.actor, {
    action: 'import.created',
    entity: 'ImportJob',
    entityId: job.id,
    organisationId: org.id,
    rowCount: table.rows.length,
    details: { mode },
  });
  return { job, table };
}

const modeOf = (v: unknown): 'ADD' | 'SYNC' => (String(v).toLowerCase() === 'sync' ? 'SYNC' : 'ADD');
const categoryOf = (v: unknown): Category =>
  ['WORKING', 'STUDENT', 'PENSIONER'].includes(String(v)) ? (String(v) as Category) : 'WORKING';

export function importPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/imports',
      kind: 'page',
      action: 'member.import',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        await renderList(ctx, org, {}, {});
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/imports',
      kind: 'page',
      action: 'member.import',
      params: idParams,
      before: [uploadFile({ csrf: true })],
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const file = (ctx.req as unknown as { file?: { buffer: Buffer; originalname: string } }).file;
        const joined = parseDay(String(ctx.body.joinedAt ?? '')) ?? today();
        try {
          const { job } = await createJob(ctx, org, file, modeOf(ctx.body.mode), {
            category: categoryOf(ctx.body.category),
            joinedAt: joined,
          });
          ctx.res.redirect(303, `/imports/${job.id}`);
        } catch (e) {
          if (e instanceof AppError && e.status < 500)
            return renderList(ctx, org, ctx.body, { file: e.fields?.file ?? e.message }, e.status);
          throw e;
        }
      },
    }),
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

async function renderList(
  ctx: Ctx,
  org: OrgRow,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  const jobs = await importJobsOf(org.id);
  await renderPage(
    ctx.res,
    'imports/list',
    {
      title: 'Импорт из таблицы',
      org: { id: org.id, name: org.shortName ?? org.name },
      values: { joinedAt: today(), mode: 'add', category: 'WORKING', ...values },
      errors,
      jobs: jobs.map((j) => ({
        ...j,
        result: j.result as { created?: number; updated?: number; exited?: number; rejected?: unknown[] } | null,
      })),
    },
    status,
  );
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

/** API: the same import, the mapping saved for the organisation or guessed from the header; it runs at once. */
export function importApi(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/orgs/:id/imports',
      kind: 'api',
      action: 'member.import',
      tag: 'Импорт',
      status: 202,
      summary: 'Импорт из .xlsx или .csv (multipart: file, mode=add|sync, exitReason, exitDate) → 202 {jobId}',
      params: idParams,
      before: [uploadFile({ csrf: false })],
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const body = z
          .object({
            mode: z.enum(['add', 'sync'], { message: 'mode: add или sync' }).default('add'),
            exitReason: z.enum(['VOLUNTARY', 'EXCLUDED', 'DISMISSED', 'GRADUATED', 'DIED']).optional(),
            exitDate: z.string().optional(),
            category: z.enum(['WORKING', 'STUDENT', 'PENSIONER']).optional(),
          })
          .safeParse(ctx.req.body ?? {});
        if (!body.success)
          throw new AppError(
            'BAD_REQUEST',
            undefined,
            Object.fromEntries(body.error.issues.map((i) => [String(i.path[0]), i.message])),
          );
        const file = (ctx.req as unknown as { file?: { buffer: Buffer; originalname: string } }).file;
        const { job, table } = await createJob(ctx, org, file, body.data.mode === 'sync' ? 'SYNC' : 'ADD', {
          category: body.data.category ?? 'WORKING',
          joinedAt: today(),
        });
        const m = job.mapping as unknown as StoredMapping;
        const problems = mappingProblems(m.columns);
        if (problems.length) {
          await updateImportJob(job.id, { status: 'FAILED', error: problems.join('; '), file: null });
          throw new AppError(
            'UNPROCESSABLE',
            `Не удалось сопоставить столбцы: ${problems.join('; ')}. Заголовки файла: ${table.headers.join(', ')}`,
          );
        }
        const exitDate = body.data.exitDate ? parseDay(body.data.exitDate) : today();
        if (!exitDate || exitDate > today()) {
          await updateImportJob(job.id, { status: 'FAILED', error: 'Неверная дата выбытия', file: null });
          throw new AppError('BAD_REQUEST', undefined, { exitDate: 'Дата в формате YYYY-MM-DD, не позже сегодняшней' });
        }
        await updateImportJob(job.id, {
          status: 'QUEUED',
          exitReason:
            body.data.mode === 'sync' ? (`EXIT_${body.data.exitReason ?? 'GRADUATED'}` as MovementKind) : null,
          exitDate: new Date(`${exitDate}T00:00:00Z`),
        });
        await enqueue('import', { importId: job.id });
        ctx.res.status(202).json({ jobId: job.id });
      },
    }),
    route({
      method: 'get',
      path: '/jobs/:id',
      kind: 'api',
      action: 'member.import',
      tag: 'Импорт',
      summary: 'Состояние фоновой задачи',
      params: idParams,
      async handler(ctx) {
        const { job } = await loadJob(ctx, ctx.params.id);
        const status = (
          {
            PREVIEW: 'queued',
            QUEUED: 'queued',
            RUNNING: 'running',
            DONE: 'done',
            FAILED: 'failed',
            UNDONE: 'done',
          } as const
        )[job.status];
        ctx.res.json({ id: job.id, status, progress: job.progress, result: job.result ?? null, error: job.error });
      },
    }),
  ];
}

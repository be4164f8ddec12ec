import { z } from 'zod';
import type { MovementKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { type RouteDef, route } from '../../http/route';
import { uploadFile } from '../../http/upload';
import { parseDay, today } from '../../lib/dates';
import { enqueue } from '../../jobs/queue';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { mappingProblems } from './fields';
import { updateImportJob } from './imports.repo';
import { createJob, loadJob, type StoredMapping } from './imports.http';

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

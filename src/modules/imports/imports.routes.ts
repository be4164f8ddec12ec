// Import pages of an organisation: the list of its imports and the upload; one job's pages are in job.routes.ts,
// the API in imports.api.ts. Importing this file registers the import job's handler for the worker.
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { uploadFile } from '../../http/upload';
import { parseDay, today } from '../../lib/dates';
import { enqueue, registerHandler, registerWorkerStartup } from '../../jobs/queue';
import type { OrgRow } from '../organisations/organisations.repo';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { importJobsOf } from './imports.repo';
import { resumeOrphanedImports, runImport } from './imports.service';
import { categoryOf, createJob, modeOf } from './imports.http';
import { jobPages } from './job.routes';
import { config } from '../../config';

registerHandler('import', (d) => runImport(String(d.importId)));
registerWorkerStartup(async () => {
  const n = await resumeOrphanedImports((importId) => enqueue('import', { importId }));
  if (n && config.LOG_LEVEL !== 'silent') console.log(`Возобновлены прерванные импорты: ${n}`);
});

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
    ...jobPages(),
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

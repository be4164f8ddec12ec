import { AppError } from '../../http/errors';
import { type RouteDef, route } from '../../http/route';
import { isAdmin, visiblePaths } from '../../policy/actor';
import { idParams } from '../organisations/organisations.input';
import { batchByRegion, findBatch } from './cards.repo';
import { batchInput, fileQuery } from './cards.input';
import { createBatch, markBatchDelivered, markBatchProduced } from './batches.service';
import { CARDS_TAG, loadCentral, sendBatchFile } from './cards.http';

/** Production batches: formed at the central council, seen per region, the manufacturer's file, their progress. */
export function batchApi(): RouteDef[] {
  const T = CARDS_TAG;
  return [
    route({
      method: 'post',
      path: '/card-batches',
      kind: 'api',
      action: 'card.batch',
      tag: T,
      summary: 'Сформировать производственную партию (ЦС)',
      status: 201,
      body: batchInput,
      async handler(ctx) {
        const central = await loadCentral(ctx);
        ctx.res.status(201).json(await createBatch(ctx.actor, central, ctx.body));
      },
    }),
    route({
      method: 'get',
      path: '/card-batches/:id',
      kind: 'api',
      action: 'card.view',
      tag: T,
      summary: 'Партия: счётчики по регионам (регион видит только свои)',
      params: idParams,
      async handler(ctx) {
        const b = await findBatch(ctx.params.id);
        if (!b) throw new AppError('NOT_FOUND');
        const paths = visiblePaths(ctx.actor);
        const all = await batchByRegion(b.id);
        const mine =
          isAdmin(ctx.actor) || ctx.actor.assignments.some((a) => a.orgKind === 'CENTRAL')
            ? all
            : await batchByRegion(b.id, paths);
        if (!mine.length) throw new AppError('NOT_FOUND');
        ctx.authorize(ctx.actor.assignments[0].orgPath);
        ctx.res.json({
          id: b.id,
          number: b.number,
          status: b.status,
          createdAt: b.createdAt.toISOString(),
          count: mine.reduce((s, r) => s + r.count, 0),
          byRegion: mine,
        });
      },
    }),
    route({
      method: 'get',
      path: '/card-batches/:id/file',
      kind: 'api',
      action: 'card.batch',
      tag: T,
      summary: 'Файл для изготовителя (XLSX или CSV)',
      params: idParams,
      query: fileQuery,
      async handler(ctx) {
        await loadCentral(ctx);
        const b = await findBatch(ctx.params.id);
        if (!b) throw new AppError('NOT_FOUND');
        await sendBatchFile(ctx, b, ctx.query.format);
      },
    }),
    route({
      method: 'post',
      path: '/card-batches/:id/produced',
      kind: 'api',
      action: 'card.batch',
      tag: T,
      summary: 'Партия изготовлена',
      params: idParams,
      async handler(ctx) {
        await loadCentral(ctx);
        await markBatchProduced(ctx.actor, ctx.params.id);
        ctx.res.json({ id: ctx.params.id, status: 'PRODUCED' });
      },
    }),
    route({
      method: 'post',
      path: '/card-batches/:id/delivered',
      kind: 'api',
      action: 'card.batch',
      tag: T,
      summary: 'Партия доставлена в регионы',
      params: idParams,
      async handler(ctx) {
        await loadCentral(ctx);
        await markBatchDelivered(ctx.actor, ctx.params.id);
        ctx.res.json({ id: ctx.params.id, status: 'DELIVERED' });
      },
    }),
  ];
}

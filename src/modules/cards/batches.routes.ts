import { z } from 'zod';
import { AppError } from '../../http/errors';
import { type RouteDef, route } from '../../http/route';
import { idParams } from '../organisations/organisations.input';
import { act, loadCentral, sendBatchFile } from './cards.http';
import { findBatch } from './cards.repo';
import { createBatch, markBatchDelivered, markBatchProduced } from './batches.service';

/** Production batches at the central council: formed from the forwarded orders, the maker's file, their progress. */
export function batchPages(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/card-batches',
      kind: 'page',
      action: 'card.batch',
      async handler(ctx) {
        const central = await loadCentral(ctx);
        await act(ctx, `/orgs/${central.id}/cards`, async () => {
          const b = await createBatch(ctx.actor, central, { allForwarded: true });
          return `Партия № ${b.number} сформирована: ${b.count} карт${b.closedEmpty ? `; закрыто заявок, где все карты заблокированы: ${b.closedEmpty}` : ''}`;
        });
      },
    }),
    route({
      method: 'get',
      path: '/card-batches/:id/file',
      kind: 'page',
      action: 'card.batch',
      params: idParams,
      query: z.object({ format: z.enum(['xlsx', 'csv']).catch('xlsx').default('xlsx') }),
      async handler(ctx) {
        await loadCentral(ctx);
        const b = await findBatch(ctx.params.id);
        if (!b) throw new AppError('NOT_FOUND');
        await sendBatchFile(ctx, b, ctx.query.format);
      },
    }),
    ...(['produced', 'delivered'] as const).map((step) =>
      route({
        method: 'post',
        path: `/card-batches/:id/${step}`,
        kind: 'page',
        action: 'card.batch',
        params: idParams,
        async handler(ctx) {
          const central = await loadCentral(ctx);
          await act(ctx, `/orgs/${central.id}/cards`, async () => {
            if (step === 'produced') {
              await markBatchProduced(ctx.actor, ctx.params.id);
              return 'Партия отмечена изготовленной';
            }
            await markBatchDelivered(ctx.actor, ctx.params.id);
            return 'Партия отмечена доставленной в регионы';
          });
        },
      }),
    ),
  ];
}

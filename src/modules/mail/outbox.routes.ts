import { z } from 'zod';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type RouteDef, route } from '../../http/route';
import { centralOrg, outboxPage } from './outbox.repo';

const PAGE_SIZE = 50;
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1) });

const CHANNEL_LABELS: Record<string, string> = { EMAIL: 'Эл. почта', SMS: 'SMS', PUSH: 'Push' };
const STATUS_LABELS: Record<string, string> = {
  PENDING: 'отправляется',
  STORED: 'в ящике (отправка не настроена)',
  SENT: 'отправлено',
  FAILED: 'ошибка',
};

/** The outbox: every outgoing message, newest first. It holds sign-in codes, so only the central administrator. */
export function outboxPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/outbox',
      kind: 'page',
      action: 'outbox.view',
      query: pageQuery,
      async handler(ctx) {
        const central = await centralOrg();
        if (!central) throw new AppError('NOT_FOUND');
        ctx.authorize(central.path);
        ctx.res.setHeader('Cache-Control', 'no-store');
        const { page } = ctx.query;
        const { rows, total } = await outboxPage(page, PAGE_SIZE);
        await renderPage(ctx.res, 'mail/outbox', {
          title: 'Исходящие сообщения',
          rows: rows.map((r) => ({
            id: r.id,
            createdAt: r.createdAt,
            sentAt: r.sentAt,
            channel: CHANNEL_LABELS[r.channel] ?? r.channel,
            recipient: r.recipient,
            subject: r.subject,
            text: r.text,
            status: STATUS_LABELS[r.status] ?? r.status,
            failed: r.status === 'FAILED',
            error: r.error,
          })),
          page,
          pageSize: PAGE_SIZE,
          total,
        });
      },
    }),
  ];
}

import { z } from 'zod';
import { AppError } from '../../http/errors';
import { redirectWithFlash } from '../../http/flash';
import { renderPage } from '../../http/render';
import { type RouteDef, route } from '../../http/route';
import { registerHandler, registerSchedule } from '../../jobs/queue';
import { SYSTEM_ACTOR } from '../../policy/actor';
import { KIND_LABELS } from '../organisations/levels';
import { idParams } from '../organisations/organisations.input';
import { notDone, rollup } from '../audience/audience.repo';
import { idOf, loadPublished } from './announcements.api';
import {
  archiveAnnouncement,
  archiveExpiredAnnouncements,
  publishAnnouncement,
  remindAnnouncement,
} from './announcements.service';

// Every night just after midnight (Moscow): announcements past their last day of showing become archived.
registerHandler('announcement.expire', async () => {
  await archiveExpiredAnnouncements(SYSTEM_ACTOR);
});
registerSchedule('announcement.expire', '5 0 * * *');

const PAGE = 50;
const receiptsQuery = z.object({
  child: z
    .union([z.literal('own'), z.string().uuid()])
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});

/** The publisher's side of an announcement: publish, take down, who has read it, remind the others. */
export function receiptPages(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/announcements/:id/publish',
      kind: 'page',
      action: 'announcement.publish',
      params: idParams,
      async handler(ctx) {
        const { a, org } = await loadPublished(ctx, idOf(ctx));
        let addressed: number;
        try {
          addressed = await publishAnnouncement(ctx.actor, org, a);
        } catch (e) {
          if (e instanceof AppError && e.code === 'UNPROCESSABLE')
            return redirectWithFlash(ctx.req, ctx.res, `/announcements/${a.id}`, e.message);
          throw e;
        }
        redirectWithFlash(
          ctx.req,
          ctx.res,
          `/announcements/${a.id}`,
          `Объявление опубликовано. Адресатов: ${addressed}`,
        );
      },
    }),
    route({
      method: 'post',
      path: '/announcements/:id/archive',
      kind: 'page',
      action: 'announcement.publish',
      params: idParams,
      async handler(ctx) {
        const { a } = await loadPublished(ctx, idOf(ctx));
        if ((ctx.body as Record<string, unknown>).confirm !== 'on')
          return redirectWithFlash(
            ctx.req,
            ctx.res,
            `/announcements/${a.id}`,
            'Объявление не снято: отметьте «Подтверждаю» рядом с кнопкой',
          );
        await archiveAnnouncement(ctx.actor, a);
        redirectWithFlash(ctx.req, ctx.res, `/announcements/${a.id}`, 'Объявление снято с показа');
      },
    }),
    route({
      method: 'post',
      path: '/announcements/:id/remind',
      kind: 'page',
      action: 'announcement.publish',
      params: idParams,
      async handler(ctx) {
        const { a } = await loadPublished(ctx, idOf(ctx));
        let r: { addressed: number };
        try {
          r = await remindAnnouncement(ctx.actor, a);
        } catch (e) {
          // Nobody left to remind (or not remindable): say so on the receipts page rather than on an error page.
          if (e instanceof AppError && (e.code === 'UNPROCESSABLE' || e.code === 'CONFLICT'))
            return redirectWithFlash(ctx.req, ctx.res, `/announcements/${a.id}/receipts`, e.message);
          throw e;
        }
        redirectWithFlash(
          ctx.req,
          ctx.res,
          `/announcements/${a.id}/receipts`,
          `Напоминание отправлено непрочитавшим: ${r.addressed}`,
        );
      },
    }),
    route({
      method: 'get',
      path: '/announcements/:id/receipts',
      kind: 'page',
      action: 'announcement.publish',
      params: idParams,
      query: receiptsQuery,
      async handler(ctx) {
        const { a, org } = await loadPublished(ctx, idOf(ctx));
        const q = ctx.query;
        const item = { type: 'ANNOUNCEMENT' as const, id: a.id };
        const [r, list] = await Promise.all([
          rollup(item),
          notDone(item, { withinPath: org.path, child: q.child ?? null, page: q.page, pageSize: PAGE }),
        ]);
        const chosen = q.child === 'own' ? 'сама организация' : r.children.find((c) => c.id === q.child)?.name;
        ctx.res.set('Cache-Control', 'no-store');
        await renderPage(ctx.res, 'announcements/receipts', {
          title: `Прочтение: ${a.title}`,
          a: { id: a.id, title: a.title, status: a.status, members: a.audienceMembers, addressed: a.addressed },
          org: { id: org.id, name: org.shortName ?? org.name },
          total: { addressed: r.addressed, read: r.done, percent: r.percent },
          own: r.own,
          children: r.children.map((c) => ({ ...c, kindLabel: KIND_LABELS[c.kind] })),
          child: q.child ?? '',
          childName: chosen ?? null,
          notRead: list.items,
          notReadTotal: list.total,
          page: q.page,
          pageSize: PAGE,
          base: { child: q.child },
        });
      },
    }),
  ];
}

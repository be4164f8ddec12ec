import { z } from 'zod';
import { AppError } from '../../http/errors';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { fromDate } from '../../lib/dates';
import { percentOf } from '../audience/audience.input';
import { rollup } from '../audience/audience.repo';
import { findVisible, orgsById } from '../organisations/organisations.repo';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { announcementApiInput } from './announcements.input';
import { feed, findAnnouncement, isVisibleTo, type AnnouncementRow } from './announcements.repo';
import { createAnnouncement, readAnnouncement } from './announcements.service';

const T = 'Информирование';

/** The `:id` of the URL (validated by idParams). */
export const idOf = (ctx: Ctx): string => (ctx.params as { id: string }).id;
const listQuery = z.object({
  page: z.coerce.number().int().min(1, { message: 'page не меньше 1' }).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500, { message: 'pageSize не больше 500' }).default(50),
  unread: z
    .enum(['true', 'false', '1', '0', ''], { message: 'unread: true или false' })
    .optional()
    .transform((v) => v === 'true' || v === '1'),
});

/**
 * An announcement the caller may read: addressed to them today. Anything else (absent, someone else's, a draft)
 * is 404, the same answer.
 */
async function loadReadable(ctx: Ctx, id: string): Promise<AnnouncementRow> {
  const a = await findAnnouncement(id);
  if (!a || !(await isVisibleTo(ctx.actor, a.id))) throw new AppError('NOT_FOUND');
  return a;
}

/** An announcement of a publisher inside the caller's scope, with the route's action checked there. */
export async function loadPublished(ctx: Ctx, id: string) {
  const a = await findAnnouncement(id);
  const org = a ? await findVisible(ctx.actor, a.organisationId) : null;
  if (!a || !org) throw new AppError('NOT_FOUND');
  ctx.authorize(org.path);
  return { a, org };
}

export function announcementApi(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/orgs/:id/announcements',
      kind: 'api',
      action: 'announcement.publish',
      tag: T,
      summary: 'Опубликовать объявление для адресатов в структуре организации',
      status: 201,
      params: idParams,
      body: announcementApiInput,
      response: z.object({ id: z.string(), addressed: z.number() }),
      async handler(ctx) {
        const org = await loadOrg(ctx, idOf(ctx));
        const b = ctx.body;
        const r = await createAnnouncement(
          ctx.actor,
          org,
          {
            data: {
              title: b.title,
              body: b.body,
              important: b.important ?? false,
              expiresOn: b.expiresAt,
              attachmentId: b.attachmentId ?? null,
            },
            audience: b.audience,
          },
          true,
        );
        ctx.res.status(201).json(r);
      },
    }),
    route({
      method: 'get',
      path: '/announcements',
      kind: 'api',
      action: 'self',
      tag: T,
      summary: 'Объявления, адресованные вызывающему (непрочитанные сначала)',
      query: listQuery,
      async handler(ctx) {
        const q = ctx.query;
        const r = await feed(ctx.actor, { unreadOnly: q.unread, page: q.page, pageSize: q.pageSize });
        ctx.res.set('Cache-Control', 'no-store').json({
          items: r.items.map((i) => ({
            id: i.id,
            title: i.title,
            important: i.important,
            publishedAt: i.publishedAt.toISOString(),
            organisation: i.organisation,
            read: i.readAt !== null,
          })),
          page: q.page,
          pageSize: q.pageSize,
          total: r.total,
        });
      },
    }),
    route({
      method: 'get',
      path: '/announcements/:id',
      kind: 'api',
      action: 'self',
      tag: T,
      summary: 'Объявление (отмечает его прочитанным)',
      params: idParams,
      async handler(ctx) {
        const a = await loadReadable(ctx, idOf(ctx));
        const readAt = await readAnnouncement(ctx.actor, a);
        const org = await findVisibleName(a.organisationId);
        ctx.res.set('Cache-Control', 'no-store').json({
          id: a.id,
          title: a.title,
          body: a.body,
          important: a.important,
          publishedAt: a.publishedAt?.toISOString() ?? null,
          expiresAt: a.expiresOn ? fromDate(a.expiresOn) : null,
          organisation: org,
          attachment: a.attachmentId ? { id: a.attachmentId } : null,
          read: true,
          readAt: readAt?.toISOString() ?? null,
        });
      },
    }),
    route({
      method: 'get',
      path: '/announcements/:id/receipts',
      kind: 'api',
      action: 'announcement.publish',
      tag: T,
      summary: 'Прочтение по входящим организациям (адресовано, прочитали, %)',
      params: idParams,
      async handler(ctx) {
        const { a } = await loadPublished(ctx, idOf(ctx));
        const r = await rollup({ type: 'ANNOUNCEMENT', id: a.id });
        ctx.res.set('Cache-Control', 'no-store').json({
          addressed: a.audienceMembers ? a.addressed : r.addressed,
          read: r.done,
          percent: percentOf(r.done, a.audienceMembers ? a.addressed : r.addressed),
          children: r.children.map((c) => ({
            id: c.id,
            name: c.name,
            kind: c.kind,
            addressed: c.addressed,
            read: c.done,
            percent: c.percent,
          })),
        });
      },
    }),
  ];
}

async function findVisibleName(orgId: string): Promise<{ id: string; name: string }> {
  const o = (await orgsById([orgId])).get(orgId);
  return { id: orgId, name: o ? (o.shortName ?? o.name) : '' };
}

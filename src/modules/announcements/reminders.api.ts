import { z } from 'zod';
import { AppError } from '../../http/errors';
import { type RouteDef, route } from '../../http/route';
import { notDone } from '../audience/audience.repo';
import { loadPublished as loadDocument } from '../library/library.access';
import { idParams } from '../organisations/organisations.input';
import { loadOwned as loadSurvey } from '../surveys/surveys.access';
import { fromDate } from '../../lib/dates';
import { idOf, loadPublished } from './announcements.api';
import { announcementPatchInput } from './announcements.input';
import { archiveAnnouncement, editAnnouncement, remindAnnouncement } from './announcements.service';
import { remindDocument, remindSurvey, surveyOpen } from './reminders.routes';

const T = 'Информирование';
const notDoneQuery = z.object({
  child: z.union([z.literal('own'), z.string().uuid()], { message: 'child: own или id организации' }).optional(),
  page: z.coerce.number().int().min(1, { message: 'page не меньше 1' }).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500, { message: 'pageSize не больше 500' }).default(50),
});

/**
 * Who of the frozen audience has not yet read / downloaded / answered, a page at a time (optionally in one child
 * organisation, or `own` for the publisher's own apparatus): the list the receipts and results pages show.
 */
function notDoneRoute(
  path: string,
  action: 'announcement.publish' | 'document.publish' | 'survey.publish',
  type: 'ANNOUNCEMENT' | 'DOCUMENT' | 'SURVEY',
  summary: string,
  load: (ctx: Parameters<typeof loadDocument>[0], id: string) => Promise<{ id: string; path: string }>,
): RouteDef {
  return route({
    method: 'get',
    path,
    kind: 'api',
    action,
    tag: T,
    summary,
    params: idParams,
    query: notDoneQuery,
    async handler(ctx) {
      const item = await load(ctx, ctx.params.id);
      const q = ctx.query;
      const r = await notDone(
        { type, id: item.id },
        { withinPath: item.path, child: q.child ?? null, page: q.page, pageSize: q.pageSize },
      );
      ctx.res.setHeader('Cache-Control', 'no-store');
      ctx.res.json({
        items: r.items.map((u) => ({ userId: u.userId, fullName: u.fullName, organisation: u.organisation })),
        page: q.page,
        pageSize: q.pageSize,
        total: r.total,
      });
    },
  });
}
const reminder = z.object({ id: z.string(), addressed: z.number() });
const REMINDER_SUMMARY =
  'в ответ — новое объявление-напоминание {id, addressed}; 422, когда напоминать некому (все уже сделали)';

/**
 * What the publisher's pages do, through the API: reminders about an announcement (to the not-yet-read), a document
 * (to the not-yet-downloaded) and an open survey (to the not-yet-answered); editing an announcement's text (a
 * published one keeps the previous text in its history) and taking it down.
 */
export function reminderApi(): RouteDef[] {
  return [
    notDoneRoute(
      '/announcements/:id/unread',
      'announcement.publish',
      'ANNOUNCEMENT',
      'Кто из адресатов ещё не прочитал (child=own|id организации, страницами)',
      async (ctx, id) => {
        const { a, org } = await loadPublished(ctx, id);
        return { id: a.id, path: org.path };
      },
    ),
    notDoneRoute(
      '/documents/:id/not-downloaded',
      'document.publish',
      'DOCUMENT',
      'Кто из адресатов ещё не скачал документ (child=own|id организации, страницами)',
      async (ctx, id) => {
        const d = await loadDocument(ctx, id);
        return { id: d.id, path: d.organisation.path };
      },
    ),
    notDoneRoute(
      '/surveys/:id/not-answered',
      'survey.publish',
      'SURVEY',
      'Кто из адресатов ещё не ответил (child=own|id организации, страницами; что ответили — не раскрывается)',
      async (ctx, id) => {
        const s = await loadSurvey(ctx, id);
        return { id: s.id, path: s.organisation.path };
      },
    ),
    route({
      method: 'post',
      path: '/announcements/:id/remind',
      kind: 'api',
      action: 'announcement.publish',
      tag: T,
      summary: `Напомнить непрочитавшим: ${REMINDER_SUMMARY}`,
      status: 201,
      params: idParams,
      response: reminder,
      async handler(ctx) {
        const { a } = await loadPublished(ctx, idOf(ctx));
        ctx.res.status(201).json(await remindAnnouncement(ctx.actor, a));
      },
    }),
    route({
      method: 'patch',
      path: '/announcements/:id',
      kind: 'api',
      action: 'announcement.publish',
      tag: T,
      summary: 'Изменить текст объявления (version — прочитанная; прежний текст опубликованного остаётся в истории)',
      params: idParams,
      body: announcementPatchInput,
      response: z.object({ id: z.string(), version: z.number() }),
      async handler(ctx) {
        const { a } = await loadPublished(ctx, idOf(ctx));
        const b = ctx.body;
        const expiresOn = b.expiresAt === undefined ? (a.expiresOn ? fromDate(a.expiresOn) : undefined) : b.expiresAt;
        if (expiresOn && expiresOn < fromDate(a.publishOn))
          throw new AppError('BAD_REQUEST', undefined, {
            expiresAt: 'Дата окончания показа не может быть раньше даты публикации',
          });
        await editAnnouncement(ctx.actor, a, b.version, {
          title: b.title ?? a.title,
          body: b.body ?? a.body,
          important: b.important ?? a.important,
          expiresOn: expiresOn ?? undefined,
          attachmentId: b.attachmentId === undefined ? a.attachmentId : b.attachmentId,
        });
        ctx.res.json({ id: a.id, version: b.version + 1 });
      },
    }),
    route({
      method: 'post',
      path: '/announcements/:id/archive',
      kind: 'api',
      action: 'announcement.publish',
      tag: T,
      summary: 'Снять опубликованное объявление с показа (409 — черновик или уже снято)',
      params: idParams,
      response: z.object({ id: z.string(), status: z.literal('ARCHIVED') }),
      async handler(ctx) {
        const { a } = await loadPublished(ctx, idOf(ctx));
        await archiveAnnouncement(ctx.actor, a);
        ctx.res.json({ id: a.id, status: 'ARCHIVED' as const });
      },
    }),
    route({
      method: 'post',
      path: '/documents/:id/remind',
      kind: 'api',
      action: 'document.publish',
      tag: T,
      summary: `Напомнить нескачавшим: ${REMINDER_SUMMARY}`,
      status: 201,
      params: idParams,
      response: reminder,
      async handler(ctx) {
        const doc = await loadDocument(ctx, ctx.params.id);
        ctx.res.status(201).json(await remindDocument(ctx.actor, doc));
      },
    }),
    route({
      method: 'post',
      path: '/surveys/:id/remind',
      kind: 'api',
      action: 'survey.publish',
      tag: T,
      summary: `Напомнить неответившим (опрос открыт, иначе 409): ${REMINDER_SUMMARY}`,
      status: 201,
      params: idParams,
      response: reminder,
      async handler(ctx) {
        const s = await loadSurvey(ctx, ctx.params.id);
        if (!surveyOpen(s)) throw new AppError('CONFLICT', 'Опрос не открыт: напоминать не о чем');
        ctx.res.status(201).json(await remindSurvey(ctx.actor, s));
      },
    }),
  ];
}

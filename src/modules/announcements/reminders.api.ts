import { z } from 'zod';
import { AppError } from '../../http/errors';
import { type RouteDef, route } from '../../http/route';
import { loadPublished as loadDocument } from '../library/library.access';
import { idParams } from '../organisations/organisations.input';
import { loadOwned as loadSurvey } from '../surveys/surveys.access';
import { idOf, loadPublished } from './announcements.api';
import { archiveAnnouncement, remindAnnouncement } from './announcements.service';
import { remindDocument, remindSurvey, surveyOpen } from './reminders.routes';

const T = 'Информирование';
const reminder = z.object({ id: z.string(), addressed: z.number() });
const REMINDER_SUMMARY =
  'в ответ — новое объявление-напоминание {id, addressed}; 422, когда напоминать некому (все уже сделали)';

/**
 * What the publisher's pages do, through the API: reminders about an announcement (to the not-yet-read), a document
 * (to the not-yet-downloaded) and an open survey (to the not-yet-answered), and taking an announcement down.
 */
export function reminderApi(): RouteDef[] {
  return [
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

import { AppError } from '../../http/errors';
import { redirectWithFlash } from '../../http/flash';
import { type RouteDef, route } from '../../http/route';
import { formatDateTime } from '../../lib/dates';
import { loadPublished as loadDocument } from '../library/library.access';
import { idParams } from '../organisations/organisations.input';
import { loadOwned as loadSurvey } from '../surveys/surveys.access';
import type { Actor } from '../../policy/actor';
import type { DocumentFull } from '../library/library.repo';
import type { SurveyFull } from '../surveys/surveys.repo';
import { remindNotDone } from './announcements.service';

/** A reminder to those addressed by the document who have not downloaded it, with the document attached. */
export function remindDocument(actor: Actor, doc: DocumentFull) {
  return remindNotDone(
    actor,
    { type: 'DOCUMENT', id: doc.id, organisationId: doc.organisationId },
    {
      title: `Напоминание: скачайте документ «${doc.title}»`,
      body: 'Документ адресован вам в библиотеке документов. Откройте его по ссылке ниже и скачайте.',
      attachmentId: doc.id,
    },
  );
}

export const surveyOpen = (s: SurveyFull) => s.status === 'PUBLISHED' && s.closesAt > new Date();

/** A reminder to those addressed by an open survey who have not answered it. */
export function remindSurvey(actor: Actor, s: SurveyFull) {
  const what = s.kind === 'TEST' ? 'тест' : 'опрос';
  return remindNotDone(
    actor,
    { type: 'SURVEY', id: s.id, organisationId: s.organisationId },
    {
      title: `Напоминание: ответьте на ${what} «${s.title}»`,
      body: `Вы ещё не ответили на ${what} «${s.title}». Он открыт до ${formatDateTime(s.closesAt)}: откройте раздел «Опросы» и ответьте.`,
    },
  );
}

/** Nobody left to remind is said on the page the publisher came from, not on an error page. */
async function remind(run: () => Promise<{ addressed: number }>): Promise<string> {
  try {
    const r = await run();
    return `Напоминание отправлено: адресатов ${r.addressed}. Его увидят только те, кто ещё не сделал этого`;
  } catch (e) {
    if (e instanceof AppError && e.code === 'UNPROCESSABLE') return e.message;
    throw e;
  }
}

/**
 * Reminders about a document (to who has not downloaded it) and a survey (to who has not answered it): an
 * important announcement shown only to them.
 */
export function reminderPages(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/documents/:id/remind',
      kind: 'page',
      action: 'document.publish',
      params: idParams,
      async handler(ctx) {
        const doc = await loadDocument(ctx, ctx.params.id);
        const message = await remind(() => remindDocument(ctx.actor, doc));
        redirectWithFlash(ctx.req, ctx.res, `/documents/${doc.id}`, message);
      },
    }),
    route({
      method: 'post',
      path: '/surveys/:id/remind',
      kind: 'page',
      action: 'survey.publish',
      params: idParams,
      async handler(ctx) {
        const s = await loadSurvey(ctx, ctx.params.id);
        const url = `/surveys/${s.id}/results`;
        if (!surveyOpen(s)) return redirectWithFlash(ctx.req, ctx.res, url, 'Опрос не открыт: напоминать не о чем');
        const message = await remind(() => remindSurvey(ctx.actor, s));
        redirectWithFlash(ctx.req, ctx.res, url, message);
      },
    }),
  ];
}

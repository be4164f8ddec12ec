import { keptValues } from '../../http/kept-form';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { authorizeReader } from '../library/library.access';
import { idParams } from '../organisations/organisations.input';
import { answersFromForm, maxScore, passed, NO_OPTION } from './answers';
import { addressedSql, loadAddressed, loadViewable, mineSql } from './surveys.access';
import { surveyAdminPages } from './surveys.admin';
import { surveySettingsPages } from './surveys.settings';
import { surveyExportPages } from './surveys.exports';
import { listQuery, QUESTION_TYPES } from './surveys.input';
import { hasAnswered, listSurveys, namedResponse, type SurveyFull } from './surveys.repo';
import { respond } from './surveys.service';

const isOpen = (s: { opensAt: Date; closesAt: Date; status: string }, now = new Date()) =>
  s.status === 'PUBLISHED' && now >= s.opensAt && now < s.closesAt;

/** The survey's page: the plain answer form (no script) with what the user gave or typed, or why not. */
async function renderSurvey(
  ctx: Ctx,
  s: SurveyFull,
  o: { typed?: Record<string, unknown>; error?: { code: string; message: string }; score?: number | null } = {},
  status = 200,
) {
  const userId = ctx.actor.userId;
  const answered = userId ? await hasAnswered(s.id, userId) : false;
  const canPublish = ctx.allows('survey.publish', s.organisation.path);
  const mine = userId && !s.anonymous ? await namedResponse(s.id, userId) : null;
  // What to show checked: what was just typed, or the stored answers of a named survey.
  const given: Record<string, string[]> = {};
  // A form sent after the session ended is re-shown as typed (src/http/kept-form.ts).
  o = { ...o, typed: o.typed ?? keptValues(ctx.res) };
  if (o.typed) {
    for (const q of s.questions) {
      const v = o.typed[`q_${q.code}`];
      given[q.code] =
        v === undefined ? [] : Array.isArray(v) ? v.map((x) => String(x)) : typeof v === 'string' ? [v] : [];
    }
  } else if (mine) {
    for (const q of s.questions) {
      const rows = mine.answers.filter((a) => a.questionId === q.id);
      given[q.code] = rows.map((a) =>
        a.optionId !== NO_OPTION
          ? (q.options.find((x) => x.id === a.optionId)?.code ?? '')
          : a.number !== null
            ? String(Number(a.number))
            : (a.text ?? ''),
      );
    }
  }
  const closed = new Date() >= s.closesAt;
  const max = maxScore(s.questions);
  const score = o.score ?? (s.kind === 'TEST' && mine && (closed || !s.scoreAfterClose) ? mine.score : null);
  ctx.res.setHeader('Cache-Control', 'no-store');
  await renderPage(
    ctx.res,
    'surveys/show',
    {
      title: s.title,
      s: {
        id: s.id,
        title: s.title,
        instructions: s.instructions,
        kind: s.kind,
        anonymous: s.anonymous,
        opensAt: s.opensAt,
        closesAt: s.closesAt,
        status: s.status,
        orgName: s.organisation.shortName ?? s.organisation.name,
        questions: s.questions.map((q) => ({ ...q, typeLabel: QUESTION_TYPES[q.type] })),
      },
      open: isOpen(s),
      closed,
      answered,
      canAnswer: isOpen(s) && (!answered || !s.anonymous),
      canPublish,
      given,
      error: o.error ?? null,
      score:
        score === null || score === undefined ? null : { score, max, passed: passed(score, max, s.passPercent ?? 0) },
      scoreLater: s.kind === 'TEST' && s.scoreAfterClose && !closed && answered,
    },
    status,
  );
}

export function surveyPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/surveys',
      kind: 'page',
      action: 'survey.answer',
      query: listQuery,
      async handler(ctx) {
        authorizeReader(ctx);
        const pageSize = 30;
        const { rows, total } = await listSurveys(addressedSql(ctx.actor), mineSql(ctx.actor), ctx.actor.userId, {
          openOnly: ctx.query.open === 'true',
          page: ctx.query.page,
          pageSize,
        });
        const now = new Date();
        ctx.res.setHeader('Cache-Control', 'no-store');
        await renderPage(ctx.res, 'surveys/list', {
          title: 'Опросы и тесты',
          items: rows.map((r) => ({ ...r, open: isOpen(r, now), draft: r.status === 'DRAFT' })),
          total,
          page: ctx.query.page,
          pageSize,
          base: { open: ctx.query.open },
          publishAt: ctx.actor.assignments
            .filter((a) => ctx.allows('survey.publish', a.orgPath))
            .map((a) => ({ id: a.organisationId, name: a.orgName })),
        });
      },
    }),
    ...surveyAdminPages(),
    ...surveySettingsPages(),
    ...surveyExportPages(),
    route({
      method: 'get',
      path: '/surveys/:id',
      kind: 'page',
      action: 'survey.answer',
      params: idParams,
      async handler(ctx) {
        await renderSurvey(ctx, await loadViewable(ctx, ctx.params.id));
      },
    }),
    route({
      method: 'post',
      path: '/surveys/:id/answers',
      kind: 'page',
      action: 'survey.answer',
      params: idParams,
      async handler(ctx) {
        const s = await loadAddressed(ctx, ctx.params.id);
        const body = ctx.body as Record<string, unknown>;
        const r = await respond(ctx.actor, s, answersFromForm(s.questions, body));
        if (r.status === 'INVALID') return renderSurvey(ctx, s, { typed: body, error: r }, 400);
        const flash = r.status === 'CREATED' ? 'Спасибо! Ваши ответы приняты' : 'Ответы изменены. Спасибо!';
        if (s.kind === 'TEST' && !s.scoreAfterClose && r.score !== null && s.anonymous) {
          // An anonymous test's score cannot be looked up later: it is shown now.
          ctx.res.locals.flash = flash;
          return renderSurvey(ctx, s, { score: r.score });
        }
        ctx.req.session.flash = flash;
        ctx.res.redirect(303, `/surveys/${s.id}`);
      },
    }),
  ];
}

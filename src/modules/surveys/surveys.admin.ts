import { z } from 'zod';
import { fieldErrors } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { formatDateTime } from '../../lib/dates';
import { audienceOf } from '../audience/audience.input';
import { audienceForm, describeAudience } from '../audience/audience.presenter';
import { audienceChildren, notDone } from '../audience/audience.repo';
import { audienceFromFields } from '../audience/audience.fields';
import type { OrgRow } from '../organisations/organisations.repo';
import { idParams, uuid } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { surveyResults } from './results';
import { loadOwned } from './surveys.access';
import { optionsFromText, QUESTION_TYPES, questionFormInput, questionInput, surveyFormInput } from './surveys.input';
import type { SurveyFull } from './surveys.repo';
import { changeStructure, copySurvey, createSurvey, publishSurvey } from './surveys.service';

const qParams = z.object({ id: uuid, qid: uuid });
const typeOptions = Object.entries(QUESTION_TYPES).map(([value, label]) => ({ value, label }));
const moscowInput = (d: Date) => formatDateTime(d).replace(',', '');

async function renderNew(
  ctx: Ctx,
  org: OrgRow,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  const children = await audienceChildren(org.id);
  const aErrors: Record<string, string> = {};
  for (const k of ['kinds', 'roles', 'orgIds', 'members']) {
    const e = errors[`audience${k.charAt(0).toUpperCase()}${k.slice(1)}`];
    if (e) aErrors[k] = e;
  }
  await renderPage(
    ctx.res,
    'surveys/new',
    {
      title: 'Новый опрос',
      org: { id: org.id, name: org.shortName ?? org.name },
      values,
      errors,
      kinds: [
        { value: 'SURVEY', label: 'Опрос' },
        { value: 'TEST', label: 'Тест (с правильными ответами и баллами)' },
      ],
      audience: audienceForm(org, children, values, aErrors),
    },
    status,
  );
}

async function renderEdit(
  ctx: Ctx,
  s: SurveyFull,
  values: Record<string, unknown> = {},
  errors: Record<string, string> = {},
  status = 200,
) {
  await renderPage(
    ctx.res,
    'surveys/edit',
    {
      title: `Вопросы: ${s.title}`,
      s: {
        id: s.id,
        title: s.title,
        kind: s.kind,
        status: s.status,
        anonymous: s.anonymous,
        locked: s.lockedAt !== null,
        opensAt: s.opensAt,
        closesAt: s.closesAt,
        addressed: s.addressed,
        audienceText: describeAudience(audienceOf(s)),
        questions: s.questions.map((q) => ({ ...q, typeLabel: QUESTION_TYPES[q.type] })),
      },
      values: { type: 'ONE', ...values },
      errors,
      typeOptions,
    },
    status,
  );
}

export function surveyAdminPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/surveys/new',
      kind: 'page',
      action: 'survey.publish',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const week = new Date(Date.now() + 7 * 86400_000);
        await renderNew(
          ctx,
          org,
          { kind: 'SURVEY', opensAt: moscowInput(new Date()), closesAt: moscowInput(week) },
          {},
        );
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/surveys',
      kind: 'page',
      action: 'survey.publish',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const body = ctx.body as Record<string, unknown>;
        const parsed = surveyFormInput.safeParse(body);
        const audience = await audienceFromFields(body, org);
        const errors = parsed.success ? {} : fieldErrors(parsed.error);
        if ('errors' in audience) Object.assign(errors, audience.errors);
        if (!parsed.success || 'errors' in audience) return renderNew(ctx, org, body, errors, 400);
        const r = await createSurvey(ctx.actor, org, parsed.data, audience.audience, [], false);
        ctx.req.session.flash = 'Черновик создан. Добавьте вопросы и опубликуйте';
        ctx.res.redirect(303, `/surveys/${r.id}/edit`);
      },
    }),
    route({
      method: 'get',
      path: '/surveys/:id/edit',
      kind: 'page',
      action: 'survey.publish',
      params: idParams,
      async handler(ctx) {
        await renderEdit(ctx, await loadOwned(ctx, ctx.params.id));
      },
    }),
    route({
      method: 'post',
      path: '/surveys/:id/questions',
      kind: 'page',
      action: 'survey.publish',
      params: idParams,
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        const body = ctx.body as Record<string, unknown>;
        const form = questionFormInput.safeParse(body);
        if (!form.success) return renderEdit(ctx, s, body, fieldErrors(form.error), 400);
        const options = optionsFromText(form.data.options);
        let n = s.questions.length + 1;
        while (s.questions.some((q) => q.code === `q${n}`)) n += 1;
        const q = questionInput.safeParse({
          code: `q${n}`,
          text: form.data.text,
          type: form.data.type,
          options: form.data.type === 'ONE' || form.data.type === 'MANY' ? options : undefined,
          points: s.kind === 'TEST' ? form.data.points : 0,
        });
        if (!q.success) return renderEdit(ctx, s, body, fieldErrors(q.error), 400);
        await changeStructure(ctx.actor, s, { op: 'add', question: q.data });
        ctx.req.session.flash = 'Вопрос добавлен';
        ctx.res.redirect(303, `/surveys/${s.id}/edit`);
      },
    }),
    route({
      method: 'post',
      path: '/surveys/:id/questions/:qid/move',
      kind: 'page',
      action: 'survey.publish',
      params: qParams,
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        const by = (ctx.body as { by?: string }).by === 'up' ? -1 : 1;
        await changeStructure(ctx.actor, s, { op: 'move', questionId: ctx.params.qid, by });
        ctx.req.session.flash = by < 0 ? 'Вопрос поднят выше' : 'Вопрос опущен ниже';
        ctx.res.redirect(303, `/surveys/${s.id}/edit`);
      },
    }),
    route({
      method: 'post',
      path: '/surveys/:id/questions/:qid/delete',
      kind: 'page',
      action: 'survey.publish',
      params: qParams,
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        await changeStructure(ctx.actor, s, { op: 'delete', questionId: ctx.params.qid });
        ctx.req.session.flash = 'Вопрос удалён';
        ctx.res.redirect(303, `/surveys/${s.id}/edit`);
      },
    }),
    route({
      method: 'post',
      path: '/surveys/:id/publish',
      kind: 'page',
      action: 'survey.publish',
      params: idParams,
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        if (!s.questions.length) return renderEdit(ctx, s, {}, { _: 'Добавьте хотя бы один вопрос' }, 422);
        const addressed = await publishSurvey(ctx.actor, s);
        ctx.req.session.flash = `Опрос опубликован (адресатов: ${addressed})`;
        ctx.res.redirect(303, `/surveys/${s.id}/results`);
      },
    }),
    route({
      method: 'post',
      path: '/surveys/:id/copy',
      kind: 'page',
      action: 'survey.publish',
      params: idParams,
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        const id = await copySurvey(ctx.actor, s);
        ctx.req.session.flash = 'Копия создана: это черновик, его вопросы можно менять';
        ctx.res.redirect(303, `/surveys/${id}/edit`);
      },
    }),
    route({
      method: 'get',
      path: '/surveys/:id/results',
      kind: 'page',
      action: 'survey.publish',
      params: idParams,
      query: z.object({ page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1) }),
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        const [results, waiting] = await Promise.all([
          surveyResults(s),
          notDone(
            { type: 'SURVEY', id: s.id },
            { withinPath: s.organisation.path, page: ctx.query.page, pageSize: 100 },
          ),
        ]);
        ctx.res.setHeader('Cache-Control', 'no-store');
        await renderPage(ctx.res, 'surveys/results', {
          title: `Итоги: ${s.title}`,
          s: { id: s.id, title: s.title, kind: s.kind, anonymous: s.anonymous, status: s.status, closesAt: s.closesAt },
          r: results,
          waiting,
          page: ctx.query.page,
        });
      },
    }),
  ];
}

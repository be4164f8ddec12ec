import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { type RouteDef, route } from '../../http/route';
import { audienceOrgsError } from '../audience/audience.repo';
import { authorizeReader } from '../library/library.access';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { resultsJson, surveyJson } from './surveys.presenter';
import { surveyResults } from './results';
import { answersXlsx, auditExport, sendResultsXlsx, sendSummaryPdf } from './surveys.exports';
import { addressedSql, loadAddressed, loadOwned, loadViewable } from './surveys.access';
import { listQuery, responseInput, surveyApiInput } from './surveys.input';
import { hasAnswered, listSurveys, namedResponse } from './surveys.repo';
import { createSurvey, respond } from './surveys.service';

const exportQuery = z.object({ format: z.enum(['xlsx', 'pdf'], { message: 'format: xlsx или pdf' }).default('xlsx') });
const answersQuery = z.object({ format: z.enum(['xlsx'], { message: 'format: xlsx' }).default('xlsx') });

export function surveyApi(): RouteDef[] {
  const T = 'Опросы и тесты';
  return [
    route({
      method: 'post',
      path: '/orgs/:id/surveys',
      kind: 'api',
      action: 'survey.publish',
      tag: T,
      summary: 'Опубликовать опрос или тест',
      status: 201,
      params: idParams,
      body: surveyApiInput,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const audience = ctx.body.audience ?? { kinds: [], roles: [], orgIds: [], members: false };
        if (audience.members)
          throw new AppError('BAD_REQUEST', undefined, { 'audience.members': 'Опрос адресуется пользователям' });
        const orgsError = await audienceOrgsError(org, audience);
        if (orgsError) throw new AppError('BAD_REQUEST', undefined, { 'audience.orgIds': orgsError });
        const r = await createSurvey(ctx.actor, org, ctx.body, audience, ctx.body.questions, true);
        ctx.res.status(201).json(r);
      },
    }),
    route({
      method: 'get',
      path: '/surveys',
      kind: 'api',
      action: 'survey.answer',
      tag: T,
      summary: 'Опросы, адресованные вызывающему (open=true — только открытые)',
      query: listQuery,
      async handler(ctx) {
        authorizeReader(ctx);
        const { rows, total } = await listSurveys(addressedSql(ctx.actor), Prisma.sql`false`, ctx.actor.userId, {
          openOnly: ctx.query.open === 'true',
          page: ctx.query.page,
          pageSize: ctx.query.pageSize,
        });
        ctx.res.setHeader('Cache-Control', 'no-store');
        ctx.res.json({
          items: rows.map((r) => ({
            id: r.id,
            title: r.title,
            kind: r.kind,
            closesAt: r.closesAt.toISOString(),
            answered: r.answered,
          })),
          page: ctx.query.page,
          pageSize: ctx.query.pageSize,
          total,
        });
      },
    }),
    route({
      method: 'get',
      path: '/surveys/:id',
      kind: 'api',
      action: 'survey.answer',
      tag: T,
      summary: 'Опрос с вопросами и кодами вариантов (для ответа); в именном опросе — свои ответы',
      params: idParams,
      async handler(ctx) {
        const s = await loadViewable(ctx, ctx.params.id);
        const userId = ctx.actor.userId;
        const answered = userId ? await hasAnswered(s.id, userId) : false;
        const mine = userId && !s.anonymous ? await namedResponse(s.id, userId) : null;
        ctx.res.setHeader('Cache-Control', 'no-store');
        ctx.res.json(surveyJson(s, { answered, mine }));
      },
    }),
    route({
      method: 'post',
      path: '/surveys/:id/responses',
      kind: 'api',
      action: 'survey.answer',
      tag: T,
      summary: 'Ответить (201 впервые, 200 замена ответов; 409 закрыт; 404 не адресован)',
      params: idParams,
      body: responseInput,
      async handler(ctx) {
        const s = await loadAddressed(ctx, ctx.params.id);
        const r = await respond(ctx.actor, s, ctx.body.answers);
        if (r.status === 'INVALID') throw new AppError('BAD_REQUEST', r.message, { [r.code]: r.message });
        const showScore = s.kind === 'TEST' && !s.scoreAfterClose;
        ctx.res
          .status(r.status === 'CREATED' ? 201 : 200)
          .json({ status: r.status, ...(showScore ? { score: r.score } : {}) });
      },
    }),
    route({
      method: 'get',
      path: '/surveys/:id/results',
      kind: 'api',
      action: 'survey.publish',
      tag: T,
      summary: 'Итоги: по вопросам, по входящим организациям; для теста — сдали',
      params: idParams,
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        ctx.res.setHeader('Cache-Control', 'no-store');
        ctx.res.json(resultsJson(s, await surveyResults(s)));
      },
    }),
    route({
      method: 'get',
      path: '/surveys/:id/results/export',
      kind: 'api',
      action: 'survey.publish',
      tag: T,
      summary: 'Итоги файлом: format=xlsx (по вопросам) или pdf (сводка с диаграммами)',
      params: idParams,
      query: exportQuery,
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        await auditExport(ctx.actor, s, ctx.query.format === 'pdf' ? 'pdf' : 'results');
        if (ctx.query.format === 'pdf') await sendSummaryPdf(ctx.res, s);
        else await sendResultsXlsx(ctx.res, s);
      },
    }),
    route({
      method: 'get',
      path: '/surveys/:id/answers/export',
      kind: 'api',
      action: 'survey.publish',
      tag: T,
      summary: 'Все ответы в XLSX (анонимный опрос — без имён и организаций)',
      params: idParams,
      query: answersQuery,
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        const x = await answersXlsx(s);
        await auditExport(ctx.actor, s, 'answers', x.rows.length);
        await x.send(ctx.res);
      },
    }),
  ];
}

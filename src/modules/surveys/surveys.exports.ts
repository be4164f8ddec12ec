import { type RouteDef, route } from '../../http/route';
import type { Response } from 'express';
import { sendPdf, sendXlsx, type Column } from '../../lib/exports';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { idParams } from '../organisations/organisations.input';
import { NO_OPTION } from './answers';
import { surveyResults, withheldReason, type SurveyResults } from './results';
import { allAnswers, responseCount } from './results.repo';
import { AppError } from '../../http/errors';
import { loadOwned } from './surveys.access';
import { summaryPdf } from './surveys.pdf';
import type { SurveyFull } from './surveys.repo';

/** Every export of a survey's results or answers is a disclosure: one audit row saying what went out. */
export function auditExport(actor: Actor, s: SurveyFull, what: 'results' | 'answers' | 'pdf', rowCount?: number) {
  return audit(actor, {
    action: 'survey.exported',
    entity: 'Survey',
    entityId: s.id,
    organisationId: s.organisationId,
    ...(rowCount === undefined ? {} : { rowCount }),
    details: { what },
  });
}

const pct = (p: number) => `${String(p).replace('.', ',')} %`;

function resultRows(r: SurveyResults) {
  const rows: Record<string, unknown>[] = [];
  for (const q of r.questions) {
    rows.push({ q: q.text, option: '', count: q.answered, percent: null });
    for (const o of q.options) rows.push({ q: '', option: o.text, count: o.count, percent: o.percent });
    if (q.stats)
      rows.push({
        q: '',
        option: `среднее ${q.stats.avg}; мин. ${q.stats.min}; макс. ${q.stats.max}`,
        count: null,
        percent: null,
      });
  }
  return rows;
}

/** One row per response, one column per question; a named survey's respondent is given, an anonymous one's never. */
function answerRows(s: SurveyFull, rows: Awaited<ReturnType<typeof allAnswers>>) {
  const byResponse = new Map<string, Record<string, unknown>>();
  const multi = new Map<string, string[]>();
  for (const a of rows) {
    let r = byResponse.get(a.responseId);
    if (!r) {
      r = { n: byResponse.size + 1, name: a.fullName ?? '', org: a.orgName ?? '', score: a.score };
      byResponse.set(a.responseId, r);
    }
    const q = s.questions.find((x) => x.id === a.questionId);
    if (!q) continue;
    const value =
      a.optionId !== NO_OPTION
        ? (q.options.find((o) => o.id === a.optionId)?.text ?? '')
        : a.number !== null
          ? Number(a.number)
          : (a.text ?? '');
    const key = `${a.responseId}/${q.code}`;
    if (q.type === 'MANY') {
      const list = [...(multi.get(key) ?? []), String(value)];
      multi.set(key, list);
      r[q.code] = list.join('; ');
    } else r[q.code] = value;
  }
  return [...byResponse.values()];
}

/** The results (per question: counts and %) as XLSX. */
export async function sendResultsXlsx(res: Response, s: SurveyFull) {
  const r = await surveyResults(s);
  await sendXlsx(
    res,
    'itogi-oprosa.xlsx',
    'Итоги',
    [
      { header: 'Вопрос (ответили)', key: 'q', width: 50 },
      { header: 'Вариант', key: 'option', width: 40 },
      { header: 'Число', key: 'count', width: 10 },
      { header: '%', key: 'percent', width: 8 },
    ],
    resultRows(r),
    {
      title: `${s.title}: ответили ${r.answered} из ${r.addressed} (${pct(r.percent)})${r.withheld ? `. ${r.withheld}` : ''}`,
    },
  );
}

/** Every answer as XLSX, one row per response; an anonymous survey's rows carry no name and no organisation. */
export async function answersXlsx(s: SurveyFull) {
  const withheld = withheldReason(s, await responseCount(s.id));
  if (withheld) throw new AppError('UNPROCESSABLE', withheld);
  const rows = answerRows(s, await allAnswers(s.id, !s.anonymous));
  const columns: Column[] = [
    { header: '№', key: 'n', width: 6 },
    ...(s.anonymous
      ? []
      : [
          { header: 'ФИО', key: 'name', width: 30 },
          { header: 'Организация', key: 'org', width: 30 },
        ]),
    ...(s.kind === 'TEST' ? [{ header: 'Баллы', key: 'score', width: 8 }] : []),
    ...s.questions.map((q) => ({ header: q.text.slice(0, 200), key: q.code, width: 25 })),
  ];
  const title = s.anonymous ? `${s.title} (анонимный опрос: ответы без имён)` : s.title;
  return { rows, send: (res: Response) => sendXlsx(res, 'otvety.xlsx', 'Ответы', columns, rows, { title }) };
}

/** The summary with bar charts as PDF (surveys.pdf.ts). */
export async function sendSummaryPdf(res: Response, s: SurveyFull) {
  sendPdf(res, 'itogi-oprosa.pdf', summaryPdf(s, await surveyResults(s)));
}

export function surveyExportPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/surveys/:id/results.xlsx',
      kind: 'page',
      action: 'survey.publish',
      params: idParams,
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        await auditExport(ctx.actor, s, 'results');
        await sendResultsXlsx(ctx.res, s);
      },
    }),
    route({
      method: 'get',
      path: '/surveys/:id/answers.xlsx',
      kind: 'page',
      action: 'survey.publish',
      params: idParams,
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        const x = await answersXlsx(s);
        await auditExport(ctx.actor, s, 'answers', x.rows.length);
        await x.send(ctx.res);
      },
    }),
    route({
      method: 'get',
      path: '/surveys/:id/summary.pdf',
      kind: 'page',
      action: 'survey.publish',
      params: idParams,
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        await auditExport(ctx.actor, s, 'pdf');
        await sendSummaryPdf(ctx.res, s);
      },
    }),
  ];
}

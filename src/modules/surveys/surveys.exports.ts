import { type RouteDef, route } from '../../http/route';
import { formatDateTime } from '../../lib/dates';
import { pdfDoc, pdfTable, sendPdf, sendXlsx, type Column } from '../../lib/exports';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { idParams } from '../organisations/organisations.input';
import { NO_OPTION } from './answers';
import { surveyResults, type SurveyResults } from './results';
import { allAnswers } from './results.repo';
import { loadOwned } from './surveys.access';
import type { SurveyFull } from './surveys.repo';

/** Every export of a survey's results or answers is a disclosure: one audit row saying what went out. */
function auditExport(actor: Actor, s: SurveyFull, what: 'results' | 'answers' | 'pdf', rowCount?: number) {
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
        const r = await surveyResults(s);
        await auditExport(ctx.actor, s, 'results');
        await sendXlsx(
          ctx.res,
          'itogi-oprosa.xlsx',
          'Итоги',
          [
            { header: 'Вопрос (ответили)', key: 'q', width: 50 },
            { header: 'Вариант', key: 'option', width: 40 },
            { header: 'Число', key: 'count', width: 10 },
            { header: '%', key: 'percent', width: 8 },
          ],
          resultRows(r),
          { title: `${s.title}: ответили ${r.answered} из ${r.addressed} (${pct(r.percent)})` },
        );
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
        const rows = answerRows(s, await allAnswers(s.id, !s.anonymous));
        await auditExport(ctx.actor, s, 'answers', rows.length);
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
        await sendXlsx(ctx.res, 'otvety.xlsx', 'Ответы', columns, rows, {
          title: s.anonymous ? `${s.title} (анонимный опрос: ответы без имён)` : s.title,
        });
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
        const r = await surveyResults(s);
        await auditExport(ctx.actor, s, 'pdf');
        const doc = pdfDoc();
        doc.font('bold').fontSize(14).text(s.title);
        doc
          .font('regular')
          .fontSize(10)
          .text(`Ответили ${r.answered} из ${r.addressed} (${pct(r.percent)}); закрытие ${formatDateTime(s.closesAt)}`);
        if (r.test)
          doc.text(`Сдали ${r.test.passed} (${pct(r.test.passedPercent)}), проходной порог ${r.test.passPercent} %`);
        doc.moveDown();
        for (const q of r.questions) {
          doc.font('bold').fontSize(11).text(`${q.text} (ответили ${q.answered})`);
          if (q.options.length)
            pdfTable(
              doc,
              [
                { header: 'Вариант', width: 300 },
                { header: 'Число', width: 60, align: 'right' },
                { header: '%', width: 60, align: 'right' },
              ],
              q.options.map((o) => [o.text, String(o.count), pct(o.percent)]),
              q.options.map((o) => o.percent),
            );
          else if (q.stats)
            doc.font('regular').fontSize(10).text(`Среднее ${q.stats.avg}, мин. ${q.stats.min}, макс. ${q.stats.max}`);
          doc.moveDown(0.5);
        }
        sendPdf(ctx.res, 'itogi-oprosa.pdf', doc);
      },
    }),
  ];
}

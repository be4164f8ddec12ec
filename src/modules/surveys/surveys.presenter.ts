import { maxScore, NO_OPTION } from './answers';
import type { SurveyResults } from './results';
import type { SurveyFull } from './surveys.repo';

/** GET /api/v1/surveys/:id/results (API.md): counts and percentages only, never a respondent. */
export function resultsJson(s: SurveyFull, r: SurveyResults) {
  return {
    id: s.id,
    title: s.title,
    kind: s.kind,
    anonymous: s.anonymous,
    ...(r.withheld ? { withheld: r.withheld } : {}),
    addressed: r.addressed,
    answered: r.answered,
    percent: r.percent,
    responses: r.responses,
    questions: r.questions.map((q) => ({
      code: q.code,
      type: q.type,
      answered: q.answered,
      options: q.options.map((o) => ({ code: o.code, count: o.count, percent: o.percent })),
      ...(q.stats ? { stats: { avg: Number(q.stats.avg), min: Number(q.stats.min), max: Number(q.stats.max) } } : {}),
    })),
    children: r.children,
    ...(r.test
      ? {
          passed: r.test.passed,
          passPercent: r.test.passPercent,
          passedPercent: r.test.passedPercent,
          maxScore: r.test.maxScore,
          distribution: r.test.distribution,
        }
      : s.kind === 'TEST'
        ? // Withheld (an anonymous test not yet shown): the contract's keys stay, the figures unknown for now.
          {
            passed: null,
            passPercent: s.passPercent ?? 0,
            passedPercent: null,
            maxScore: maxScore(s.questions),
            distribution: [],
          }
        : {}),
  };
}

type Mine = {
  score: number | null;
  answers: { questionId: string; optionId: string; number: unknown; text: string | null }[];
} | null;

/**
 * GET /api/v1/surveys/:id: what a respondent needs to answer through the API (question and option codes, types,
 * dates) and, for a named survey, their own answers in the shape POST .../responses takes. Correct options are never
 * given; a test's score only when the respondent may see it (at once, or after closing when the author chose so).
 */
export function surveyJson(s: SurveyFull, o: { answered: boolean; mine: Mine; now?: Date }) {
  const closed = (o.now ?? new Date()) >= s.closesAt;
  const answers: Record<string, string | string[] | number> = {};
  for (const q of s.questions) {
    const rows = o.mine?.answers.filter((a) => a.questionId === q.id) ?? [];
    if (!rows.length) continue;
    if (q.type === 'MANY') answers[q.code] = rows.map((a) => q.options.find((x) => x.id === a.optionId)?.code ?? '');
    else if (rows[0].optionId !== NO_OPTION)
      answers[q.code] = q.options.find((x) => x.id === rows[0].optionId)?.code ?? '';
    else if (rows[0].number !== null) answers[q.code] = Number(rows[0].number);
    else answers[q.code] = rows[0].text ?? '';
  }
  const showScore = s.kind === 'TEST' && o.mine && o.mine.score !== null && (closed || !s.scoreAfterClose);
  return {
    id: s.id,
    title: s.title,
    instructions: s.instructions,
    kind: s.kind,
    anonymous: s.anonymous,
    organisation: { id: s.organisation.id, name: s.organisation.shortName ?? s.organisation.name },
    opensAt: s.opensAt.toISOString(),
    closesAt: s.closesAt.toISOString(),
    open: s.status === 'PUBLISHED' && !closed && (o.now ?? new Date()) >= s.opensAt,
    ...(s.kind === 'TEST' ? { passPercent: s.passPercent } : {}),
    questions: s.questions.map((q) => ({
      code: q.code,
      text: q.text,
      type: q.type,
      ...(q.options.length ? { options: q.options.map((x) => ({ code: x.code, text: x.text })) } : {}),
      ...(s.kind === 'TEST' ? { points: q.points } : {}),
    })),
    answered: o.answered,
    ...(s.anonymous ? {} : { answers }),
    ...(showScore ? { score: o.mine!.score } : {}),
  };
}

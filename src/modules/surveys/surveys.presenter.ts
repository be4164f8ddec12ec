import type { SurveyResults } from './results';
import type { SurveyFull } from './surveys.repo';

/** GET /api/v1/surveys/:id/results (API.md): counts and percentages only, never a respondent. */
export function resultsJson(s: SurveyFull, r: SurveyResults) {
  return {
    id: s.id,
    title: s.title,
    kind: s.kind,
    anonymous: s.anonymous,
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
      : {}),
  };
}

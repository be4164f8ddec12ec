import { percentOf } from '../audience/audience.input';
import { rollup } from '../audience/audience.repo';
import { maxScore, passed, type Question } from './answers';
import {
  answeredPerQuestion,
  numberStats,
  optionCounts,
  responseCount,
  scoreDistribution,
  textAnswers,
} from './results.repo';
import type { SurveyFull } from './surveys.repo';

export interface QuestionResult {
  id: string;
  code: string;
  text: string;
  type: Question['type'];
  answered: number;
  /** ONE, MANY: the options; SCALE: the values 1–5. Percent = count / the question's answered (one decimal, half up). */
  options: { code: string; text: string; count: number; percent: number; correct: boolean }[];
  stats: { avg: string; min: string; max: string } | null;
  texts: string[];
}

export interface SurveyResults {
  responses: number;
  addressed: number;
  answered: number;
  percent: number;
  questions: QuestionResult[];
  children: { id: string; name: string; kind: string; addressed: number; answered: number; percent: number }[];
  own: { addressed: number; answered: number; percent: number } | null;
  test: {
    maxScore: number;
    passPercent: number;
    passed: number;
    passedPercent: number;
    distribution: { score: number; count: number; percent: number }[];
  } | null;
}

/** The results of a survey, every percentage recomputed from the counts. A few grouped queries, none per row. */
export async function surveyResults(s: SurveyFull): Promise<SurveyResults> {
  const [answered, counts, numbers, texts, responses, dist, roll] = await Promise.all([
    answeredPerQuestion(s.id),
    optionCounts(s.id),
    numberStats(s.id),
    textAnswers(s.id),
    responseCount(s.id),
    s.kind === 'TEST' ? scoreDistribution(s.id) : Promise.resolve([]),
    rollup({ type: 'SURVEY', id: s.id }),
  ]);
  const questions = s.questions.map((q): QuestionResult => {
    const n = answered.get(q.id) ?? 0;
    const mine = counts.filter((c) => c.questionId === q.id);
    const options =
      q.type === 'SCALE'
        ? [1, 2, 3, 4, 5].map((v) => {
            const count = mine.filter((c) => Number(c.number) === v).reduce((a, c) => a + c.n, 0);
            return { code: String(v), text: String(v), count, percent: percentOf(count, n), correct: false };
          })
        : q.options.map((o) => {
            const count = mine.find((c) => c.optionId === o.id)?.n ?? 0;
            return { code: o.code, text: o.text, count, percent: percentOf(count, n), correct: o.correct };
          });
    const st = numbers.find((x) => x.questionId === q.id);
    return {
      id: q.id,
      code: q.code,
      text: q.text,
      type: q.type,
      answered: n,
      options,
      stats: st && (q.type === 'NUMBER' || q.type === 'SCALE') ? { avg: st.avg, min: st.min, max: st.max } : null,
      texts: texts.filter((t) => t.questionId === q.id).map((t) => t.text),
    };
  });
  let test: SurveyResults['test'] = null;
  if (s.kind === 'TEST') {
    const max = maxScore(s.questions);
    const pass = s.passPercent ?? 0;
    const total = dist.reduce((a, d) => a + d.n, 0);
    const ok = dist.filter((d) => passed(d.score, max, pass)).reduce((a, d) => a + d.n, 0);
    test = {
      maxScore: max,
      passPercent: pass,
      passed: ok,
      passedPercent: percentOf(ok, total),
      distribution: dist.map((d) => ({ score: d.score, count: d.n, percent: percentOf(d.n, total) })),
    };
  }
  return {
    responses,
    addressed: roll.addressed,
    answered: roll.done,
    percent: roll.percent,
    questions,
    children: roll.children.map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind,
      addressed: c.addressed,
      answered: c.done,
      percent: c.percent,
    })),
    own: roll.own ? { addressed: roll.own.addressed, answered: roll.own.done, percent: roll.own.percent } : null,
    test,
  };
}

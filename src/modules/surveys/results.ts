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
  /**
   * Why an anonymous survey's answers are not shown yet (null: shown). Who has not answered is always shown; what
   * was answered only once the survey has closed and has at least ANONYMOUS_MIN_ANSWERS answers: before that, a
   * small count, or the difference between two looks as the not-answered list shrinks, would tell who said what.
   */
  withheld: string | null;
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

/** The fewest answers an anonymous survey's results are shown with. */
export const ANONYMOUS_MIN_ANSWERS = 5;

/** Why an anonymous survey's answers stay hidden now (see SurveyResults.withheld), or null. */
export function withheldReason(
  s: Pick<SurveyFull, 'anonymous' | 'closesAt'>,
  responses: number,
  now = new Date(),
): string | null {
  if (!s.anonymous) return null;
  if (s.closesAt > now)
    return 'Опрос анонимный: ответы покажутся после его закрытия — иначе по тому, кто успел ответить, можно узнать, кто как ответил.';
  if (responses < ANONYMOUS_MIN_ANSWERS)
    return `Опрос анонимный, а ответов меньше ${ANONYMOUS_MIN_ANSWERS}: по ним можно узнать, кто как ответил, поэтому они не показываются.`;
  return null;
}

/** The results of a survey, every percentage recomputed from the counts. A few grouped queries, none per row. */
export async function surveyResults(s: SurveyFull): Promise<SurveyResults> {
  const responses = await responseCount(s.id);
  const withheld = withheldReason(s, responses);
  if (withheld) return hiddenResults(s, withheld, responses);
  const [answered, counts, numbers, texts, dist, roll] = await Promise.all([
    answeredPerQuestion(s.id),
    optionCounts(s.id),
    numberStats(s.id),
    textAnswers(s.id),
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
    withheld: null,
    responses,
    ...completion(roll),
    questions,
    test,
  };
}

/** An anonymous survey's results while its answers are withheld: who answered (counts), nothing of what. */
async function hiddenResults(s: SurveyFull, withheld: string, responses: number): Promise<SurveyResults> {
  const roll = await rollup({ type: 'SURVEY', id: s.id });
  return {
    withheld,
    responses,
    ...completion(roll),
    questions: s.questions.map((q) => ({
      id: q.id,
      code: q.code,
      text: q.text,
      type: q.type,
      answered: 0,
      options: [],
      stats: null,
      texts: [],
    })),
    test: null,
  };
}

/** Who answered (never what): addressed, answered and % overall, per child organisation and at the publisher. */
function completion(roll: Awaited<ReturnType<typeof rollup>>) {
  return {
    addressed: roll.addressed,
    answered: roll.done,
    percent: roll.percent,
    children: roll.children.map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind,
      addressed: c.addressed,
      answered: c.done,
      percent: c.percent,
    })),
    own: roll.own ? { addressed: roll.own.addressed, answered: roll.own.done, percent: roll.own.percent } : null,
  };
}

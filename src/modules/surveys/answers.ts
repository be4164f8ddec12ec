import type { QuestionType } from '../../generated/prisma/enums';
import { TEXT_MAX } from './surveys.input';

export const NO_OPTION = '00000000-0000-0000-0000-000000000000';

export interface Question {
  id: string;
  code: string;
  text: string;
  type: QuestionType;
  points: number;
  options: { id: string; code: string; text: string; correct: boolean }[];
}

export interface AnswerRow {
  questionId: string;
  optionId: string;
  number: number | null;
  text: string | null;
}

export type Raw = string | number | string[] | null | undefined;

/**
 * Checks one set of answers against the questions: every question answered, choices among its options,
 * numbers numeric, the scale 1–5, texts not too long. Returns the rows to store, or the first bad question
 * (by code) with a Russian message.
 */
export function checkAnswers(
  questions: Question[],
  raw: Record<string, Raw>,
): { rows: AnswerRow[] } | { code: string; message: string } {
  const known = new Set(questions.map((q) => q.code));
  const stray = Object.keys(raw).find((k) => !known.has(k));
  if (stray) return { code: stray, message: `Вопроса «${stray}» в этом опросе нет` };
  const rows: AnswerRow[] = [];
  for (const q of questions) {
    const v = raw[q.code];
    const bad = (message: string) => ({ code: q.code, message: `Вопрос «${q.text}»: ${message}` });
    const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
    if (empty) return bad('ответьте на вопрос');
    if (q.type === 'ONE' || q.type === 'MANY') {
      const codes = Array.isArray(v) ? v.map(String) : [String(v)];
      if (q.type === 'ONE' && codes.length !== 1) return bad('выберите один вариант');
      const unique = [...new Set(codes)];
      const opts = unique.map((c) => q.options.find((o) => o.code === c));
      if (opts.some((o) => !o)) return bad('такого варианта нет');
      for (const o of opts) rows.push({ questionId: q.id, optionId: o!.id, number: null, text: null });
    } else if (q.type === 'NUMBER' || q.type === 'SCALE') {
      if (Array.isArray(v)) return bad('нужно одно число');
      const n = typeof v === 'number' ? v : Number(String(v).replace(',', '.').replace(/\s/g, ''));
      if (!Number.isFinite(n)) return bad('введите число');
      if (q.type === 'SCALE' && !(Number.isInteger(n) && n >= 1 && n <= 5)) return bad('оценка от 1 до 5');
      if (Math.abs(n) >= 1e12) return bad('слишком большое число');
      rows.push({ questionId: q.id, optionId: NO_OPTION, number: Math.round(n * 100) / 100, text: null });
    } else {
      if (Array.isArray(v)) return bad('нужен один текст');
      const t = String(v).trim();
      if (!t) return bad('ответьте на вопрос');
      if (t.length > TEXT_MAX) return bad(`не длиннее ${TEXT_MAX} символов`);
      rows.push({ questionId: q.id, optionId: NO_OPTION, number: null, text: t });
    }
  }
  return { rows };
}

/** A test's score: a ONE or MANY question scores its points when the chosen set equals the correct set. */
export function scoreOf(questions: Question[], rows: AnswerRow[]): number {
  let score = 0;
  for (const q of questions) {
    const correct = q.options.filter((o) => o.correct).map((o) => o.id);
    if (!correct.length) continue;
    const chosen = rows.filter((r) => r.questionId === q.id).map((r) => r.optionId);
    if (chosen.length === correct.length && chosen.every((id) => correct.includes(id))) score += q.points;
  }
  return score;
}

export function maxScore(questions: Question[]): number {
  return questions.filter((q) => q.options.some((o) => o.correct)).reduce((s, q) => s + q.points, 0);
}

/** Passed: the score is at least passPercent of the maximum (integer arithmetic). */
export function passed(score: number, max: number, passPercent: number): boolean {
  return score * 100 >= passPercent * max;
}

/** The page form's fields q_<code> as raw answers. */
export function answersFromForm(questions: Question[], body: Record<string, unknown>): Record<string, Raw> {
  const out: Record<string, Raw> = {};
  for (const q of questions) {
    const v = body[`q_${q.code}`];
    if (v === undefined) continue;
    out[q.code] = Array.isArray(v) ? v.map((x) => String(x)) : typeof v === 'string' ? v : null;
  }
  return out;
}

import { z } from 'zod';
import type { QuestionType } from '../../generated/prisma/enums';
import { audienceInput } from '../audience/audience.input';

export const QUESTION_TYPES: Record<QuestionType, string> = {
  ONE: 'Один вариант',
  MANY: 'Несколько вариантов',
  NUMBER: 'Число',
  TEXT: 'Короткий текст',
  SCALE: 'Шкала от 1 до 5',
};
export const TEXT_MAX = 1000;

const code = z
  .string({ message: 'Укажите код' })
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, { message: 'Код: латинские буквы, цифры, «_» или «-», до 40 символов' });

const optionInput = z.object({
  code,
  text: z.string({ message: 'Укажите текст варианта' }).trim().min(1, { message: 'Укажите текст варианта' }).max(500),
  correct: z.boolean().optional(),
});

export const questionInput = z
  .object({
    code,
    text: z
      .string({ message: 'Укажите вопрос' })
      .trim()
      .min(3, { message: 'Вопрос: не короче 3 символов' })
      .max(2000, { message: 'Вопрос: не длиннее 2000 символов' }),
    type: z.enum(['ONE', 'MANY', 'NUMBER', 'TEXT', 'SCALE'], { message: 'Тип: ONE, MANY, NUMBER, TEXT или SCALE' }),
    options: z.array(optionInput).max(50, { message: 'Не больше 50 вариантов' }).optional(),
    points: z.number().int().min(0).max(1000).optional(),
  })
  .superRefine((q, ctx) => {
    const choice = q.type === 'ONE' || q.type === 'MANY';
    const n = q.options?.length ?? 0;
    if (choice && n < 2) ctx.addIssue({ code: 'custom', path: ['options'], message: 'Нужно не меньше двух вариантов' });
    if (!choice && n > 0)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'Варианты бывают только у вопросов ONE и MANY' });
    const codes = (q.options ?? []).map((o) => o.code);
    if (new Set(codes).size !== codes.length)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'Коды вариантов повторяются' });
    if (q.type === 'ONE' && (q.options ?? []).filter((o) => o.correct).length > 1)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'У вопроса с одним вариантом один верный ответ' });
  });
export type QuestionInput = z.infer<typeof questionInput>;

const ANONYMOUS_SCORE =
  'Анонимный тест показывает результат только сразу после ответа: снимите «Показывать результат только после закрытия»';

const dateTime = z.coerce.date({ message: 'Дата и время в формате ISO 8601' });

export const surveyApiInput = z
  .object({
    title: z
      .string({ message: 'Укажите название' })
      .trim()
      .min(3, { message: 'Название: не короче 3 символов' })
      .max(300),
    instructions: z.string().trim().max(5000).optional(),
    kind: z.enum(['SURVEY', 'TEST'], { message: 'Вид: SURVEY или TEST' }),
    anonymous: z.boolean().optional(),
    audience: audienceInput.optional(),
    opensAt: dateTime.optional(),
    closesAt: dateTime,
    passPercent: z.number().int().min(0).max(100).optional(),
    scoreAfterClose: z.boolean().optional(),
    questions: z.array(questionInput).min(1, { message: 'Нужен хотя бы один вопрос' }).max(200),
  })
  .superRefine((s, ctx) => {
    if (s.opensAt && s.closesAt <= s.opensAt)
      ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'Закрытие должно быть позже открытия' });
    const codes = s.questions.map((q) => q.code);
    if (new Set(codes).size !== codes.length)
      ctx.addIssue({ code: 'custom', path: ['questions'], message: 'Коды вопросов повторяются' });
    if (s.kind === 'TEST' && s.passPercent === undefined)
      ctx.addIssue({ code: 'custom', path: ['passPercent'], message: 'Для теста укажите проходной процент' });
    // Nothing links an anonymous answer to its author after the submission, so its score can only be shown then.
    if (s.kind === 'TEST' && s.anonymous && s.scoreAfterClose)
      ctx.addIssue({ code: 'custom', path: ['scoreAfterClose'], message: ANONYMOUS_SCORE });
  });
export type SurveyApiInput = z.infer<typeof surveyApiInput>;

export const responseInput = z.object({
  answers: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string()).max(50), z.null()]), {
    message: 'Ответы: объект {код вопроса: ответ}',
  }),
});

export const listQuery = z.object({
  open: z.enum(['true', 'false']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).catch(50).default(50),
});

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A date-time typed on a phone: ДД.ММ.ГГГГ ЧЧ:ММ (Moscow time), or the browser's datetime-local value. */
export function parseMoscow(raw: unknown): Date | null {
  if (typeof raw !== 'string') return null;
  const s = raw.trim();
  let m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T,]+(\d{1,2}):(\d{2}))?$/.exec(s);
  let y: number, mo: number, d: number, h: number, mi: number;
  if (m) [d, mo, y, h, mi] = [+m[1], +m[2], +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0];
  else {
    m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(s);
    if (!m) return null;
    [y, mo, d, h, mi] = [+m[1], +m[2], +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0];
  }
  if (h > 23 || mi > 59) return null;
  const dt = new Date(Date.UTC(y, mo - 1, d, h - 3, mi));
  const back = new Date(dt.getTime() + 3 * 3600_000);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return dt;
}

const formDateTime = (label: string) =>
  z.preprocess(
    (v) => (blank(v) === undefined ? undefined : (parseMoscow(v) ?? 'bad')),
    z.date({ message: `${label}: ДД.ММ.ГГГГ ЧЧ:ММ` }),
  );

/** The page's survey form (its questions are added afterwards on the edit page). */
export const surveyFormInput = z
  .object({
    title: z
      .string({ message: 'Укажите название' })
      .trim()
      .min(3, { message: 'Название: не короче 3 символов' })
      .max(300),
    instructions: z.string().trim().max(5000, { message: 'Не длиннее 5000 символов' }).optional().default(''),
    kind: z.enum(['SURVEY', 'TEST'], { message: 'Выберите: опрос или тест' }),
    anonymous: z.preprocess((v) => v === 'on', z.boolean()),
    scoreAfterClose: z.preprocess((v) => v === 'on', z.boolean()),
    opensAt: formDateTime('Открытие'),
    closesAt: formDateTime('Закрытие'),
    passPercent: z.preprocess(
      (v) => (blank(v) === undefined ? undefined : Number(v)),
      z.number({ message: 'Проходной процент: число от 0 до 100' }).int().min(0).max(100).optional(),
    ),
  })
  .superRefine((s, ctx) => {
    if (s.closesAt <= s.opensAt)
      ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'Закрытие должно быть позже открытия' });
    if (s.kind === 'TEST' && s.passPercent === undefined)
      ctx.addIssue({ code: 'custom', path: ['passPercent'], message: 'Для теста укажите проходной процент' });
    // Nothing links an anonymous answer to its author after the submission, so its score can only be shown then.
    if (s.kind === 'TEST' && s.anonymous && s.scoreAfterClose)
      ctx.addIssue({ code: 'custom', path: ['scoreAfterClose'], message: ANONYMOUS_SCORE });
  });

/**
 * A question from the page form: options one per line, a leading "*" marks a correct one (tests);
 * codes are made from the position (q1, q2…; options a, b, c…).
 */
export const questionFormInput = z.object({
  text: z.string({ message: 'Укажите вопрос' }).trim().min(3, { message: 'Вопрос: не короче 3 символов' }).max(2000),
  type: z.enum(['ONE', 'MANY', 'NUMBER', 'TEXT', 'SCALE'], { message: 'Выберите тип вопроса' }),
  options: z.string().max(20_000).optional().default(''),
  points: z.preprocess(
    (v) => (blank(v) === undefined ? 0 : Number(v)),
    z.number({ message: 'Баллы: целое число' }).int({ message: 'Баллы: целое число' }).min(0).max(1000),
  ),
});

export function optionsFromText(text: string): { code: string; text: string; correct: boolean }[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l, i) => ({
      code: i < 26 ? String.fromCharCode(97 + i) : `o${i + 1}`,
      text: l.replace(/^\*\s*/, ''),
      correct: l.startsWith('*'),
    }));
}

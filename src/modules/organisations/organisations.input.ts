import { z } from 'zod';
import { parseDay, dayProblem } from '../../lib/dates';

export const uuid = z.string().uuid({ message: 'Неверный идентификатор' });
export const idParams = z.object({ id: uuid });

const trimmed = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `Не длиннее ${max} символов` });
const optText = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), trimmed(max).optional());
const optInt = z.preprocess(
  (v) =>
    v === '' || v === null || v === undefined ? undefined : typeof v === 'string' ? Number(v.replace(/\s/g, '')) : v,
  z
    .number({ message: 'Введите целое число' })
    .int({ message: 'Введите целое число' })
    .min(0, { message: 'Не меньше 0' })
    .max(10_000_000, { message: 'Слишком большое число' })
    .optional(),
);

export const day = z
  .string({ message: 'Введите дату' })
  .trim()
  .min(1, { message: 'Введите дату' })
  .transform((v, ctx) => {
    const d = parseDay(v);
    if (!d) {
      const why = dayProblem(v) ?? 'введите дату';
      ctx.addIssue({ code: 'custom', message: why.charAt(0).toUpperCase() + why.slice(1) });
      return z.NEVER;
    }
    return d;
  });
export const optDay = z.preprocess((v) => (v === '' || v === null ? undefined : v), day.optional());

export const passportFields = z.object({
  name: trimmed(300).min(3, { message: 'Полное наименование: не короче 3 символов' }),
  shortName: optText(120),
  institutionName: optText(300),
  institutionInn: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .trim()
      .regex(/^(\d{10}|\d{12})$/, { message: 'ИНН: 10 или 12 цифр' })
      .optional(),
  ),
  institutionType: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .enum(['DOO', 'OO', 'UDO', 'POO', 'OOVO', 'SCIENCE', 'AUTHORITY', 'OTHER'], {
        message: 'Выберите тип учреждения',
      })
      .optional(),
  ),
  address: optText(500),
  phone: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .trim()
      .regex(/^[+\d][\d\s()-]{4,24}$/, { message: 'Телефон: цифры, пробелы, скобки, дефисы' })
      .optional(),
  ),
  email: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().email({ message: 'Неверный адрес электронной почты' }).max(200).optional(),
  ),
  employeesCount: optInt,
  studentsCount: optInt,
  foundedAt: optDay,
  hasTerritorialRights: z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean()).optional(),
});
export type PassportInput = z.infer<typeof passportFields>;

export const createOrgInput = passportFields.extend({
  kind: z.enum(['REGIONAL', 'TERRITORIAL', 'PRIMARY', 'PROFBURO', 'PROFGROUP'], {
    message: 'Выберите вид организации',
  }),
});
export const updateOrgInput = passportFields.extend({ version: z.coerce.number().int() });
export const excludeOrgInput = z.object({
  date: day,
  reason: trimmed(500).min(3, { message: 'Укажите причину' }),
});

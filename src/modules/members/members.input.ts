import { z } from 'zod';
import { nameProblem, cleanName } from '../../lib/names';
import { normaliseSnils, snilsProblem } from '../../lib/snils';
import { ageOn, today } from '../../lib/dates';
import { day, optDay, uuid } from '../organisations/organisations.input';

const blankToUndef = (v: unknown) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v);

const namePart = (label: string) =>
  z.string({ message: `${label}: заполните поле` }).transform((v, ctx) => {
    const p = nameProblem(v);
    if (p) {
      ctx.addIssue({ code: 'custom', message: `${label}: ${p.charAt(0).toLowerCase()}${p.slice(1)}` });
      return z.NEVER;
    }
    return cleanName(v);
  });

export const CATEGORY_VALUES = ['WORKING', 'STUDENT', 'PENSIONER'] as const;
export const category = z.enum(CATEGORY_VALUES, { message: 'Выберите категорию' });
export const gender = z.preprocess(blankToUndef, z.enum(['MALE', 'FEMALE'], { message: 'Пол: М или Ж' }).optional());

export const personFields = z.object({
  lastName: namePart('Фамилия'),
  firstName: namePart('Имя'),
  middleName: z.preprocess(blankToUndef, namePart('Отчество').optional()),
  birthDate: day,
  gender,
  phone: z.preprocess(
    blankToUndef,
    z
      .string()
      .trim()
      .regex(/^\+?[\d\s()-]{5,20}$/, { message: 'Телефон: цифры, пробелы, скобки, дефисы' })
      .optional(),
  ),
  email: z.preprocess(
    blankToUndef,
    z.string().trim().max(200).email({ message: 'Неверный адрес электронной почты' }).optional(),
  ),
  snils: z.preprocess(
    blankToUndef,
    z
      .string()
      .trim()
      .transform((v, ctx) => {
        const p = snilsProblem(v);
        if (p) {
          ctx.addIssue({ code: 'custom', message: p });
          return z.NEVER;
        }
        return normaliseSnils(v);
      })
      .optional(),
  ),
});

/** Birth date and joining date must make sense together: a member is at least 14 on joining. */
function checkDates(v: { birthDate: string; joinedAt?: string }, ctx: z.RefinementCtx) {
  const t = today();
  if (v.birthDate > t)
    ctx.addIssue({ code: 'custom', path: ['birthDate'], message: 'Дата рождения не может быть в будущем' });
  else if (ageOn(v.birthDate, t) > 110)
    ctx.addIssue({ code: 'custom', path: ['birthDate'], message: 'Проверьте год рождения' });
  if (v.joinedAt) {
    if (v.joinedAt > t)
      ctx.addIssue({ code: 'custom', path: ['joinedAt'], message: 'Дата вступления не может быть в будущем' });
    else if (v.birthDate <= t && ageOn(v.birthDate, v.joinedAt) < 14)
      ctx.addIssue({
        code: 'custom',
        path: ['joinedAt'],
        message: 'На дату вступления человеку должно быть не меньше 14 лет',
      });
  }
}

const memberCore = personFields.extend({
  category,
  joinedAt: day,
  externalId: z.preprocess(blankToUndef, z.string().trim().max(50, { message: 'Не длиннее 50 символов' }).optional()),
});

export const createMemberApi = memberCore
  .extend({
    consents: z.object(
      {
        processing: z.boolean({ message: 'Согласие на обработку: true или false' }),
        bonusProgramme: z.boolean().optional(),
        messaging: z.boolean().optional(),
      },
      { message: 'Укажите согласия: consents.processing = true' },
    ),
  })
  .superRefine(checkDates);
export type CreateMemberApi = z.infer<typeof createMemberApi>;

const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());
export const createMemberForm = memberCore
  .extend({
    consentProcessing: checkbox,
    consentBonus: checkbox,
    consentMessaging: checkbox,
  })
  .superRefine(checkDates)
  .superRefine((v, ctx) => {
    if (!v.consentProcessing)
      ctx.addIssue({
        code: 'custom',
        path: ['consentProcessing'],
        message: 'Без согласия на обработку персональных данных поставить на учёт нельзя',
      });
  });

export const updateMemberInput = personFields
  .extend({
    externalId: memberCore.shape.externalId,
    version: z.coerce.number({ message: 'Нет версии записи' }).int(),
  })
  .superRefine(checkDates);
export const patchMemberApi = personFields.partial().extend({
  externalId: memberCore.shape.externalId,
  category: category.optional(),
  version: z.number({ message: 'Укажите version, полученную при чтении' }).int(),
});

export const EXIT_REASONS = [
  'EXIT_VOLUNTARY',
  'EXIT_EXCLUDED',
  'EXIT_DISMISSED',
  'EXIT_GRADUATED',
  'EXIT_DIED',
] as const;
export const EXIT_LABELS: Record<(typeof EXIT_REASONS)[number], string> = {
  EXIT_VOLUNTARY: 'Выход по собственному желанию',
  EXIT_EXCLUDED: 'Исключён из Профсоюза',
  EXIT_DISMISSED: 'Выбыл: увольнение',
  EXIT_GRADUATED: 'Выбыл: окончание обучения',
  EXIT_DIED: 'Умер',
};
// The API speaks in short reason codes.
export const EXIT_API: Record<string, (typeof EXIT_REASONS)[number]> = {
  VOLUNTARY: 'EXIT_VOLUNTARY',
  EXCLUDED: 'EXIT_EXCLUDED',
  DISMISSED: 'EXIT_DISMISSED',
  GRADUATED: 'EXIT_GRADUATED',
  DIED: 'EXIT_DIED',
};
export const exitInput = z.object({
  date: day,
  reason: z.preprocess(
    (v) => (typeof v === 'string' && EXIT_API[v] ? EXIT_API[v] : v),
    z.enum(EXIT_REASONS, { message: 'Выберите причину: VOLUNTARY, EXCLUDED, DISMISSED, GRADUATED или DIED' }),
  ),
  note: z.preprocess(blankToUndef, z.string().trim().max(500).optional()),
});
export const transferInput = z.object({ toOrgId: uuid, date: day });
export const categoryChangeInput = z.object({ category, date: day });

export const CONSENT_KINDS = ['PROCESSING', 'BONUS_PROGRAMME', 'MESSAGING'] as const;
export const CONSENT_LABELS: Record<(typeof CONSENT_KINDS)[number], string> = {
  PROCESSING: 'Обработка персональных данных выборными органами Профсоюза',
  BONUS_PROGRAMME: 'Участие в бонусной программе и передача данных партнёру',
  MESSAGING: 'Получение SMS, PUSH и e-mail сообщений',
};
export const consentInput = z.object({
  kind: z.enum(CONSENT_KINDS, { message: 'Вид согласия: PROCESSING, BONUS_PROGRAMME или MESSAGING' }),
  given: z.preprocess(
    (v) => (v === 'true' ? true : v === 'false' ? false : v),
    z.boolean({ message: 'given: true или false' }),
  ),
  date: day,
});

export const POSITION_KINDS = [
  'CHAIR',
  'DEPUTY_CHAIR',
  'TREASURER',
  'COMMITTEE_MEMBER',
  'AUDIT_COMMISSION_MEMBER',
  'PROFBURO_CHAIR',
  'PROFGROUP_ORGANISER',
  'SAFETY_REPRESENTATIVE',
  'REGISTRY_OFFICER',
  'STAFF',
] as const;
export const POSITION_LABELS: Record<(typeof POSITION_KINDS)[number], string> = {
  CHAIR: 'Председатель',
  DEPUTY_CHAIR: 'Заместитель председателя',
  TREASURER: 'Казначей',
  COMMITTEE_MEMBER: 'Член профкома',
  AUDIT_COMMISSION_MEMBER: 'Член ревизионной комиссии',
  PROFBURO_CHAIR: 'Председатель профбюро',
  PROFGROUP_ORGANISER: 'Профгрупорг',
  SAFETY_REPRESENTATIVE: 'Уполномоченный по охране труда',
  REGISTRY_OFFICER: 'Ответственный за работу в реестре',
  STAFF: 'Штатный работник аппарата',
};
export const positionInput = z
  .object({
    organisationId: uuid,
    kind: z.enum(POSITION_KINDS, { message: 'Выберите должность' }),
    title: z.preprocess(blankToUndef, z.string().trim().max(200).optional()),
    startDate: day,
    endDate: optDay,
    isPaid: checkbox,
    isElected: checkbox,
  })
  .refine((v) => !v.endDate || v.endDate >= v.startDate, { path: ['endDate'], message: 'Окончание не раньше начала' });
export const endPositionInput = z.object({ endDate: day });

export const listQuery = z.object({
  org: uuid.optional().catch(undefined),
  q: z.preprocess(blankToUndef, z.string().trim().max(60).optional()).catch(undefined),
  category: z.preprocess(blankToUndef, category.optional()).catch(undefined),
  asOf: optDay.catch(undefined),
  sort: z.enum(['name', '-name', 'joined', '-joined', 'birth', '-birth']).catch('name').default('name'),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).catch(50).default(50),
});
export type ListQuery = z.infer<typeof listQuery>;

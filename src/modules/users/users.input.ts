import { z } from 'zod';
import { passwordProblem, passwordRefine } from '../auth/passwords';
import { day, optDay, uuid } from '../organisations/organisations.input';

/** The roles a manager may give on the users' pages (the central administrator's only by an administrator). */
export const ROLES = ['ADMIN', 'CHAIR', 'REGISTRAR', 'SUBUNIT_CHAIR', 'VIEWER'] as const;
const roleField = z.enum(ROLES, { message: 'Выберите роль' });
export const assignmentInput = z
  .object({
    role: roleField,
    organisationId: uuid.or(z.literal('')).refine((v) => v !== '', { message: 'Выберите организацию' }),
    startsOn: day,
    endsOn: optDay,
  })
  .refine((v) => !v.endsOn || v.endsOn >= v.startsOn, { path: ['endsOn'], message: 'Окончание не раньше начала' });
export const newUserInput = assignmentInput
  .and(
    z.object({
      login: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9._-]{3,40}$/, { message: 'Логин: 3–40 латинских букв, цифр, точек, дефисов' }),
      fullName: z.string().trim().min(3, { message: 'Укажите ФИО' }).max(200),
      email: z.preprocess(
        (v) => (v === '' ? undefined : v),
        z.string().trim().email({ message: 'Неверный адрес электронной почты' }).optional(),
      ),
      password: z.string().superRefine(passwordRefine),
    }),
  )
  .superRefine((v, ctx) => {
    // The login and the name are the first guesses: checked against the password with them.
    const p = passwordProblem(v.password, { login: v.login, fullName: v.fullName });
    if (p) ctx.addIssue({ code: 'custom', path: ['password'], message: p });
  });

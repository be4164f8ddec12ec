import { z } from 'zod';
import { audienceFromForm, audienceInput } from '../audience/audience.input';
import { day, uuid } from '../organisations/organisations.input';

const title = z
  .string({ message: 'Укажите заголовок' })
  .trim()
  .min(3, { message: 'Заголовок: не короче 3 символов' })
  .max(300, { message: 'Заголовок: не длиннее 300 символов' });
const body = z
  .string({ message: 'Введите текст объявления' })
  .trim()
  .min(1, { message: 'Введите текст объявления' })
  .max(20000, { message: 'Текст: не длиннее 20 000 символов' });
const optDay = z.preprocess((v) => (v === '' || v === null ? undefined : v), day.optional());
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());

/** The API's announcement (published at once): `{title, body, important?, audience, expiresAt?}`. */
export const announcementApiInput = z
  .object({
    title,
    body,
    important: z.boolean({ message: 'important: true или false' }).optional(),
    audience: audienceInput.default({ kinds: [], roles: [], orgIds: [], members: false }),
    expiresAt: optDay,
    attachmentId: uuid.nullable().optional(),
  })
  .strict();

/**
 * PATCH /api/v1/announcements/:id: the text of a draft or a published one (its audience stays frozen); `version` is
 * the one read (a stale one → 409); absent fields keep their value, `expiresAt: null` removes the expiry.
 */
export const announcementPatchInput = z
  .object({
    version: z.number({ message: 'version: номер прочитанной версии' }).int().min(1),
    title: title.optional(),
    body: body.optional(),
    important: z.boolean({ message: 'important: true или false' }).optional(),
    expiresAt: z.preprocess((v) => (v === '' ? null : v), day.nullable().optional()),
    attachmentId: uuid.nullable().optional(),
  })
  .strict();

/** The form's fields; the audience comes from the shared audience fields. */
const formFields = z.object({
  title,
  body,
  important: checkbox,
  publishOn: optDay,
  expiresOn: optDay,
  attachmentId: z.preprocess((v) => (v === '' ? undefined : v), uuid.optional()),
});

export interface AnnouncementData {
  title: string;
  body: string;
  important: boolean;
  publishOn?: string;
  expiresOn?: string;
  attachmentId?: string | null;
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: Record<string, string> };

function errorsOf(e: z.ZodError, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of e.issues) {
    const k = prefix + (i.path.join('.') || 'form');
    out[k] ??= i.message;
  }
  return out;
}

function datesError(d: { publishOn?: string; expiresOn?: string }): Record<string, string> {
  return d.publishOn && d.expiresOn && d.expiresOn < d.publishOn
    ? { expiresOn: 'Дата окончания показа не может быть раньше даты публикации' }
    : {};
}

/** A posted form: the announcement and its audience, every error at once (keys: field names, audience.*). */
export function parseAnnouncementForm(raw: Record<string, unknown>): Parsed<{
  data: AnnouncementData;
  audience: z.output<typeof audienceInput>;
}> {
  const f = formFields.safeParse(raw);
  const a = audienceInput.safeParse(audienceFromForm(raw));
  const errors = {
    ...(f.success ? datesError(f.data) : errorsOf(f.error)),
    ...(a.success ? {} : errorsOf(a.error, 'audience.')),
  };
  if (!f.success || !a.success || Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, data: { data: f.data, audience: a.data } };
}

/** An edit of the text only (the audience of a published announcement is frozen). */
export function parseEditForm(raw: Record<string, unknown>): Parsed<AnnouncementData> {
  const f = formFields.safeParse(raw);
  if (!f.success) return { ok: false, errors: errorsOf(f.error) };
  const errors = datesError(f.data);
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, data: f.data };
}

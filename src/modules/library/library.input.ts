import { z } from 'zod';
import type { DocumentKind } from '../../generated/prisma/enums';
import { optDay, uuid } from '../organisations/organisations.input';

export const DOCUMENT_KINDS: Record<DocumentKind, string> = {
  NORMATIVE: 'Нормативный документ',
  METHODICAL: 'Методические материалы',
  REFERENCE: 'Справочные материалы',
  TEMPLATE: 'Шаблон',
  OTHER: 'Прочее',
};

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optText = (max: number, label: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(max, { message: `${label}: не длиннее ${max} символов` })
      .optional(),
  );

export const documentKind = z.enum(['NORMATIVE', 'METHODICAL', 'REFERENCE', 'TEMPLATE', 'OTHER'], {
  message: 'Выберите вид документа',
});

/** The metadata of a new document (multipart form fields; the file comes apart). */
export const documentInput = z.object({
  title: z
    .string({ message: 'Укажите название' })
    .trim()
    .min(3, { message: 'Название: не короче 3 символов' })
    .max(300, { message: 'Название: не длиннее 300 символов' }),
  kind: documentKind,
  number: optText(60, 'Номер'),
  date: optDay,
  /** A section of the organisation's library: its id, or a name (found or created at the top level). */
  section: optText(200, 'Раздел'),
  description: optText(3000, 'Описание'),
});
export type DocumentInput = z.infer<typeof documentInput>;

export const versionInput = z.object({
  note: z
    .string({ message: 'Напишите, что изменилось' })
    .trim()
    .min(3, { message: 'Напишите, что изменилось (не короче 3 символов)' })
    .max(1000, { message: 'Не длиннее 1000 символов' }),
});

/**
 * Marking a document superseded (by another document of the same library, or plainly) or clearing the mark;
 * the confirmation checkbox is required either way.
 */
export const supersedeInput = z.object({
  by: z.preprocess(blankToUndefined, z.string().uuid({ message: 'Выберите документ из списка' }).optional()),
  clear: z.preprocess(blankToUndefined, z.literal('1').optional().catch(undefined)),
  confirm: z.literal('on', { message: 'Поставьте отметку «Подтверждаю»' }),
});

/** POST /api/v1/documents/:id/supersede: `{by?: id | null}` marks it replaced (by that one), `{clear: true}` unmarks. */
export const supersedeApiInput = z
  .object({
    by: uuid.nullable().optional(),
    clear: z.boolean({ message: 'clear: true или false' }).optional(),
  })
  .strict();

export const sectionInput = z.object({
  name: z
    .string({ message: 'Укажите название раздела' })
    .trim()
    .min(2, { message: 'Название раздела: не короче 2 символов' })
    .max(200, { message: 'Не длиннее 200 символов' }),
  parentId: z.preprocess(blankToUndefined, uuid.optional()),
});

const year = z.preprocess(blankToUndefined, z.coerce.number().int().min(1900).max(2100).optional().catch(undefined));

export const searchQuery = z.object({
  q: z.preprocess(blankToUndefined, z.string().trim().max(200).optional().catch(undefined)),
  kind: z.preprocess(blankToUndefined, documentKind.optional().catch(undefined)),
  section: z.preprocess(blankToUndefined, uuid.optional().catch(undefined)),
  year,
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).catch(50).default(50),
});
export type SearchQuery = z.infer<typeof searchQuery>;

export const fileQuery = z.object({
  version: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100_000).optional()),
});

/** The number's search key: lower case, Ё→Е, no spaces, no "№". */
export function numberKey(n: string | undefined | null): string | null {
  if (!n) return null;
  const k = n.toLowerCase().replace(/ё/g, 'е').replace(/[\s№]/g, '');
  return k || null;
}

/** The text of a search query the way the index holds it: Ё folded to Е. */
export function foldYo(s: string): string {
  return s.replace(/ё/g, 'е').replace(/Ё/g, 'Е');
}

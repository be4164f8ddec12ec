import type { Category, Gender } from '../../generated/prisma/client';
import { ageOn, parseDay, today } from '../../lib/dates';
import { cleanName, identityKey, nameProblem } from '../../lib/names';
import { normaliseSnils, snilsProblem } from '../../lib/snils';

/** Fields a column can be mapped to, with the header words that suggest them. */
export const FIELDS = {
  lastName: { label: 'Фамилия', required: true, words: ['фамилия', 'lastname', 'surname'] },
  firstName: { label: 'Имя', required: true, words: ['имя', 'firstname', 'name'] },
  middleName: { label: 'Отчество', required: false, words: ['отчество', 'middlename', 'patronymic'] },
  fullName: { label: 'ФИО одной строкой', required: false, words: ['фио', 'ф.и.о.', 'ф. и. о.', 'fullname'] },
  birthDate: { label: 'Дата рождения', required: true, words: ['дата рождения', 'др', 'birthdate', 'рождения'] },
  gender: { label: 'Пол', required: false, words: ['пол', 'gender', 'sex'] },
  category: { label: 'Категория', required: false, words: ['категория', 'category'] },
  joinedAt: {
    label: 'Дата вступления',
    required: false,
    words: ['дата вступления', 'вступления', 'joined', 'в профсоюзе с'],
  },
  externalId: {
    label: 'Табельный / студенческий номер',
    required: false,
    words: [
      'табельный',
      'табельный номер',
      'номер студенческого',
      'студенческий',
      'зачётки',
      'зачетки',
      'id',
      'externalid',
      'личный номер',
    ],
  },
  snils: { label: 'СНИЛС', required: false, words: ['снилс', 'snils'] },
  phone: { label: 'Телефон', required: false, words: ['телефон', 'phone', 'мобильный'] },
  email: { label: 'Эл. почта', required: false, words: ['email', 'e-mail', 'эл. почта', 'почта', 'электронная почта'] },
} as const;
export type Field = keyof typeof FIELDS;
export type Mapping = Partial<Record<Field, number>>;

/** A mapping guessed from the header row (exact words first, then "contains"). */
export function guessMapping(headers: string[]): Mapping {
  const m: Mapping = {};
  const norm = headers.map((h) => h.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim());
  for (const [f, d] of Object.entries(FIELDS) as [Field, (typeof FIELDS)[Field]][]) {
    const words = d.words.map((w) => w.replace(/ё/g, 'е'));
    let i = norm.findIndex((h) => words.includes(h));
    if (i < 0) i = norm.findIndex((h) => words.some((w) => w.length > 3 && h.includes(w)));
    if (i >= 0 && !Object.values(m).includes(i)) m[f] = i;
  }
  if (m.fullName !== undefined && m.lastName === undefined) delete m.lastName;
  return m;
}

export function mappingProblems(m: Mapping): string[] {
  const out: string[] = [];
  if (m.fullName === undefined && (m.lastName === undefined || m.firstName === undefined))
    out.push('Укажите столбцы «Фамилия» и «Имя» (или «ФИО одной строкой»)');
  if (m.birthDate === undefined) out.push('Укажите столбец «Дата рождения»');
  const used = Object.values(m).filter((v) => v !== undefined);
  if (new Set(used).size !== used.length) out.push('Один столбец выбран для двух полей');
  return out;
}

/** Excel stores dates as day numbers from 30.12.1899; a mangled export shows them as numbers. */
export function parseImportDate(raw: string): string | null {
  const s = raw.trim();
  if (/^\d{5}(\.0+)?$/.test(s)) {
    const n = Number(s);
    if (n > 1 && n < 80000) return new Date(Date.UTC(1899, 11, 30) + n * 86_400_000).toISOString().slice(0, 10);
  }
  return parseDay(s.replace(/\s.*$/, '').replace(/T.*$/, ''));
}

const CATEGORY_WORDS: Record<string, Category> = {
  работающий: 'WORKING',
  работник: 'WORKING',
  работающая: 'WORKING',
  working: 'WORKING',
  сотрудник: 'WORKING',
  преподаватель: 'WORKING',
  педагог: 'WORKING',
  обучающийся: 'STUDENT',
  обучающаяся: 'STUDENT',
  студент: 'STUDENT',
  студентка: 'STUDENT',
  student: 'STUDENT',
  учащийся: 'STUDENT',
  аспирант: 'STUDENT',
  пенсионер: 'PENSIONER',
  'неработающий пенсионер': 'PENSIONER',
  pensioner: 'PENSIONER',
};

/** Who a row is about, even when the row is rejected: the number, or ФИО + birth date if they can be read. */
export function looseIdentity(cells: string[], m: Mapping): { externalId: string | null; identityKey: string | null } {
  const get = (f: Field) => (m[f] === undefined ? '' : String(cells[m[f]] ?? '').trim());
  let [l, f, mid] = [get('lastName'), get('firstName'), get('middleName')];
  if (m.fullName !== undefined && get('fullName'))
    [l, f, mid] = [
      ...cleanName(get('fullName')).split(' ').slice(0, 2),
      cleanName(get('fullName')).split(' ').slice(2).join(' '),
    ];
  const b = parseImportDate(get('birthDate'));
  return {
    externalId: get('externalId') || null,
    identityKey: l && f && b ? identityKey({ lastName: l, firstName: f, middleName: mid || null, birthDate: b }) : null,
  };
}

export interface ImportRow {
  row: number;
  lastName: string;
  firstName: string;
  middleName: string | null;
  birthDate: string;
  gender: Gender | null;
  category: Category;
  joinedAt: string;
  externalId: string | null;
  snils: string | null;
  phone: string | null;
  email: string | null;
  identityKey: string;
}

/** One file row → a member, or the reasons it cannot be (in Russian, per field). Same rules as the form. */
export function convertRow(
  cells: string[],
  m: Mapping,
  rowNo: number,
  defaults: { category: Category; joinedAt: string },
): { ok: true; value: ImportRow } | { ok: false; errors: string[] } {
  const get = (f: Field) => (m[f] === undefined ? '' : String(cells[m[f]] ?? '').trim());
  const errors: string[] = [];
  let lastName = get('lastName');
  let firstName = get('firstName');
  let middleName = get('middleName');
  if (m.fullName !== undefined && get('fullName')) {
    const parts = cleanName(get('fullName')).split(' ');
    if (parts.length < 2) errors.push('ФИО: нужны хотя бы фамилия и имя');
    [lastName, firstName] = [parts[0] ?? '', parts[1] ?? ''];
    middleName = parts.slice(2).join(' ');
  }
  for (const [label, v, req] of [
    ['Фамилия', lastName, true],
    ['Имя', firstName, true],
    ['Отчество', middleName, false],
  ] as const) {
    if (!v && !req) continue;
    const p = nameProblem(v);
    if (p) errors.push(`${label}: ${p.charAt(0).toLowerCase()}${p.slice(1)}`);
  }
  const birthDate = parseImportDate(get('birthDate'));
  if (!birthDate) errors.push(`Дата рождения «${get('birthDate')}»: нужна дата ДД.ММ.ГГГГ`);
  else if (birthDate > today() || ageOn(birthDate, today()) > 110) errors.push('Дата рождения вне разумных пределов');
  let joinedAt = defaults.joinedAt;
  if (get('joinedAt')) {
    const j = parseImportDate(get('joinedAt'));
    if (!j) errors.push(`Дата вступления «${get('joinedAt')}»: нужна дата ДД.ММ.ГГГГ`);
    else if (j > today()) errors.push('Дата вступления в будущем');
    else joinedAt = j;
  }
  if (birthDate && joinedAt && ageOn(birthDate, joinedAt) < 14)
    errors.push('На дату вступления человеку меньше 14 лет');
  let category = defaults.category;
  if (get('category')) {
    const c =
      CATEGORY_WORDS[get('category').toLowerCase().replace(/ё/g, 'е')] ??
      (['WORKING', 'STUDENT', 'PENSIONER'].includes(get('category').toUpperCase())
        ? (get('category').toUpperCase() as Category)
        : undefined);
    if (!c) errors.push(`Категория «${get('category')}»: работающий, обучающийся или пенсионер`);
    else category = c;
  }
  let gender: Gender | null = null;
  const g = get('gender').toLowerCase();
  if (g) {
    if (['м', 'муж', 'мужской', 'm', 'male'].includes(g)) gender = 'MALE';
    else if (['ж', 'жен', 'женский', 'f', 'female'].includes(g)) gender = 'FEMALE';
    else errors.push(`Пол «${get('gender')}»: М или Ж`);
  }
  let snils: string | null = null;
  if (get('snils')) {
    // Excel drops leading zeros of numbers: 10 digits or fewer are padded back.
    let d = normaliseSnils(get('snils')).replace(/\.0+$/, '');
    if (/^\d{9,10}$/.test(d)) d = d.padStart(11, '0');
    const p = snilsProblem(d);
    if (p) errors.push(p);
    else snils = d;
  }
  let externalId: string | null = get('externalId') || null;
  if (externalId && /^\d([.,]\d+)?E\+\d+$/i.test(externalId)) {
    errors.push(`Номер «${externalId}» искажён Excel (экспоненциальная запись): сохраните столбец как текст`);
    externalId = null;
  }
  if (externalId && externalId.length > 50) errors.push('Табельный номер: не длиннее 50 символов');
  const email = get('email') || null;
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.push(`Эл. почта «${email}» записана неверно`);
  const phone = get('phone') || null;
  if (phone && !/^\+?[\d\s()-]{5,20}$/.test(phone.replace(/\.0+$/, '')))
    errors.push(`Телефон «${phone}» записан неверно`);
  if (errors.length) return { ok: false, errors };
  const value: ImportRow = {
    row: rowNo,
    lastName: cleanName(lastName),
    firstName: cleanName(firstName),
    middleName: middleName ? cleanName(middleName) : null,
    birthDate: birthDate!,
    gender,
    category,
    joinedAt,
    externalId,
    snils,
    phone: phone ? phone.replace(/\.0+$/, '') : null,
    email,
    identityKey: '',
  };
  value.identityKey = identityKey(value);
  return { ok: true, value };
}

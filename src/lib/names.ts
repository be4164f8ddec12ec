/**
 * Russian personal names: normalisation for identity and search, validation for entry.
 * Identity compares case-insensitively with Ё = Е, ignoring extra spaces and spaces around hyphens,
 * after Unicode NFC (so a decomposed "й" equals a composed one).
 */
const APOSTROPHES = /[\u2019\u02BC\u0060\u00B4\u2018]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;

export function cleanName(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(APOSTROPHES, "'")
    .replace(DASHES, '-')
    .replace(/\s+/g, ' ')
    .replace(/\s*-\s*/g, '-')
    .trim();
}

/** Upper-case, Ё→Е key: search, sort, identity. */
export function nameKey(raw: string): string {
  return cleanName(raw).toLocaleUpperCase('ru-RU').replace(/Ё/g, 'Е');
}

export function identityKey(p: {
  lastName: string;
  firstName: string;
  middleName?: string | null;
  birthDate: string;
}): string {
  return [nameKey(p.lastName), nameKey(p.firstName), nameKey(p.middleName ?? ''), p.birthDate].join('|');
}

// Latin letters that look like Cyrillic ones: a typist's slip that would break duplicate detection.
const LOOKALIKES = /[AaBCcEeHKMOoPpTXxyY]/;
const CYRILLIC = /[А-ЯЁа-яё]/;
const VALID = /^[А-ЯЁа-яё]+(?:[ '-][А-ЯЁа-яё]+)*$/;

/** A Russian message for an invalid name part, or null when it is fine. */
export function nameProblem(raw: string): string | null {
  const v = cleanName(raw);
  if (!v) return 'Заполните поле';
  if (v.length > 60) return 'Не длиннее 60 символов';
  if (CYRILLIC.test(v) && LOOKALIKES.test(v)) {
    const ch = v.match(LOOKALIKES)![0];
    return `Латинская буква «${ch}» среди русских: наберите её в русской раскладке`;
  }
  if (!VALID.test(v)) return 'Только русские буквы, дефис, апостроф и пробел между частями';
  return null;
}

/** Russian collation key for sorting arbitrary titles (Ё sorts with Е). */
export function sortKey(raw: string): string {
  return nameKey(raw);
}

export function compareRu(a: string, b: string): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function fullName(p: { lastName: string; firstName: string; middleName?: string | null }): string {
  return [p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ');
}

/**
 * The gender a Russian patronymic tells: ‑вна/‑чна/‑кызы (also «… кызы» written apart) → FEMALE,
 * ‑вич/‑ич/‑оглы (also «… оглы») → MALE; anything else (none, foreign, ambiguous) → null («не указан»).
 */
export function genderFromPatronymic(middleName: string | null | undefined): 'MALE' | 'FEMALE' | null {
  const m = (middleName ?? '').trim().toLowerCase().replace(/ё/g, 'е');
  if (!m) return null;
  if (/(вна|чна|кызы|гызы)$/.test(m)) return 'FEMALE';
  if (/(ич|оглы|оглу|улы|уулу)$/.test(m)) return 'MALE';
  return null;
}

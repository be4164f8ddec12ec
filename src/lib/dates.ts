/**
 * Dates are calendar days (no time): held as 'YYYY-MM-DD' strings in the code and as Date at UTC
 * midnight in Prisma's @db.Date columns. Shown to people as ДД.ММ.ГГГГ.
 */
export type Day = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const RU = /^(\d{1,2})[.,/](\d{1,2})[.,/](\d{4})$/;
const COMPACT = /^(\d{2})(\d{2})(\d{4})$/;

export function parseDay(raw: string): Day | null {
  const s = raw.trim();
  let y: number, m: number, d: number;
  let match = ISO.exec(s);
  if (match) {
    y = +match[1];
    m = +match[2];
    d = +match[3];
  } else {
    match = RU.exec(s) ?? COMPACT.exec(s);
    if (!match) return null;
    d = +match[1];
    m = +match[2];
    y = +match[3];
  }
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  if (y < 1900 || y > 2100) return null;
  return dt.toISOString().slice(0, 10);
}

/**
 * Why a typed date is not a date, in words a person understands: 31.02.2020 is «такой даты нет», not a
 * format error; null when it is a date.
 */
export function dayProblem(raw: string): string | null {
  const s = raw.trim();
  if (!s) return 'введите дату';
  if (parseDay(s)) return null;
  const m = ISO.exec(s) ?? RU.exec(s) ?? COMPACT.exec(s);
  if (!m) return 'введите дату в виде ДД.ММ.ГГГГ, например 01.09.2024';
  const [d, mo, y] = ISO.test(s) ? [+m[3], +m[2], +m[1]] : [+m[1], +m[2], +m[3]];
  if (y < 1900 || y > 2100) return 'год должен быть от 1900 до 2100';
  if (mo < 1 || mo > 12) return `такой даты нет: месяца ${mo} не бывает`;
  return `такой даты нет: в этом месяце нет ${d}-го числа`;
}

export function toDate(day: Day): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function fromDate(d: Date): Day {
  return d.toISOString().slice(0, 10);
}

// Building an Intl formatter costs tens of microseconds: made once, not per call (imports call today() per row).
const MOSCOW_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' });
const MOSCOW_DATETIME = new Intl.DateTimeFormat('ru-RU', {
  timeZone: 'Europe/Moscow',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** Today in Moscow, the union's office time. */
export function today(): Day {
  return MOSCOW_DAY.format(new Date());
}

export function addDays(day: Day, n: number): Day {
  const d = toDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return fromDate(d);
}

export function formatDay(d: Date | Day | null | undefined): string {
  if (!d) return '';
  const s = typeof d === 'string' ? d : fromDate(d);
  const [y, m, dd] = s.split('-');
  return `${dd}.${m}.${y}`;
}

export function formatDateTime(d: Date | null | undefined): string {
  if (!d) return '';
  return MOSCOW_DATETIME.format(d);
}

export function ageOn(birth: Day, on: Day): number {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

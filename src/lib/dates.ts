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

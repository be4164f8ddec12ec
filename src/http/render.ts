import path from 'node:path';
import ejs from 'ejs';
import type { Response } from 'express';
import { config } from '../config';
import { formatDateTime, formatDay, parseDay } from '../lib/dates';
import { asText } from '../lib/text';
import { assets } from './assets';
import { namedMessage } from './field-labels';

export const VIEWS_DIR = path.resolve(__dirname, '../../views');

export const viewHelpers = {
  formatDay,
  formatDateTime,
  namedMessage,
  /** A report form's code as people write it: 5SP → 5СП, UNION → Сводный. */
  formCode(code: string): string {
    if (code === 'UNION') return 'Сводный';
    return code.replace(/SP$/, 'СП');
  },
  /** The fingerprinted URL of a file in public/ (long-cached). */
  asset(name: string): string {
    return assets().url(name);
  },
  /** A date field's value: a valid ISO date from the server shown as ДД.ММ.ГГГГ; anything typed kept as typed. */
  dayInput(v: unknown): string {
    const s = v === null || v === undefined ? '' : asText(v);
    return /^\d{4}-\d{2}-\d{2}$/.test(s) && parseDay(s) ? formatDay(s) : s;
  },
  plural(n: number, one: string, few: string, many: string): string {
    const m10 = n % 10;
    const m100 = n % 100;
    if (m10 === 1 && m100 !== 11) return one;
    if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
    return many;
  },
  num(n: number | null | undefined): string {
    return n === null || n === undefined ? '' : new Intl.NumberFormat('ru-RU').format(n);
  },
  /** Builds a query string from the current filters with some of them changed. */
  qs(base: Record<string, unknown>, change: Record<string, unknown> = {}): string {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...base, ...change })) {
      if (v !== undefined && v !== null && v !== '') p.set(k, asText(v));
    }
    const s = p.toString();
    return s ? `?${s}` : '';
  },
};

/** Renders views/<view>.ejs inside views/layouts/main.ejs. Templates get view-models and `h` helpers. */
export async function renderPage(
  res: Response,
  view: string,
  model: Record<string, unknown> & { title: string },
  status = 200,
): Promise<void> {
  // A form kept when its session ended (src/http/kept-form.ts) is re-shown on its page over the page's own values.
  const kept = res.locals.keptValues as Record<string, unknown> | undefined;
  if (kept && model.values && typeof model.values === 'object')
    model = { ...model, values: { ...model.values, ...kept } };
  // _ids: the ids the field partial handed out in this page, so that none is used twice.
  const locals = { ...res.locals, ...model, h: viewHelpers, _ids: new Set<string>() };
  const body = await ejs.renderFile(path.join(VIEWS_DIR, `${view}.ejs`), locals, {
    root: VIEWS_DIR,
    views: [VIEWS_DIR],
    async: false,
    cache: config.NODE_ENV === 'production',
  });
  const html = await ejs.renderFile(
    path.join(VIEWS_DIR, 'layouts/main.ejs'),
    { ...locals, body },
    { root: VIEWS_DIR, views: [VIEWS_DIR], cache: config.NODE_ENV === 'production' },
  );
  res.status(status).type('html').send(html);
}

import { AppError } from './errors';

/** A NUL character or a UTF-16 surrogate without its pair: PostgreSQL refuses both, so they never reach it. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what is looked for
const BAD = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first path (e.g. `lastName`, `consents.kind`, `ids[3]`) whose key or string value holds a bad character. */
export function badTextAt(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return BAD.test(value) ? path || 'value' : null;
  if (depth > 20 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = badTextAt(value[i], `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const here = path ? `${path}.${k}` : k;
    if (BAD.test(k)) return here;
    const p = badTextAt(v, here, depth + 1);
    if (p) return p;
  }
  return null;
}

/** Refuses a request whose body, query or route parameters hold such a character: 400 naming the field. */
export function assertCleanText(parts: { body?: unknown; query?: unknown; params?: unknown }): void {
  for (const part of [parts.params, parts.query, parts.body]) {
    const at = badTextAt(part);
    if (at)
      throw new AppError(
        'BAD_REQUEST',
        'В тексте есть недопустимый символ (нулевой байт или повреждённый символ). Удалите его и отправьте снова',
        { [at]: 'Недопустимый символ в поле: удалите его' },
      );
  }
}

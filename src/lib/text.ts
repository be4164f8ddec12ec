/**
 * `String(v)` for a value of unknown type from a form, a query, a row or a cell (strings, numbers, dates, lists
 * of them): the one place that stringifies "anything", so that callers need no assertion.
 */
export function asText(v: unknown): string {
  return String(v);
}

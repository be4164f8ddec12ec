/**
 * `String(v)` for a value of unknown type from a form, a query, a row or a cell (strings, numbers, dates, lists
 * of them): the one place that stringifies "anything", so that callers need no assertion.
 */
export function asText(v: unknown): string {
  return String(v);
}

/**
 * The first `max` UTF-16 units of a text, without half of a surrogate pair at the cut (an emoji there would leave
 * a lone surrogate, which PostgreSQL refuses: a 500 instead of a shortened text).
 */
export function cutText(s: string, max: number): string {
  const cut = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

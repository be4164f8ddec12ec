/**
 * An announcement's text is plain: paragraphs (blank lines), line breaks, and http(s) links found in the text.
 * It is cut into parts here and every part is escaped by the template (`<%=`): no HTML from users ever reaches
 * the page, and only http/https addresses become links (never javascript:, data: or relative ones).
 */
export type TextPart = { text: string } | { href: string; text: string };
export type Paragraph = TextPart[][];

const URL_RE = /\bhttps?:\/\/[^\s<>"'«»]+/gi;
/** Punctuation that ends a sentence rather than the address. */
const TRAILING = /[.,;:!?)\]]+$/;

function linkify(line: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of line.matchAll(URL_RE)) {
    let url = m[0];
    const trail = TRAILING.exec(url)?.[0] ?? '';
    // Keep a closing bracket that belongs to the address, e.g. https://ru.wikipedia.org/wiki/X_(Y).
    url = trail ? url.slice(0, -trail.length) : url;
    const start = m.index;
    if (start > last) parts.push({ text: line.slice(last, start) });
    let href: string | null = null;
    try {
      const u = new URL(url);
      if (u.protocol === 'http:' || u.protocol === 'https:') href = u.href;
    } catch {
      href = null;
    }
    parts.push(href ? { href, text: url } : { text: url });
    last = start + url.length;
  }
  if (last < line.length) parts.push({ text: line.slice(last) });
  return parts;
}

/** Paragraphs → lines → parts (text or link). */
export function formatBody(body: string): Paragraph[] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split('\n').map(linkify));
}

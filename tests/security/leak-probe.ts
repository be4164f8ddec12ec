/**
 * What the leak sweeps share: the ids for a route's path parameters, reading an answer as text (XLSX/DOCX unzipped,
 * PDF text extracted, headers included) and finding side B's marks and ids in it.
 */
import JSZip from 'jszip';
import pdfParse from 'pdf-parse/lib/pdf-parse.js';
import type request from 'supertest';
import type { Kind, Side } from './leak-fixtures';

/** Side B's distinctive words (lower case): any of them in an answer to an actor of A is a leak. */
export const MARKS = ['утечк', 'секретин', 'тайнин', 'тайнов', 'utechkin'];

/** The kind of id a path parameter takes, by the path segment before it. */
const SEGMENT_KIND: Record<string, Kind> = {
  orgs: 'org',
  members: 'member',
  cards: 'card',
  'card-orders': 'order',
  events: 'event',
  announcements: 'announcement',
  documents: 'document',
  surveys: 'survey',
  messages: 'message',
  imports: 'import',
  jobs: 'import',
  users: 'user',
  handover: 'role',
  roles: 'role',
  applications: 'application',
  'transfer-requests': 'transfer',
  positions: 'position',
  questions: 'question',
  tokens: 'token',
};
/** Parameters named for what they take wherever they stand. */
const PARAM_KIND: Record<string, Kind> = { ':campaignId': 'campaign', ':positionId': 'position', ':qid': 'question' };
/** Parameters that are words, not ids. */
const PARAM_WORD: Record<string, string> = { ':form': '5SP', ':decision': 'approve' };
/** An id no record has: what a parameter of no known kind gets when `fallback` is asked for. */
export const NO_SUCH_ID = '00000000-0000-4000-8000-00000000a11e';

function kindOf(parts: string[], i: number): Kind | undefined {
  const part = parts[i];
  if (part === ':rid') return parts[i - 1] === 'cards' ? 'cardRequest' : 'correction';
  return PARAM_KIND[part] ?? SEGMENT_KIND[parts[i - 1]];
}

/**
 * The route's URLs with the side's ids in its parameters (every combination), or [] when a parameter is unknown
 * (with `fallback`, an unknown parameter gets NO_SUCH_ID instead). `mixed` takes the first parameter from `mixed`
 * and the others from `side` (an own organisation with a foreign record in it).
 */
export function urlsFor(path: string, side: Side, o: { fallback?: boolean; mixed?: Side } = {}): string[] {
  let urls = [''];
  let seen = 0;
  const parts = path.split('/').slice(1);
  for (const [i, part] of parts.entries()) {
    if (!part.startsWith(':')) {
      urls = urls.map((u) => `${u}/${part}`);
      continue;
    }
    const from = seen++ === 0 && o.mixed ? o.mixed : side;
    const kind = kindOf(parts, i);
    let values = PARAM_WORD[part] ? [PARAM_WORD[part]] : kind ? from.ids[kind] : [];
    if (values.length === 0 && o.fallback) values = [NO_SUCH_ID];
    if (values.length === 0) return [];
    urls = urls.flatMap((u) => values.map((v) => `${u}/${v}`));
  }
  return urls;
}

/** A supertest parser that keeps the raw bytes (files included). */
export function collect(res: request.Response, cb: (err: Error | null, body: unknown) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

/** The answer as text: headers (also URI-decoded) and the body, files opened. */
export async function textOf(res: request.Response): Promise<string> {
  const buf = Buffer.isBuffer(res.body) ? res.body : Buffer.from(res.text ?? JSON.stringify(res.body ?? ''));
  let body = buf.toString('utf8');
  if (buf.subarray(0, 2).toString('latin1') === 'PK') {
    const zip = await JSZip.loadAsync(buf);
    const files = await Promise.all(Object.values(zip.files).map((f) => f.async('string')));
    body = files.join('\n');
  } else if (buf.subarray(0, 5).toString('latin1') === '%PDF-') {
    body = (await pdfParse(buf)).text;
  }
  const headers = Object.entries(res.headers as Record<string, string>)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join('\n');
  let decoded = headers;
  try {
    decoded = decodeURIComponent(headers);
  } catch {
    /* a header that is not URI-encoded stays as it is */
  }
  return `${headers}\n${decoded}\n${body}`;
}

/** What of side B the answer shows, after removing what the request itself sent (an echoed field). */
export function leaksIn(text: string, sent: string[], bIds: string[]): string[] {
  let t = text;
  // A name may come back in capitals (a card's printed name): the same typed value.
  for (const s of sent) for (const f of [s, s.toUpperCase(), encodeURIComponent(s)]) t = t.split(f).join('');
  const low = t.toLowerCase();
  return [...MARKS.filter((m) => low.includes(m)), ...bIds.filter((id) => t.includes(id))];
}

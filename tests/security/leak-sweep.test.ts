/**
 * The leak sweep: every GET route of the route table (pages and API, files included), asked by four actors of
 * side A (the chair of a primary, the chair of a territorial organisation, a viewer and a registrar of the region)
 * with ids of their own subtree and with ids of the sibling region B, and with B's ids, names and card number in
 * every query field. No answer — body, 404 page, XLSX/PDF contents, headers (Content-Disposition) — may carry a
 * name, id or card number of side B. Records of A that point at B (a position held in B, a user with a role in B,
 * a transfer request from B, a check-in with B's card) are part of the sweep.
 */
import type request from 'supertest';
import { z } from 'zod';
import { api, useDb } from '../helpers';
import { ROUTES, type RouteDef } from '../../src/http/route';
import { pageText } from '../imports/support';
import { buildWorld, WHO, type Side, type Who, type World } from './leak-fixtures';
import { collect, leaksIn, textOf, urlsFor } from './leak-probe';

useDb();

let A: Side;
let B: Side;
let bIds: string[] = [];
let actors: World['actors'];

beforeAll(async () => {
  ({ A, B, bIds, actors } = await buildWorld());
}, 120_000);

/** Query fields the route reads (its zod schema), or null for a route without one (the usual fields are tried). */
const USUAL_FIELDS = ['org', 'orgId', 'organisationId', 'q', 'card', 'cardNumber', 'user', 'member', 'parent'];
function queryFields(r: RouteDef): string[] | null {
  const s = r.query as unknown;
  if (s instanceof z.ZodObject) return Object.keys(s.shape);
  if (s instanceof z.ZodPipe && s.in instanceof z.ZodObject) return Object.keys(s.in.shape);
  return null;
}

/**
 * The public join form lists the union's organisations (an applicant picks their own): their names and ids are
 * the published structure, the same for everyone, so they do not count there.
 */
const PUBLIC_DIRECTORY = /^page \/join(\?|$)/;
const orgWords = ['тайнин'];

/** Upper-case Latin codes in what a page shows (as tests/http/no-codes.test.ts counts them), every page here. */
const ALLOWED = new Set(
  [
    'QR',
    'API',
    'XLSX',
    'CSV',
    'PDF',
    'ID',
    'HTML',
    'URL',
    'TOTP',
    'SMS',
    'PUSH',
    'DOCX',
    'ODT',
    'PNG',
    'JPEG',
    'UTF',
  ].concat(
    ['II', 'III', 'IV', 'VI'], // section numbers of the statistical forms
  ),
);
/** Report pages show the forms' own row codes (4A, 42N …, as printed on the form); only the form codes count there. */
const FORM_CODE = /^(\dSP|UNION)$/;
function latinCodes(url: string, res: request.Response, body: Buffer): string[] {
  if (!String(res.headers['content-type'] ?? '').startsWith('text/html') || res.status !== 200) return [];
  if (url.startsWith('/profile/second-factor')) return []; // the secret for manual entry is Latin by nature
  const reportPage = /\/(reports|stat)\b/.test(url);
  const text = pageText(body.toString('utf8'));
  return [...new Set(text.match(/\b[0-9]*[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\b/g) ?? [])].filter(
    (c) => c.length > 1 && !ALLOWED.has(c) && /[A-Z]{2,}|\d[A-Z]/.test(c) && (!reportPage || FORM_CODE.test(c)),
  );
}

interface Probe {
  codes: string[];
  who: Who;
  url: string;
  status: number;
  cache: string;
  leaks: string[];
}
const probes: Probe[] = [];

async function probe(who: Who, r: RouteDef, url: string, sent: string[]): Promise<void> {
  const full = r.kind === 'api' ? `/api/v1${url}` : url;
  const req =
    r.kind === 'api'
      ? api().get(full).set('Authorization', actors[who].auth)
      : actors[who].agent.get(full).redirects(0);
  const res = await req.buffer(true).parse(collect);
  const text = await textOf(res);
  const name = `${r.kind} ${full}`;
  const directory = PUBLIC_DIRECTORY.test(name) ? [...B.ids.org, ...orgWords] : [];
  probes.push({
    codes: latinCodes(full, res, res.body as Buffer),
    who,
    url: name,
    status: res.status,
    cache: String(res.headers['cache-control'] ?? ''),
    leaks: leaksIn(text, sent, bIds).filter((l) => !directory.includes(l)),
  });
}

const gets = () => ROUTES.all().filter((r) => r.method === 'get' && r.action !== 'member-self');

describe('no answer to side A carries anything of the sibling region B', () => {
  it('every GET route with own ids, B ids, and B values in every query field', async () => {
    for (const who of WHO) {
      for (const r of gets()) {
        const own = urlsFor(r.path, A);
        for (const url of [...own, ...urlsFor(r.path, B)]) await probe(who, r, url, []);
        const base = own[0] ?? (r.path.includes(':') ? null : r.path);
        if (!base) continue;
        const values = [B.prim.id, B.region.id, B.memberId, B.ids.user[0], 'Утечкина', B.cardNumber];
        // A declared schema: field by field; none: the usual fields all at once (one request per value).
        const fields = queryFields(r);
        const queries = fields
          ? fields.flatMap((f) => values.map((v) => ({ q: `${f}=${encodeURIComponent(v)}`, v })))
          : values.map((v) => ({ q: USUAL_FIELDS.map((f) => `${f}=${encodeURIComponent(v)}`).join('&'), v }));
        for (const { q, v } of queries) await probe(who, r, `${base}?${q}`, [v]);
      }
    }
    expect(probes.length).toBeGreaterThan(500);
    const leaks = probes
      .filter((p) => p.leaks.length > 0)
      .map((p) => `${p.who} ${p.url} ${p.status}: ${p.leaks.join(', ')}`);
    expect(leaks).toEqual([]);
  }, 900_000);

  it('the sweep reached real pages: most own-id answers are 200', () => {
    const ok = probes.filter((p) => p.status === 200).length;
    expect(ok).toBeGreaterThan(probes.length / 3);
  });

  it('no page shows an English code', () => {
    const coded = probes.filter((p) => p.codes.length > 0).map((p) => `${p.url.split('?')[0]}: ${p.codes.join(', ')}`);
    expect([...new Set(coded)]).toEqual([]);
  });

  it('every answer carries Cache-Control: no-store', () => {
    const cached = probes.filter((p) => p.status < 300 && !p.cache.includes('no-store')).map((p) => p.url);
    expect([...new Set(cached)]).toEqual([]);
  });
});

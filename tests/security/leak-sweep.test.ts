/**
 * The leak sweep: every GET route of the route table (pages and API, files included), asked by four actors of
 * side A (the chair of a primary, the chair of a territorial organisation, a viewer and a registrar of the region)
 * with ids of their own subtree and with ids of the sibling region B, and with B's ids, names and card number in
 * every query field. No answer — body, 404 page, XLSX/PDF contents, headers (Content-Disposition) — may carry a
 * name, id or card number of side B. Records of A that point at B (a position held in B, a user with a role in B,
 * a transfer request from B, a check-in with B's card) are part of the sweep.
 */
import JSZip from 'jszip';
import pdfParse from 'pdf-parse/lib/pdf-parse.js';
import type request from 'supertest';
import { z } from 'zod';
import { api, bearer, loginAs, useDb, userWith } from '../helpers';
import { ROUTES, type RouteDef } from '../../src/http/route';
import { db } from '../../src/db';
import { buildMember, buildOrg, buildUser } from '../../src/seed/builders.repo';
import { addPosition } from '../reports/support';
import { pageText } from '../imports/support';
import { buildCampaign, buildSide, type Kind, type Side } from './leak-fixtures';

useDb();

/** Side B's distinctive words (lower case): any of them in an answer to an actor of A is a leak. */
const MARKS = ['утечк', 'секретин', 'тайнин', 'тайнов', 'utechkin'];

type Who = 'primChair' | 'terrChair' | 'viewer' | 'registrar';
const actors = {} as Record<Who, { agent: request.Agent; auth: string }>;
let A: Side;
let B: Side;
/** Every id of side B (and of the cross links into B), searched for in every answer. */
let bIds: string[] = [];

beforeAll(async () => {
  const central = await buildOrg(null, 'CENTRAL', { name: 'Общий Совет' });
  const campaign = await buildCampaign();
  A = await buildSide(
    central,
    {
      region: 'Своя региональная',
      terr: 'Своя районная',
      prim: 'ППО своей школы',
      lastName: 'Своякова',
      firstName: 'Ольга',
      middleName: 'Ивановна',
      user: 'Свояков Регистратор',
      login: `svoy-${Date.now().toString(36)}`,
      word: 'Своё',
    },
    campaign,
  );
  B = await buildSide(
    central,
    {
      region: 'Тайнинская региональная',
      terr: 'Тайнинская районная',
      prim: 'ППО Тайнинской школы',
      lastName: 'Утечкина',
      firstName: 'Секретина',
      middleName: 'Тайновна',
      user: 'Утечкин Регистратор',
      login: `utechkin-${Date.now().toString(36)}`,
      word: 'Тайнинское',
    },
    campaign,
  );
  // Records of A that point into B.
  const holder = await buildMember({ org: A.prim, lastName: 'Совместителева' });
  await addPosition(holder.personId, B.prim, 'CHAIR', '2020-01-01');
  A.ids.member.push(holder.memberId);
  const both = await buildUser({
    fullName: 'Двойнов Общий',
    roles: [
      { role: 'VIEWER', org: A.prim },
      { role: 'CHAIR', org: B.prim },
    ],
  });
  A.ids.user.push(both.id);
  // A's outgoing request shows the name A typed to ask for it (a neutral one here), never B's organisation.
  const asked = await buildMember({ org: B.prim, lastName: 'Переводимова' });
  B.ids.member.push(asked.memberId);
  await db().transferRequest.create({
    data: { memberId: asked.memberId, fromOrgId: B.prim.id, toOrgId: A.prim.id, date: new Date('2030-01-01') },
  });
  await api()
    .post(`/api/v1/events/${A.ids.event[0]}/checkins`)
    .set('Authorization', A.chairAuth)
    .send({ cardNumber: B.cardNumber });
  const posOrg = await db().position.findMany({ where: { organisationId: B.prim.id }, select: { id: true } });
  bIds = [...Object.values(B.ids).flat(), B.personId, B.cardNumber, ...posOrg.map((p) => p.id)].filter(
    (id) => !B.ids.campaign.includes(id),
  );
  const at: Record<Who, [Parameters<typeof userWith>[0], { id: string }]> = {
    primChair: ['CHAIR', A.prim],
    terrChair: ['CHAIR', A.terr],
    viewer: ['VIEWER', A.region],
    registrar: ['REGISTRAR', A.region],
  };
  for (const who of Object.keys(at) as Who[]) {
    const u = await userWith(at[who][0], at[who][1]);
    actors[who] = { agent: await loginAs(u.login), auth: await bearer(u.id) };
  }
}, 120_000);

// ---------------------------------------------------------------------------------------------------------
// Ids for the route's parameters, by the path segment before each.
// ---------------------------------------------------------------------------------------------------------
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
};

/** The route's URLs with the side's ids in its parameters (every combination), or [] when a parameter is unknown. */
function urlsFor(path: string, side: Side): string[] {
  let urls = [''];
  const parts = path.split('/').slice(1);
  for (const [i, part] of parts.entries()) {
    if (!part.startsWith(':')) {
      urls = urls.map((u) => `${u}/${part}`);
      continue;
    }
    const kind: Kind | undefined =
      part === ':campaignId' ? 'campaign' : part === ':form' ? undefined : SEGMENT_KIND[parts[i - 1]];
    const values = part === ':form' ? ['5SP'] : kind ? side.ids[kind] : [];
    if (values.length === 0) return [];
    urls = urls.flatMap((u) => values.map((v) => `${u}/${v}`));
  }
  return urls;
}

/** Query fields the route reads (its zod schema), or null for a route without one (the usual fields are tried). */
const USUAL_FIELDS = ['org', 'orgId', 'organisationId', 'q', 'card', 'cardNumber', 'user', 'member', 'parent'];
function queryFields(r: RouteDef): string[] | null {
  const s = r.query as unknown;
  if (s instanceof z.ZodObject) return Object.keys(s.shape);
  if (s instanceof z.ZodPipe && s.in instanceof z.ZodObject) return Object.keys(s.in.shape);
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Reading an answer: the body as text (XLSX/DOCX unzipped, PDF text extracted) and its headers.
// ---------------------------------------------------------------------------------------------------------
function collect(res: request.Response, cb: (err: Error | null, body: unknown) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

async function textOf(res: request.Response): Promise<string> {
  const buf = Buffer.isBuffer(res.body) ? res.body : Buffer.from(res.text ?? '');
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

/** What of side B the answer shows, after removing what the request itself sent (an echoed search field). */
function leaksIn(text: string, sent: string[]): string[] {
  let t = text;
  for (const s of sent) t = t.split(s).join('').split(encodeURIComponent(s)).join('');
  const low = t.toLowerCase();
  return [...MARKS.filter((m) => low.includes(m)), ...bIds.filter((id) => t.includes(id))];
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
    leaks: leaksIn(text, sent).filter((l) => !directory.includes(l)),
  });
}

const WHO: Who[] = ['primChair', 'terrChair', 'viewer', 'registrar'];
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

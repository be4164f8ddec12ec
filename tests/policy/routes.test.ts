/**
 * The access policy at the HTTP level, against the real routes: anonymous → 401 / redirect to the login page,
 * outside the actor's subtree → 404 (indistinguishable from a missing record), inside without the right → 403
 * (and an audit row), inside with the right → success.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import { api, bearer, buildTree, csrfFrom, loginAs, postForm, testApp, useDb, userWith, type Tree } from '../helpers';
import { pdfWithText } from '../../src/seed/library.files';
import { ROUTES } from '../../src/http/route';
import { ACTIONS } from '../../src/policy/rules';
import type { Endpoint, Fx, Target, Who } from './endpoints';
import { INFORMING } from './informing.endpoints';
import { buildMember, buildOrg } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { addDays, today } from '../../src/lib/dates';
import type { Role } from '../../src/generated/prisma/enums';

useDb();

// ---------------------------------------------------------------------------------------------------------
// Fixtures: one union for the whole file, actors around region A.
// ---------------------------------------------------------------------------------------------------------
const ACTORS: Record<Who, { role: Role; at: keyof Tree; label: string }> = {
  chair: { role: 'CHAIR', at: 'regionA', label: 'the chair of region A' },
  viewer: { role: 'VIEWER', at: 'regionA', label: 'a viewer of region A' },
  registrar: { role: 'REGISTRAR', at: 'regionA', label: 'the registrar of region A' },
  subunit: { role: 'SUBUNIT_CHAIR', at: 'buroA1', label: 'the chair of profburo A1' },
  primChair: { role: 'CHAIR', at: 'primA1', label: 'the chair of primary A1' },
};

const fx = {} as Fx;
const users = {} as Record<Who, { id: string; login: string }>;
const tokens = {} as Record<Who, string>;
const agents = {} as Record<Who, request.Agent>;

beforeAll(async () => {
  fx.t = await buildTree();
  fx.m = {
    inA: (await buildMember({ org: fx.t.primA1, lastName: 'Внутренняя' })).memberId,
    inBuro: (await buildMember({ org: fx.t.buroA1, lastName: 'Профбюровская' })).memberId,
    outB: (await buildMember({ org: fx.t.primB1, lastName: 'Чужеземцева' })).memberId,
  };
  for (const who of Object.keys(ACTORS) as Who[]) {
    const a = ACTORS[who];
    users[who] = await userWith(a.role, fx.t[a.at]);
    tokens[who] = await bearer(users[who].id);
    agents[who] = await loginAs(users[who].login);
  }
});

// ---------------------------------------------------------------------------------------------------------
// The endpoint table.
// ---------------------------------------------------------------------------------------------------------
const freshMember: Target = async (f) => (await buildMember({ org: f.t.primA1 })).memberId;
const freshEmptyOrg: Target = async (f) =>
  (await buildOrg(f.t.terrA2, 'PRIMARY', { name: 'ППО закрывшейся школы' })).id;
const exitBody = { date: today(), reason: 'VOLUNTARY' };
const excludeBody = { date: today(), reason: 'Ликвидация учреждения' };
const newOrgBody = { kind: 'PRIMARY', name: 'ППО новой школы' };
const jsonId = (res: request.Response, id: string) => expect(res.body.id).toBe(id);

const ENDPOINTS: Endpoint[] = [
  // Users provisioned by programs: the right to manage users at the assigned organisation.
  {
    name: 'POST /api/v1/users',
    kind: 'api',
    method: 'post',
    route: '/users',
    action: 'user.manage',
    on: 'org',
    url: () => '/api/v1/users',
    body: (id) => ({
      login: `prov-${crypto.randomUUID().slice(0, 8)}`,
      fullName: 'Новый Пользователь',
      password: 'Test-password-1',
      assignments: [{ organisationId: id, role: 'VIEWER' }],
    }),
    inside: (f) => f.t.primA1.id,
    ok: 201,
    okCheck: (res) => expect(res.body.login).toMatch(/^prov-/),
    denied: [{ who: 'viewer' }, { who: 'registrar' }, { who: 'subunit', target: (f) => f.t.buroA1.id }],
  },
  // Informing: publishing announcements (chairs and registrars; not viewers, not sub-unit chairs).
  {
    name: 'POST /api/v1/orgs/:id/announcements',
    kind: 'api',
    method: 'post',
    route: '/orgs/:id/announcements',
    action: 'announcement.publish',
    on: 'org',
    url: (id) => `/api/v1/orgs/${id}/announcements`,
    body: () => ({ title: 'Объявление', body: 'Текст', audience: {} }),
    inside: (f) => f.t.terrA1.id,
    ok: 201,
    okCheck: (res) => expect(res.body.addressed).toEqual(expect.any(Number)),
    denied: [{ who: 'viewer' }, { who: 'subunit', target: (f) => f.t.buroA1.id }],
  },
  {
    name: 'GET /orgs/:id/announcements',
    kind: 'page',
    method: 'get',
    route: '/orgs/:id/announcements',
    action: 'announcement.publish',
    on: 'org',
    url: (id) => `/orgs/${id}/announcements`,
    inside: (f) => f.t.terrA1.id,
    ok: 200,
    denied: [{ who: 'viewer' }, { who: 'subunit', target: (f) => f.t.buroA1.id }],
  },
  {
    name: 'GET /orgs/:id/announcements/new',
    kind: 'page',
    method: 'get',
    route: '/orgs/:id/announcements/new',
    action: 'announcement.publish',
    on: 'org',
    url: (id) => `/orgs/${id}/announcements/new`,
    inside: (f) => f.t.terrA1.id,
    ok: 200,
    denied: [{ who: 'viewer' }, { who: 'subunit', target: (f) => f.t.buroA1.id }],
  },
  // API
  {
    name: 'GET /api/v1/orgs/:id',
    kind: 'api',
    method: 'get',
    route: '/orgs/:id',
    action: 'org.view',
    on: 'org',
    url: (id) => `/api/v1/orgs/${id}`,
    inside: (f) => f.t.terrA1.id,
    ok: 200,
    okCheck: jsonId,
    denied: [],
  },
  {
    name: 'GET /api/v1/orgs/:id/children',
    kind: 'api',
    method: 'get',
    route: '/orgs/:id/children',
    action: 'org.view',
    on: 'org',
    url: (id) => `/api/v1/orgs/${id}/children`,
    inside: (f) => f.t.terrA1.id,
    ok: 200,
    okCheck: (res) =>
      expect(res.body.items.map((o: { id: string }) => o.id)).toEqual(
        expect.arrayContaining([fx.t.primA1.id, fx.t.primA2.id]),
      ),
    denied: [],
  },
  {
    name: 'GET /api/v1/orgs/:id/summary',
    kind: 'api',
    method: 'get',
    route: '/orgs/:id/summary',
    action: 'org.view',
    on: 'org',
    url: (id) => `/api/v1/orgs/${id}/summary`,
    inside: (f) => f.t.terrA1.id,
    ok: 200,
    okCheck: (res, id) => expect(res.body.organisation.id).toBe(id),
    denied: [],
  },
  {
    name: 'GET /api/v1/orgs/:id/members',
    kind: 'api',
    method: 'get',
    route: '/orgs/:id/members',
    action: 'member.list',
    on: 'org',
    url: (id) => `/api/v1/orgs/${id}/members`,
    inside: (f) => f.t.primA1.id,
    ok: 200,
    okCheck: (res) => expect(res.body.items.map((m: { id: string }) => m.id)).toContain(fx.m.inA),
    denied: [],
  },
  {
    name: 'GET /api/v1/members/:id',
    kind: 'api',
    method: 'get',
    route: '/members/:id',
    action: 'member.view',
    on: 'member',
    url: (id) => `/api/v1/members/${id}`,
    inside: (f) => f.m.inA,
    ok: 200,
    okCheck: jsonId,
    denied: [],
  },
  {
    name: 'PATCH /api/v1/members/:id',
    kind: 'api',
    method: 'patch',
    route: '/members/:id',
    action: 'member.update',
    on: 'member',
    url: (id) => `/api/v1/members/${id}`,
    body: () => ({ version: 1, phone: '+7 900 123-45-67' }),
    inside: freshMember,
    ok: 200,
    okCheck: jsonId,
    denied: [{ who: 'viewer' }],
  },
  {
    name: 'POST /api/v1/members/:id/exit',
    kind: 'api',
    method: 'post',
    route: '/members/:id/exit',
    action: 'member.exit',
    on: 'member',
    url: (id) => `/api/v1/members/${id}/exit`,
    body: () => exitBody,
    inside: freshMember,
    ok: 200,
    okCheck: jsonId,
    denied: [{ who: 'viewer' }, { who: 'subunit', target: (f) => f.m.inBuro }],
  },
  {
    name: 'POST /api/v1/orgs (create a child)',
    kind: 'api',
    method: 'post',
    route: '/orgs',
    action: 'org.createChild',
    on: 'org',
    url: () => '/api/v1/orgs',
    body: (id) => ({ parentId: id, ...newOrgBody }),
    inside: (f) => f.t.terrA1.id,
    ok: 201,
    okCheck: (res, id) => expect(res.body.parentId).toBe(id),
    denied: [{ who: 'viewer' }],
  },
  {
    name: 'POST /api/v1/orgs/:id/exclude',
    kind: 'api',
    method: 'post',
    route: '/orgs/:id/exclude',
    action: 'org.exclude',
    on: 'org',
    url: (id) => `/api/v1/orgs/${id}/exclude`,
    body: () => excludeBody,
    inside: freshEmptyOrg,
    ok: 200,
    okCheck: (res) => expect(res.body.status).toBe('EXCLUDED'),
    denied: [{ who: 'viewer' }, { who: 'primChair', target: (f) => f.t.primA1.id }],
  },
  // Pages
  {
    name: 'GET /orgs/:id',
    kind: 'page',
    method: 'get',
    route: '/orgs/:id',
    action: 'org.view',
    on: 'org',
    url: (id) => `/orgs/${id}`,
    inside: (f) => f.t.terrA1.id,
    ok: 200,
    denied: [],
  },
  {
    name: 'GET /orgs/:id/passport',
    kind: 'page',
    method: 'get',
    route: '/orgs/:id/passport',
    action: 'org.view',
    on: 'org',
    url: (id) => `/orgs/${id}/passport`,
    inside: (f) => f.t.terrA1.id,
    ok: 200,
    denied: [],
  },
  {
    name: 'GET /orgs/:id/edit',
    kind: 'page',
    method: 'get',
    route: '/orgs/:id/edit',
    action: 'org.update',
    on: 'org',
    url: (id) => `/orgs/${id}/edit`,
    inside: (f) => f.t.terrA1.id,
    ok: 200,
    denied: [{ who: 'viewer' }, { who: 'subunit', target: (f) => f.t.buroA1.id }],
  },
  {
    name: 'GET /orgs/:id/new',
    kind: 'page',
    method: 'get',
    route: '/orgs/:id/new',
    action: 'org.createChild',
    on: 'org',
    url: (id) => `/orgs/${id}/new`,
    inside: (f) => f.t.terrA1.id,
    ok: 200,
    denied: [{ who: 'viewer' }],
  },
  {
    name: 'POST /orgs/:id/new',
    kind: 'page',
    method: 'post',
    route: '/orgs/:id/new',
    action: 'org.createChild',
    on: 'org',
    url: (id) => `/orgs/${id}/new`,
    body: () => newOrgBody,
    inside: (f) => f.t.terrA1.id,
    ok: 303,
    okCheck: (res, id) => expect(res.headers.location).toMatch(new RegExp(`^/orgs/(?!${id})[0-9a-f-]{36}$`)),
    denied: [{ who: 'viewer' }],
  },
  {
    name: 'GET /orgs/:id/exclude',
    kind: 'page',
    method: 'get',
    route: '/orgs/:id/exclude',
    action: 'org.exclude',
    on: 'org',
    url: (id) => `/orgs/${id}/exclude`,
    inside: (f) => f.t.terrA1.id,
    ok: 200,
    denied: [{ who: 'viewer' }, { who: 'primChair', target: (f) => f.t.primA1.id }],
  },
  {
    name: 'POST /orgs/:id/exclude',
    kind: 'page',
    method: 'post',
    route: '/orgs/:id/exclude',
    action: 'org.exclude',
    on: 'org',
    url: (id) => `/orgs/${id}/exclude`,
    body: () => excludeBody,
    inside: freshEmptyOrg,
    ok: 303,
    okCheck: (res) => expect(res.headers.location).toBe(`/orgs/${fx.t.terrA2.id}`),
    denied: [{ who: 'viewer' }, { who: 'primChair', target: (f) => f.t.primA1.id }],
  },
  {
    name: 'GET /members?org=:id',
    kind: 'page',
    method: 'get',
    route: '/members',
    action: 'member.list',
    on: 'org',
    url: (id) => `/members?org=${id}`,
    inside: (f) => f.t.primA1.id,
    ok: 200,
    denied: [],
  },
  {
    name: 'GET /members/:id',
    kind: 'page',
    method: 'get',
    route: '/members/:id',
    action: 'member.view',
    on: 'member',
    url: (id) => `/members/${id}`,
    inside: (f) => f.m.inA,
    ok: 200,
    denied: [],
  },
  {
    name: 'GET /members/:id/edit',
    kind: 'page',
    method: 'get',
    route: '/members/:id/edit',
    action: 'member.update',
    on: 'member',
    url: (id) => `/members/${id}/edit`,
    inside: (f) => f.m.inA,
    ok: 200,
    denied: [{ who: 'viewer' }],
  },
  {
    name: 'GET /members/:id/exit',
    kind: 'page',
    method: 'get',
    route: '/members/:id/exit',
    action: 'member.exit',
    on: 'member',
    url: (id) => `/members/${id}/exit`,
    inside: (f) => f.m.inA,
    ok: 200,
    denied: [{ who: 'viewer' }, { who: 'subunit', target: (f) => f.m.inBuro }],
  },
  {
    name: 'POST /members/:id/exit',
    kind: 'page',
    method: 'post',
    route: '/members/:id/exit',
    action: 'member.exit',
    on: 'member',
    url: (id) => `/members/${id}/exit`,
    body: () => ({ date: today(), reason: 'EXIT_VOLUNTARY', version: '1' }),
    inside: freshMember,
    ok: 303,
    okCheck: (res, id) => expect(res.headers.location).toBe(`/members/${id}`),
    denied: [{ who: 'viewer' }, { who: 'subunit', target: (f) => f.m.inBuro }],
  },
  {
    name: 'GET /orgs/:id/members/new',
    kind: 'page',
    method: 'get',
    route: '/orgs/:id/members/new',
    action: 'member.create',
    on: 'org',
    url: (id) => `/orgs/${id}/members/new`,
    inside: (f) => f.t.primA1.id,
    ok: 200,
    denied: [{ who: 'viewer' }],
  },
  {
    name: 'GET /users?org=:id',
    kind: 'page',
    method: 'get',
    route: '/users',
    action: 'user.manage',
    on: 'org',
    url: (id) => `/users?org=${id}`,
    inside: (f) => f.t.terrA1.id,
    ok: 200,
    denied: [{ who: 'viewer' }, { who: 'registrar' }, { who: 'subunit', target: (f) => f.t.buroA1.id }],
  },
  // Informing: announcements, the library, surveys (tests/policy/informing.endpoints.ts).
  ...INFORMING,
];

// ---------------------------------------------------------------------------------------------------------
// Sending requests.
// ---------------------------------------------------------------------------------------------------------
const formOf = (body: Record<string, unknown> = {}) =>
  Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)]));

/** Multipart: the fields, then a small PDF in "file" (uploads are checked by content). */
async function multipart(r: request.Test, fields: Record<string, string>): Promise<request.Response> {
  for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
  return r.attach('file', await pdfWithText('Документ', ['Текст документа']), 'document.pdf');
}

async function send(e: Endpoint, who: Who | 'anonymous', id: string): Promise<request.Response> {
  const url = e.url(id);
  const body = e.body?.(id);
  if (e.kind === 'api') {
    let r = api()[e.method](url);
    if (who !== 'anonymous') r = r.set('Authorization', tokens[who]);
    if (e.multipart) return multipart(r, formOf(body));
    return body ? r.send(body) : r;
  }
  const agent = who === 'anonymous' ? request.agent(testApp()) : agents[who];
  if (e.method === 'get') return agent.get(url);
  const pageUrl = who === 'anonymous' ? '/login' : '/profile';
  if (e.multipart) return multipart(agent.post(url), { _csrf: await csrfFrom(agent, pageUrl), ...formOf(body) });
  return postForm(agent, pageUrl, url, formOf(body));
}

/** What a refused write must leave untouched. */
async function snapshot() {
  const [orgs, excluded, exited, movements, orgVersions, memberVersions, personVersions] = await Promise.all([
    db().organisation.count(),
    db().organisation.count({ where: { status: 'EXCLUDED' } }),
    db().member.count({ where: { status: 'EXITED' } }),
    db().movement.count(),
    db().organisation.aggregate({ _sum: { version: true } }),
    db().member.aggregate({ _sum: { version: true } }),
    db().person.aggregate({ _sum: { version: true } }),
  ]);
  return {
    orgs,
    excluded,
    exited,
    movements,
    orgVersions: orgVersions._sum.version,
    memberVersions: memberVersions._sum.version,
    personVersions: personVersions._sum.version,
  };
}

function expectError(e: Endpoint, res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  if (e.kind === 'api') expect(res.body.error?.code).toBe(code);
}

// ---------------------------------------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------------------------------------
interface Case {
  title: string;
  e: Endpoint;
  who: Who | 'anonymous';
  target: Target;
  expect: 'unauthenticated' | 404 | 403 | 'ok';
}
const cases: Case[] = [];
for (const e of ENDPOINTS) {
  cases.push({
    title: `${e.name}: anonymous → ${e.kind === 'api' ? '401' : '303 to /login'}`,
    e,
    who: 'anonymous',
    target: e.inside,
    expect: 'unauthenticated',
  });
  if (e.on === 'org') {
    cases.push({
      title: `${e.name}: an organisation of the sibling region → 404`,
      e,
      who: 'chair',
      target: (f) => f.t.regionB.id,
      expect: 404,
    });
    cases.push({
      title: `${e.name}: a deeper organisation of the sibling region → 404`,
      e,
      who: 'chair',
      target: (f) => f.t.primB1.id,
      expect: 404,
    });
    cases.push({
      title: `${e.name}: the central council above the actor's region → 404`,
      e,
      who: 'chair',
      target: (f) => f.t.central.id,
      expect: 404,
    });
  } else if (e.on === 'item') {
    for (const o of e.outside ?? [])
      cases.push({ title: `${e.name}: ${o.label} → 404`, e, who: 'chair', target: o.target, expect: 404 });
  } else {
    cases.push({
      title: `${e.name}: a member of the sibling region → 404`,
      e,
      who: 'chair',
      target: (f) => f.m.outB,
      expect: 404,
    });
    cases.push({
      title: `${e.name}: a member of the primary organisation above the actor's profburo → 404`,
      e,
      who: 'subunit',
      target: (f) => f.m.inA,
      expect: 404,
    });
  }
  for (const d of e.denied) {
    const fallback: Target = e.on === 'org' ? (f) => f.t.primA1.id : e.on === 'item' ? e.inside : (f) => f.m.inA;
    cases.push({
      title: `${e.name}: ${ACTORS[d.who].label} (${ACTORS[d.who].role}) inside the subtree, without the right → 403`,
      e,
      who: d.who,
      target: d.target ?? fallback,
      expect: 403,
    });
  }
  cases.push({
    title: `${e.name}: the chair of region A inside the subtree → ${e.ok}`,
    e,
    who: 'chair',
    target: e.inside,
    expect: 'ok',
  });
}

describe('access at the HTTP level', () => {
  test.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const id = await c.target(fx);
    const writes = c.e.method !== 'get';
    const before = writes && c.expect !== 'ok' ? await snapshot() : undefined;
    const res = await send(c.e, c.who, id);
    switch (c.expect) {
      case 'unauthenticated':
        if (c.e.kind === 'api') expectError(c.e, res, 401, 'UNAUTHENTICATED');
        else if (c.e.multipart) {
          // Uploads check the CSRF token as soon as the body is parsed, before the session's user is loaded: an
          // anonymous upload is refused there (nothing is stored).
          expect(res.status).toBe(403);
        } else {
          expect(res.status).toBe(303);
          expect(res.headers.location).toBe('/login');
        }
        break;
      case 404:
        expectError(c.e, res, 404, 'NOT_FOUND');
        break;
      case 403:
        expectError(c.e, res, 403, 'FORBIDDEN');
        break;
      case 'ok':
        expect(res.status).toBe(c.e.ok);
        if (c.e.ok === 303) {
          expect(res.headers.location).not.toBe('/login');
          // Follow the redirect, as a browser would: its confirmation (flash) is shown and used up there.
          if (c.who !== 'anonymous') await agents[c.who].get(res.headers.location);
        }
        c.e.okCheck?.(res, id);
        break;
    }
    if (before) expect(await snapshot()).toEqual(before);
  });
});

describe('every route declares its policy action', () => {
  testApp();
  const all = ROUTES.all();
  const valid = new Set<string>([...ACTIONS, 'public', 'self', 'member-self']);

  it('the app registers its routes', () => {
    expect(all.length).toBeGreaterThan(20);
    expect(all.some((r) => r.kind === 'api')).toBe(true);
    expect(all.some((r) => r.kind === 'page')).toBe(true);
  });

  test.each(all.map((r) => [`${r.kind} ${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s declares a known action',
    (_name, r) => {
      expect(valid.has(r.action)).toBe(true);
    },
  );

  it('only signing in, issuing a token, the API description and card verification are public', () => {
    const allowedPublic = new Set([
      'page get /login',
      'page post /login',
      'api get /openapi.json',
      'api post /auth/token',
      'api get /verify',
      'page get /verify',
      'page post /verify',
      'page get /join',
      'page post /join',
      // The members' side: asking for a one-time code and entering it.
      'page get /me/login',
      'page post /me/login',
      'page get /me/login/code',
      'page post /me/login/code',
      // The chairs' second step of signing in (the second factor's code), for a session waiting for it.
      'page get /login/code',
      'page post /login/code',
      'api post /member/auth/code',
      'api post /member/auth/token',
      // One-click unsubscribe (RFC 8058): the signed token in the link is the authorisation.
      'page get /unsubscribe/:token',
      'page post /unsubscribe/:token',
    ]);
    const pub = all.filter((r) => r.action === 'public').map((r) => `${r.kind} ${r.method} ${r.path}`);
    expect(pub.filter((k) => !allowedPublic.has(k))).toEqual([]);
    expect(pub).toEqual(expect.arrayContaining(['page get /login', 'api post /auth/token']));
  });

  test.each(ENDPOINTS.map((e) => [e.name, e] as const))('%s is registered with the action it needs', (_name, e) => {
    const route = all.find((r) => r.kind === e.kind && r.method === e.method && r.path === e.route);
    expect(route?.action).toBe(e.action);
  });
});

describe('outside the subtree looks exactly like absent', () => {
  // The CSRF token and the session's remaining time (milliseconds: it moves between two requests) aside.
  const strip = (html: string) =>
    html
      .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""')
      .replace(/data-session-ends-in="\d+"/g, 'data-session-ends-in=""');

  test.each([
    ['GET', (id: string) => api().get(`/api/v1/members/${id}`)],
    ['PATCH', (id: string) => api().patch(`/api/v1/members/${id}`).send({ version: 1, phone: '+7 900 000-00-00' })],
    ['POST exit', (id: string) => api().post(`/api/v1/members/${id}/exit`).send(exitBody)],
  ] as const)('API %s of a member of another region answers like a random id', async (_m, call) => {
    const outside = await call(fx.m.outB).set('Authorization', tokens.chair);
    const absent = await call(crypto.randomUUID()).set('Authorization', tokens.chair);
    expect(outside.status).toBe(404);
    expect(outside.status).toBe(absent.status);
    expect(outside.body.error.code).toBe(absent.body.error.code);
    expect(outside.body).toEqual(absent.body);
  });

  it('API GET of an organisation of another region answers like a random id', async () => {
    const outside = await api().get(`/api/v1/orgs/${fx.t.regionB.id}`).set('Authorization', tokens.chair);
    const absent = await api().get(`/api/v1/orgs/${crypto.randomUUID()}`).set('Authorization', tokens.chair);
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual(absent.body);
  });

  it('the member card page of a member of another region is the same 404 page as for a random id, naming no one', async () => {
    const outside = await agents.chair.get(`/members/${fx.m.outB}`);
    const absent = await agents.chair.get(`/members/${crypto.randomUUID()}`);
    expect(outside.status).toBe(404);
    expect(outside.status).toBe(absent.status);
    expect(strip(outside.text)).toBe(strip(absent.text));
    expect(outside.text).not.toContain('Чужеземцева');
  });

  it('the page of an organisation of another region is the same 404 page as for a random id', async () => {
    const outside = await agents.chair.get(`/orgs/${fx.t.regionB.id}`);
    const absent = await agents.chair.get(`/orgs/${crypto.randomUUID()}`);
    expect(outside.status).toBe(404);
    expect(strip(outside.text)).toBe(strip(absent.text));
    expect(outside.text).not.toContain(fx.t.regionB.name);
  });
});

describe('refusals are audited', () => {
  const deniedRows = (userId: string) =>
    db().auditLog.findMany({ where: { userId, action: 'access.denied' }, orderBy: { id: 'asc' } });

  it('a forbidden API write leaves an access.denied row naming the user', async () => {
    const before = (await deniedRows(users.viewer.id)).length;
    const res = await api()
      .patch(`/api/v1/members/${fx.m.inA}`)
      .set('Authorization', tokens.viewer)
      .send({ version: 1, phone: '+7 900 000-00-00' });
    expect(res.status).toBe(403);
    const rows = await deniedRows(users.viewer.id);
    expect(rows).toHaveLength(before + 1);
    expect(rows[rows.length - 1]).toMatchObject({
      action: 'access.denied',
      outcome: 'DENIED',
      userId: users.viewer.id,
    });
    expect(rows[rows.length - 1].details).toMatchObject({ method: 'PATCH' });
  });

  it('a forbidden page leaves an access.denied row too', async () => {
    const before = (await deniedRows(users.subunit.id)).length;
    const res = await agents.subunit.get(`/members/${fx.m.inBuro}/exit`);
    expect(res.status).toBe(403);
    const rows = await deniedRows(users.subunit.id);
    expect(rows).toHaveLength(before + 1);
    expect(rows[rows.length - 1]).toMatchObject({ outcome: 'DENIED' });
    expect(rows[rows.length - 1].details).toMatchObject({ method: 'GET' });
  });

  it('an allowed request leaves no access.denied row (the control)', async () => {
    const before = (await deniedRows(users.chair.id)).length;
    const res = await api().get(`/api/v1/members/${fx.m.inA}`).set('Authorization', tokens.chair);
    expect(res.status).toBe(200);
    expect(await deniedRows(users.chair.id)).toHaveLength(before);
  });

  it('the access.denied row records the refused action and the organisation it was refused on', async () => {
    // Without the organisation the row is invisible in the subtree's journal (/orgs/:id/audit filters by it).
    const res = await api()
      .post(`/api/v1/members/${fx.m.inBuro}/exit`)
      .set('Authorization', tokens.subunit)
      .send(exitBody);
    expect(res.status).toBe(403);
    const rows = await deniedRows(users.subunit.id);
    const row = rows[rows.length - 1];
    expect(JSON.stringify(row.details)).toContain('member.exit');
    expect(row.organisationId).toBe(fx.t.buroA1.id);
  });
});

describe('only assignments in force give access through HTTP', () => {
  it('a token of a user whose only role has expired sees nothing (404), and the page does the same', async () => {
    const u = await userWith('CHAIR', fx.t.regionA, { endsOn: addDays(today(), -1) });
    const res = await api()
      .get(`/api/v1/orgs/${fx.t.regionA.id}`)
      .set('Authorization', await bearer(u.id));
    expectError(ENDPOINTS[0], res, 404, 'NOT_FOUND');
    const agent = await loginAs(u.login);
    expect((await agent.get(`/orgs/${fx.t.regionA.id}`)).status).toBe(404);
  });

  it('a role starting tomorrow gives no access today', async () => {
    const u = await userWith('CHAIR', fx.t.regionA, { startsOn: addDays(today(), 1) });
    const res = await api()
      .get(`/api/v1/orgs/${fx.t.regionA.id}`)
      .set('Authorization', await bearer(u.id));
    expectError(ENDPOINTS[0], res, 404, 'NOT_FOUND');
  });

  it('the same role in force today opens the organisation (the control)', async () => {
    const u = await userWith('CHAIR', fx.t.regionA, { startsOn: today() });
    const res = await api()
      .get(`/api/v1/orgs/${fx.t.regionA.id}`)
      .set('Authorization', await bearer(u.id));
    expect(res.status).toBe(200);
  });
});

describe('the members’ side is apart from the chairs’', () => {
  it('every /me page and /member API route declares member-self (or is the sign-in), and no chair route does', () => {
    const all = ROUTES.all();
    const memberSide = (r: (typeof all)[number]) =>
      (r.kind === 'page' && (r.path === '/me' || r.path.startsWith('/me/'))) ||
      (r.kind === 'api' && r.path.startsWith('/member/'));
    for (const r of all) {
      if (memberSide(r)) expect(['member-self', 'public']).toContain(r.action);
      else expect(r.action).not.toBe('member-self');
    }
    expect(all.filter((r) => r.action === 'member-self').length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Transfer requests (/transfer-requests): the request's id is the target; the decision belongs to the member's
// organisation (its subtree's chairs and registrars). Roles × inside / outside the subtree.
// ---------------------------------------------------------------------------------------------------------
describe('/transfer-requests: roles × inside / outside the subtree', () => {
  /** A pending request for a fresh member of `from` to move to `to`. */
  const pending = async (from: keyof Tree, to: keyof Tree, lastName = 'Переводимова') => {
    const m = await buildMember({ org: fx.t[from], lastName });
    const r = await db().transferRequest.create({
      data: {
        memberId: m.memberId,
        fromOrgId: fx.t[from].id,
        toOrgId: fx.t[to].id,
        date: new Date(`${today()}T00:00:00Z`),
      },
    });
    return { id: r.id, memberId: m.memberId };
  };
  const statusOf = async (id: string) => (await db().transferRequest.findUniqueOrThrow({ where: { id } })).status;
  const decide = (who: Who | 'anonymous', id: string, verb: 'approve' | 'decline') => {
    const agent = who === 'anonymous' ? request.agent(testApp()) : agents[who];
    return postForm(agent, who === 'anonymous' ? '/login' : '/profile', `/transfer-requests/${id}/${verb}`, {});
  };

  it('the routes are registered with their actions', () => {
    const find = (path: string) => ROUTES.all().find((r) => r.kind === 'page' && r.path === path);
    expect(find('/transfer-requests')?.action).toBe('self');
    expect(find('/transfer-requests/:id/approve')?.action).toBe('member.transfer');
    expect(find('/transfer-requests/:id/decline')?.action).toBe('member.transfer');
  });

  it('anonymous: the list and both decisions send to the sign-in page', async () => {
    const r = await pending('primA1', 'primA2');
    expect((await request.agent(testApp()).get('/transfer-requests')).headers.location).toBe('/login');
    for (const verb of ['approve', 'decline'] as const) {
      const res = await decide('anonymous', r.id, verb);
      expect([303, 403]).toContain(res.status);
      if (res.status === 303) expect(res.headers.location).toBe('/login');
    }
    expect(await statusOf(r.id)).toBe('PENDING');
  });

  const outsideCases: [string, Who, keyof Tree][] = [
    ['a request of the sibling region, for the chair of region A', 'chair', 'primB1'],
    ['a request of the sibling region, for the registrar of region A', 'registrar', 'primB1'],
    ['a request of the primary above the profburo, for its chair', 'subunit', 'primA1'],
    ['a request of another primary, for the chair of primary A1', 'primChair', 'primA2'],
  ];
  test.each(outsideCases)('outside: %s → 404 on approve and decline, nothing changes', async (_t, who, from) => {
    const r = await pending(from, 'terrA2');
    for (const verb of ['approve', 'decline'] as const) {
      const res = await decide(who, r.id, verb);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('Переводимова');
    }
    expect(await statusOf(r.id)).toBe('PENDING');
    const list = await agents[who].get('/transfer-requests');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(`/transfer-requests/${r.id}/approve`);
  });

  it('inside without the right: the viewer of region A → 403, nothing changes', async () => {
    const r = await pending('primA1', 'primA2');
    for (const verb of ['approve', 'decline'] as const) expect((await decide('viewer', r.id, verb)).status).toBe(403);
    expect(await statusOf(r.id)).toBe('PENDING');
  });

  const insideCases: [string, Who, 'approve' | 'decline', 'APPROVED' | 'DECLINED'][] = [
    ['the chair of region A approves', 'chair', 'approve', 'APPROVED'],
    ['the registrar of region A declines', 'registrar', 'decline', 'DECLINED'],
    ['the chair of primary A1 approves its own member’s request', 'primChair', 'approve', 'APPROVED'],
  ];
  test.each(insideCases)('inside: %s → 303 back to the list', async (_t, who, verb, status) => {
    const r = await pending('primA1', 'primA2');
    const list = await agents[who].get('/transfer-requests');
    expect(list.text).toContain(`/transfer-requests/${r.id}/${verb}`);
    const res = await decide(who, r.id, verb);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/transfer-requests');
    expect(await statusOf(r.id)).toBe(status);
    const m = await db().member.findUniqueOrThrow({ where: { id: r.memberId } });
    expect(m.organisationId).toBe(status === 'APPROVED' ? fx.t.primA2.id : fx.t.primA1.id);
  });
});

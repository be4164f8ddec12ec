/**
 * The informing routes (announcements, the library, surveys) in the endpoint table of routes.test.ts: pages and
 * API × roles × inside/outside. Items are built through the real services and API: in the acting chair's
 * region (inside), in the sibling region, and at the central council above (either not addressed to the
 * region's chair, or — for publishing routes — addressed but outside what the chair may manage).
 */
import type request from 'supertest';
import { api, bearer, userWith } from '../helpers';
import type { BuiltOrg } from '../../src/seed/builders.repo';
import { pdfWithText } from '../../src/seed/library.files';
import { SYSTEM_ACTOR } from '../../src/policy/actor';
import { createAnnouncement } from '../../src/modules/announcements/announcements.service';
import { createSurvey } from '../../src/modules/surveys/surveys.service';
import type { Endpoint, Fx, Target, Who } from './endpoints';

type Aud = { kinds?: string[]; roles?: string[] };
const ALL: Aud = {};
const PRIMARY_ONLY: Aud = { kinds: ['PRIMARY'] };
const audience = (a: Aud) => ({
  kinds: (a.kinds ?? []) as never[],
  roles: (a.roles ?? []) as never[],
  orgIds: [],
  members: false,
});

/** A publisher (a chair) per organisation, made once. */
const publishers = new Map<string, Promise<string>>();
function publisherOf(org: BuiltOrg): Promise<string> {
  let p = publishers.get(org.id);
  if (!p) {
    p = userWith('CHAIR', org).then((u) => bearer(u.id));
    publishers.set(org.id, p);
  }
  return p;
}

async function created(res: request.Response): Promise<string> {
  if (res.status !== 201) throw new Error(`fixture not created: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: string }).id;
}

async function doc(org: BuiltOrg, a: Aud = ALL): Promise<string> {
  let r = api()
    .post(`/api/v1/orgs/${org.id}/documents`)
    .set('Authorization', await publisherOf(org))
    .field('title', 'Документ для проверки доступа')
    .field('kind', 'OTHER');
  if (a.kinds) r = r.field('audienceKinds', a.kinds.join(','));
  return created(await r.attach('file', await pdfWithText('Документ', ['Текст']), 'doc.pdf'));
}

const closesAt = () => new Date(Date.now() + 7 * 86400_000);
const QUESTION = { code: 'q1', text: 'Ваше мнение', type: 'TEXT' as const };

async function survey(org: BuiltOrg, a: Aud = ALL): Promise<string> {
  const res = await api()
    .post(`/api/v1/orgs/${org.id}/surveys`)
    .set('Authorization', await publisherOf(org))
    .send({
      title: 'Опрос для проверки доступа',
      kind: 'SURVEY',
      audience: a,
      closesAt: closesAt().toISOString(),
      questions: [QUESTION],
    });
  return created(res);
}

async function surveyDraft(org: BuiltOrg): Promise<string> {
  const meta = { title: 'Черновик опроса', kind: 'SURVEY' as const, closesAt: closesAt() };
  return (await createSurvey(SYSTEM_ACTOR, org, meta, audience(ALL), [QUESTION], false)).id;
}

async function announcement(org: BuiltOrg, a: Aud = ALL, publish = true): Promise<string> {
  const data = { title: 'Объявление для проверки доступа', body: 'Текст', important: false };
  return (await createAnnouncement(SYSTEM_ACTOR, org, { data, audience: audience(a) }, publish)).id;
}

/** Outside for reading: the sibling region's item, and the central council's item addressed to primaries only. */
const notAddressed = (make: (org: BuiltOrg, a?: Aud) => Promise<string>) => [
  { label: 'an item of the sibling region', target: (f: Fx) => make(f.t.regionB) },
  {
    label: 'an item of the central council addressed to primaries only',
    target: (f: Fx) => make(f.t.central, PRIMARY_ONLY),
  },
];
/** Outside for publishing: the sibling region's item, and the central council's (addressed to everyone). */
const notManaged = (make: (org: BuiltOrg) => Promise<string>) => [
  { label: 'an item of the sibling region', target: (f: Fx) => make(f.t.regionB) },
  { label: 'an item of the central council above (addressed to the chair)', target: (f: Fx) => make(f.t.central) },
];
const viewerDenied: { who: Who }[] = [{ who: 'viewer' }];

/** An item route: the chair of region A acts on an item of region A (or of territorial A1 below it). */
function item(
  e: Omit<Endpoint, 'on' | 'denied' | 'outside' | 'inside'> & { inside: Target },
  outside: Endpoint['outside'],
  denied: { who: Who }[] = [],
): Endpoint {
  return { ...e, on: 'item', outside, denied };
}

const A1 =
  (make: (org: BuiltOrg) => Promise<string>): Target =>
  (f) =>
    make(f.t.terrA1);
const RA =
  (make: (org: BuiltOrg) => Promise<string>): Target =>
  (f) =>
    make(f.t.regionA);
const orgDenied = [{ who: 'viewer' as const }, { who: 'subunit' as const, target: (f: Fx) => f.t.buroA1.id }];
const surveyForm = {
  title: 'Опрос',
  kind: 'SURVEY',
  opensAt: '01.12.2026 09:00',
  closesAt: '01.12.2030 18:00',
};

export const INFORMING: Endpoint[] = [
  // Publishing at an organisation (chairs and registrars; not viewers, not sub-unit chairs).
  ...(
    [
      [
        'GET /orgs/:id/documents/new',
        'page',
        'get',
        '/orgs/:id/documents/new',
        'document.publish',
        (id: string) => `/orgs/${id}/documents/new`,
        200,
      ],
      [
        'GET /orgs/:id/surveys/new',
        'page',
        'get',
        '/orgs/:id/surveys/new',
        'survey.publish',
        (id: string) => `/orgs/${id}/surveys/new`,
        200,
      ],
    ] as const
  ).map(([name, kind, method, route, action, url, ok]): Endpoint => ({
    name,
    kind,
    method,
    route,
    action,
    url,
    ok,
    on: 'org',
    inside: (f) => f.t.terrA1.id,
    denied: orgDenied,
  })),
  {
    name: 'POST /orgs/:id/announcements',
    kind: 'page',
    method: 'post',
    route: '/orgs/:id/announcements',
    action: 'announcement.publish',
    on: 'org',
    url: (id) => `/orgs/${id}/announcements`,
    body: () => ({ title: 'Объявление', body: 'Текст', publish: '1' }),
    inside: (f) => f.t.terrA1.id,
    ok: 303,
    denied: orgDenied,
  },
  {
    name: 'POST /orgs/:id/library/sections',
    kind: 'page',
    method: 'post',
    route: '/orgs/:id/library/sections',
    action: 'document.publish',
    on: 'org',
    url: (id) => `/orgs/${id}/library/sections`,
    body: () => ({ name: 'Раздел' }),
    inside: (f) => f.t.terrA1.id,
    ok: 303,
    denied: orgDenied,
  },
  {
    name: 'POST /orgs/:id/documents',
    kind: 'page',
    method: 'post',
    route: '/orgs/:id/documents',
    action: 'document.publish',
    on: 'org',
    url: (id) => `/orgs/${id}/documents`,
    body: () => ({ title: 'Документ', kind: 'OTHER' }),
    multipart: true,
    inside: (f) => f.t.terrA1.id,
    ok: 303,
    denied: orgDenied,
  },
  {
    name: 'POST /api/v1/orgs/:id/documents',
    kind: 'api',
    method: 'post',
    route: '/orgs/:id/documents',
    action: 'document.publish',
    on: 'org',
    url: (id) => `/api/v1/orgs/${id}/documents`,
    body: () => ({ title: 'Документ', kind: 'OTHER' }),
    multipart: true,
    inside: (f) => f.t.terrA1.id,
    ok: 201,
    okCheck: (res) => expect(res.body.version).toBe(1),
    denied: orgDenied,
  },
  {
    name: 'POST /orgs/:id/surveys',
    kind: 'page',
    method: 'post',
    route: '/orgs/:id/surveys',
    action: 'survey.publish',
    on: 'org',
    url: (id) => `/orgs/${id}/surveys`,
    body: () => surveyForm,
    inside: (f) => f.t.terrA1.id,
    ok: 303,
    denied: orgDenied,
  },
  {
    name: 'POST /api/v1/orgs/:id/surveys',
    kind: 'api',
    method: 'post',
    route: '/orgs/:id/surveys',
    action: 'survey.publish',
    on: 'org',
    url: (id) => `/api/v1/orgs/${id}/surveys`,
    body: () => ({
      title: 'Опрос',
      kind: 'SURVEY',
      audience: {},
      closesAt: closesAt().toISOString(),
      questions: [QUESTION],
    }),
    inside: (f) => f.t.terrA1.id,
    ok: 201,
    okCheck: (res) => expect(res.body.addressed).toEqual(expect.any(Number)),
    denied: orgDenied,
  },

  // Announcements: reading (addressed, or the publisher's side) and managing one.
  item(
    {
      name: 'GET /announcements/:id',
      kind: 'page',
      method: 'get',
      route: '/announcements/:id',
      action: 'self',
      url: (id) => `/announcements/${id}`,
      inside: RA(announcement),
      ok: 200,
    },
    notAddressed(announcement),
  ),
  item(
    {
      name: 'GET /api/v1/announcements/:id',
      kind: 'api',
      method: 'get',
      route: '/announcements/:id',
      action: 'self',
      url: (id) => `/api/v1/announcements/${id}`,
      inside: RA(announcement),
      ok: 200,
      okCheck: (res, id) => expect(res.body.id).toBe(id),
    },
    notAddressed(announcement),
  ),
  ...(
    [
      [
        'GET /announcements/:id/edit',
        'page',
        'get',
        '/announcements/:id/edit',
        (id: string) => `/announcements/${id}/edit`,
        200,
      ],
      [
        'GET /announcements/:id/receipts',
        'page',
        'get',
        '/announcements/:id/receipts',
        (id: string) => `/announcements/${id}/receipts`,
        200,
      ],
      [
        'GET /api/v1/announcements/:id/receipts',
        'api',
        'get',
        '/announcements/:id/receipts',
        (id: string) => `/api/v1/announcements/${id}/receipts`,
        200,
      ],
      [
        'POST /announcements/:id/remind',
        'page',
        'post',
        '/announcements/:id/remind',
        (id: string) => `/announcements/${id}/remind`,
        303,
      ],
    ] as const
  ).map(([name, kind, method, route, url, ok]) =>
    item(
      { name, kind, method, route, action: 'announcement.publish', url, inside: A1(announcement), ok },
      notManaged(announcement),
      viewerDenied,
    ),
  ),
  item(
    {
      name: 'POST /announcements/:id/publish',
      kind: 'page',
      method: 'post',
      route: '/announcements/:id/publish',
      action: 'announcement.publish',
      url: (id) => `/announcements/${id}/publish`,
      inside: (f) => announcement(f.t.terrA1, ALL, false),
      ok: 303,
    },
    notManaged((org) => announcement(org, ALL, false)),
    viewerDenied,
  ),
  item(
    {
      name: 'POST /announcements/:id/archive',
      kind: 'page',
      method: 'post',
      route: '/announcements/:id/archive',
      action: 'announcement.publish',
      url: (id) => `/announcements/${id}/archive`,
      body: () => ({ confirm: 'on' }),
      inside: A1(announcement),
      ok: 303,
    },
    notManaged(announcement),
    viewerDenied,
  ),
  item(
    {
      name: 'POST /announcements/:id/edit',
      kind: 'page',
      method: 'post',
      route: '/announcements/:id/edit',
      action: 'announcement.publish',
      url: (id) => `/announcements/${id}/edit`,
      body: () => ({ title: 'Исправленное объявление', body: 'Текст', version: '1' }),
      inside: A1(announcement),
      ok: 303,
    },
    notManaged(announcement),
    viewerDenied,
  ),

  // The library: reading a document addressed to the reader; managing one of the reader's subtree.
  ...(
    [
      ['GET /documents/:id', 'page', '/documents/:id', (id: string) => `/documents/${id}`],
      ['GET /documents/:id/file', 'page', '/documents/:id/file', (id: string) => `/documents/${id}/file`],
      ['GET /api/v1/documents/:id', 'api', '/documents/:id', (id: string) => `/api/v1/documents/${id}`],
      ['GET /api/v1/documents/:id/file', 'api', '/documents/:id/file', (id: string) => `/api/v1/documents/${id}/file`],
    ] as const
  ).map(([name, kind, route, url]) =>
    item(
      { name, kind, method: 'get', route, action: 'document.read', url, inside: RA(doc), ok: 200 },
      notAddressed(doc),
    ),
  ),
  item(
    {
      name: 'POST /documents/:id/versions',
      kind: 'page',
      method: 'post',
      route: '/documents/:id/versions',
      action: 'document.publish',
      url: (id) => `/documents/${id}/versions`,
      body: () => ({ note: 'Новая редакция' }),
      multipart: true,
      inside: A1(doc),
      ok: 303,
    },
    notManaged(doc),
    viewerDenied,
  ),
  item(
    {
      name: 'POST /api/v1/documents/:id/versions',
      kind: 'api',
      method: 'post',
      route: '/documents/:id/versions',
      action: 'document.publish',
      url: (id) => `/api/v1/documents/${id}/versions`,
      body: () => ({ note: 'Новая редакция' }),
      multipart: true,
      inside: A1(doc),
      ok: 201,
      okCheck: (res) => expect(res.body.version).toBe(2),
    },
    notManaged(doc),
    viewerDenied,
  ),
  item(
    {
      name: 'POST /documents/:id/supersede',
      kind: 'page',
      method: 'post',
      route: '/documents/:id/supersede',
      action: 'document.publish',
      url: (id) => `/documents/${id}/supersede`,
      body: () => ({ confirm: 'on' }),
      inside: A1(doc),
      ok: 303,
    },
    notManaged(doc),
    viewerDenied,
  ),

  ...(
    [
      ['POST /documents/:id/remind', '/documents/:id/remind', 'document.publish', doc],
      ['POST /surveys/:id/remind', '/surveys/:id/remind', 'survey.publish', survey],
    ] as const
  ).map(([name, route, action, make]) =>
    item(
      {
        name,
        kind: 'page',
        method: 'post',
        route,
        action,
        url: (id) => route.replace(':id', id),
        inside: A1(make),
        ok: 303,
      },
      notManaged(make),
      viewerDenied,
    ),
  ),

  // The publisher's pages through the API: reminders, taking down, supersede, downloads, exports.
  item(
    {
      name: 'PATCH /api/v1/announcements/:id',
      kind: 'api',
      method: 'patch',
      route: '/announcements/:id',
      action: 'announcement.publish',
      url: (id) => `/api/v1/announcements/${id}`,
      body: () => ({ version: 1, title: 'Исправленное объявление' }),
      inside: A1(announcement),
      ok: 200,
      okCheck: (res, id) => expect(res.body).toEqual({ id, version: 2 }),
    },
    notManaged(announcement),
    viewerDenied,
  ),
  ...(
    [
      ['POST /api/v1/announcements/:id/remind', '/announcements/:id/remind', 'announcement.publish', announcement, 201],
      [
        'POST /api/v1/announcements/:id/archive',
        '/announcements/:id/archive',
        'announcement.publish',
        announcement,
        200,
      ],
      ['POST /api/v1/documents/:id/remind', '/documents/:id/remind', 'document.publish', doc, 201],
      ['POST /api/v1/documents/:id/supersede', '/documents/:id/supersede', 'document.publish', doc, 200],
      ['POST /api/v1/surveys/:id/remind', '/surveys/:id/remind', 'survey.publish', survey, 201],
    ] as const
  ).map(([name, route, action, make, ok]) =>
    item(
      {
        name,
        kind: 'api',
        method: 'post',
        route,
        action,
        url: (id) => `/api/v1${route.replace(':id', id)}`,
        body: () => ({}),
        inside: A1(make),
        ok,
        okCheck: (res) => expect(res.body).toMatchObject(ok === 201 ? { addressed: expect.any(Number) } : {}),
      },
      notManaged(make),
      viewerDenied,
    ),
  ),
  ...(
    [
      ['GET /api/v1/documents/:id/downloads', '/documents/:id/downloads', 'document.publish', doc, ''],
      ['GET /api/v1/announcements/:id/unread', '/announcements/:id/unread', 'announcement.publish', announcement, ''],
      ['GET /api/v1/documents/:id/not-downloaded', '/documents/:id/not-downloaded', 'document.publish', doc, ''],
      ['GET /api/v1/surveys/:id/not-answered', '/surveys/:id/not-answered', 'survey.publish', survey, ''],
      [
        'GET /api/v1/surveys/:id/results/export',
        '/surveys/:id/results/export',
        'survey.publish',
        survey,
        '?format=pdf',
      ],
      ['GET /api/v1/surveys/:id/answers/export', '/surveys/:id/answers/export', 'survey.publish', survey, ''],
    ] as const
  ).map(([name, route, action, make, query]) =>
    item(
      {
        name,
        kind: 'api',
        method: 'get',
        route,
        action,
        url: (id) => `/api/v1${route.replace(':id', id)}${query}`,
        inside: A1(make),
        ok: 200,
      },
      notManaged(make),
      viewerDenied,
    ),
  ),

  // Surveys: answering one addressed to the user; managing one of the user's subtree.
  item(
    {
      name: 'GET /surveys/:id',
      kind: 'page',
      method: 'get',
      route: '/surveys/:id',
      action: 'survey.answer',
      url: (id) => `/surveys/${id}`,
      inside: RA(survey),
      ok: 200,
    },
    notAddressed(survey),
  ),
  item(
    {
      name: 'POST /surveys/:id/answers',
      kind: 'page',
      method: 'post',
      route: '/surveys/:id/answers',
      action: 'survey.answer',
      url: (id) => `/surveys/${id}/answers`,
      body: () => ({ q_q1: 'Мнение' }),
      inside: RA(survey),
      ok: 303,
    },
    notAddressed(survey),
  ),
  item(
    {
      name: 'GET /api/v1/surveys/:id',
      kind: 'api',
      method: 'get',
      route: '/surveys/:id',
      action: 'survey.answer',
      url: (id) => `/api/v1/surveys/${id}`,
      inside: RA(survey),
      ok: 200,
      okCheck: (res, id) => expect(res.body).toMatchObject({ id, questions: [{ code: 'q1', type: 'TEXT' }] }),
    },
    notAddressed(survey),
  ),
  item(
    {
      name: 'POST /api/v1/surveys/:id/responses',
      kind: 'api',
      method: 'post',
      route: '/surveys/:id/responses',
      action: 'survey.answer',
      url: (id) => `/api/v1/surveys/${id}/responses`,
      body: () => ({ answers: { q1: 'Мнение' } }),
      inside: RA(survey),
      ok: 201,
    },
    notAddressed(survey),
  ),
  ...(
    [
      ['GET /surveys/:id/edit', 'page', '/surveys/:id/edit', (id: string) => `/surveys/${id}/edit`],
      ['GET /surveys/:id/results', 'page', '/surveys/:id/results', (id: string) => `/surveys/${id}/results`],
      [
        'GET /surveys/:id/results.xlsx',
        'page',
        '/surveys/:id/results.xlsx',
        (id: string) => `/surveys/${id}/results.xlsx`,
      ],
      [
        'GET /surveys/:id/answers.xlsx',
        'page',
        '/surveys/:id/answers.xlsx',
        (id: string) => `/surveys/${id}/answers.xlsx`,
      ],
      [
        'GET /surveys/:id/summary.pdf',
        'page',
        '/surveys/:id/summary.pdf',
        (id: string) => `/surveys/${id}/summary.pdf`,
      ],
      [
        'GET /api/v1/surveys/:id/results',
        'api',
        '/surveys/:id/results',
        (id: string) => `/api/v1/surveys/${id}/results`,
      ],
    ] as const
  ).map(([name, kind, route, url]) =>
    item(
      { name, kind, method: 'get', route, action: 'survey.publish', url, inside: A1(survey), ok: 200 },
      notManaged(survey),
      viewerDenied,
    ),
  ),
  item(
    {
      name: 'GET /surveys/:id/settings',
      kind: 'page',
      method: 'get',
      route: '/surveys/:id/settings',
      action: 'survey.publish',
      url: (id) => `/surveys/${id}/settings`,
      inside: A1(surveyDraft),
      ok: 200,
    },
    notManaged(surveyDraft),
    viewerDenied,
  ),
  ...(
    [
      ['POST /surveys/:id/settings', '/surveys/:id/settings', surveyForm],
      ['POST /surveys/:id/questions', '/surveys/:id/questions', { text: 'Ещё вопрос', type: 'TEXT' }],
      ['POST /surveys/:id/publish', '/surveys/:id/publish', {}],
      ['POST /surveys/:id/copy', '/surveys/:id/copy', {}],
    ] as const
  ).map(([name, route, body]) =>
    item(
      {
        name,
        kind: 'page',
        method: 'post',
        route,
        action: 'survey.publish',
        url: (id) => route.replace(':id', id),
        body: () => body,
        inside: A1(surveyDraft),
        ok: 303,
      },
      notManaged(surveyDraft),
      viewerDenied,
    ),
  ),
];

/**
 * The leak sweep of writes: every non-GET route of the route table (pages and API), sent by the four actors of side
 * A of the GET sweep, in two variants:
 *  1. side B's ids in the path (also A's organisation with B's record where the path has two ids), A's values in
 *     the body: the answer is 404 (or 400/403/422 before any lookup, never a 2xx/3xx that acts) and shows nothing
 *     of B;
 *  2. A's own ids in the path, B's ids, names and card number in every field the route reads: the answer and the
 *     page its redirect leads to show nothing of B beyond what the request itself sent.
 * After both, every row of B (members, persons, registrations, cards, orgs, users, role assignments, events,
 * documents …) is as it was: nothing of A's reaches into B.
 */
import type request from 'supertest';
import { api, csrfFrom, useDb } from '../helpers';
import { ROUTES, type RouteDef } from '../../src/http/route';
import { db } from '../../src/db';
import { buildWorld, WHO, type Side, type Who, type World } from './leak-fixtures';
import { collect, leaksIn, NO_SUCH_ID, textOf, urlsFor } from './leak-probe';
import { apiBody, formBody, NOBODY, sentIn, valuesOf, withPerson, type Values } from './leak-body';
import { snapshotOf } from './leak-snapshot';

useDb();

let w: World;
let A: Side;
let B: Side;
let aValues: Values;
let bValues: Values;
let before: string[];
const csrf = {} as Record<Who, string>;

beforeAll(async () => {
  w = await buildWorld();
  ({ A, B } = w);
  const person = async (s: Side, login: string) => {
    const p = await db().person.findUniqueOrThrow({ where: { id: s.personId } });
    const birthDate = p.birthDate.toISOString().slice(0, 10);
    return { ...p, middleName: p.middleName ?? '', email: p.email ?? '', birthDate, login };
  };
  aValues = valuesOf(A, await person(A, 'svoy-probe'));
  bValues = valuesOf(B, await person(B, 'utechkin-probe'));
  for (const who of WHO) csrf[who] = await csrfFrom(w.actors[who].agent, '/profile');
  before = await snapshotOf(B);
}, 180_000);

/**
 * Not probed, each for its reason:
 *  - the members' own routes (`member-self`): a member acts on themselves only, no actor of A can call them;
 *  - the sign-in and sign-out routes (/login, /login/code, /logout, /me/login, /me/login/code, /member/auth/*,
 *    /auth/token): they take no organisation or record id, only credentials; sent by an actor they would end the
 *    actor's session or count failed sign-ins against the sweep's own address (the limiter would lock the actors
 *    out). Enumeration through them is tests/auth's;
 *  - the public join form (POST /join): an applicant may apply to any organisation by design, so an application
 *    in B's organisation is its purpose, not a leak (what the form shows is in the GET sweep).
 */
const SKIPPED = new Set([
  'page /login',
  'page /login/code',
  'page /logout',
  'page /me/login',
  'page /me/login/code',
  'api /member/auth/code',
  'api /member/auth/token',
  'api /auth/token',
  'page /join',
]);
/** Steps that could take an actor's own access away: swept last, so they do not cut the sweep short. */
const LAST = /\/(exclude|disable)$|\/roles\/:roleId\/end$|^\/handover\//;
const writes = () =>
  ROUTES.all()
    .filter((r) => r.method !== 'get' && r.action !== 'member-self' && !SKIPPED.has(`${r.kind} ${r.path}`))
    .sort((a, b) => Number(LAST.test(a.path)) - Number(LAST.test(b.path)));

/** Routes that take a file (multipart): their fields go with a small file (a list with the side's person). */
const UPLOAD = /\/(documents|imports|report-templates|versions|supersede)$/;
const fileOf = (v: Values) => `Фамилия;Имя;Дата рождения\n${v.lastName};${v.firstName};01.01.1990\n`;

interface Answer {
  status: number;
  text: string;
  location: string;
  /** The texts the request carried: the answer may echo them. */
  sent: string[];
}

/** Pages get the ids and the person in two requests (see formBody); the API its schema's fields each time. */
type Part = 'ids' | 'person';

async function send(who: Who, r: RouteDef, url: string, v: Values, part: Part = 'ids'): Promise<Answer> {
  const actor = w.actors[who];
  const full = r.kind === 'api' ? `/api/v1${url}` : url;
  const fields = r.kind === 'api' ? apiBody(r.body, v) : { ...formBody(v, part), _csrf: csrf[who] };
  const sent = sentIn(fields);
  let req: request.Test =
    r.kind === 'api'
      ? api()[r.method](full).set('Authorization', actor.auth)
      : actor.agent[r.method](full).redirects(0);
  if (UPLOAD.test(r.path)) {
    for (const [k, val] of Object.entries(fields)) if (typeof val === 'string') req = req.field(k, val);
    req = req.attach('file', Buffer.from(fileOf(v), 'utf8'), 'spisok.csv');
    sent.push(v.lastName, v.firstName);
  } else req = r.kind === 'api' ? req.send(fields) : req.type('form').send(fields);
  const res = await req.buffer(true).parse(collect);
  let text = await textOf(res);
  const location = String(res.headers.location ?? '');
  // The page a redirect leads to (its flash is shown there), followed once.
  if (r.kind === 'page' && res.status >= 300 && res.status < 400 && location.startsWith('/'))
    text += `\n${await textOf(await actor.agent.get(location).redirects(0).buffer(true).parse(collect))}`;
  return { status: res.status, text, location, sent };
}

/** One probe with A's ids in the path: a 500 or anything of B not sent is a failure. */
async function probeOwn(who: Who, r: RouteDef, url: string, v: Values, part: Part, variant: string) {
  const a = await send(who, r, url, v, part);
  probes++;
  const name = `${who} ${r.method.toUpperCase()} ${r.kind} ${r.path} (${variant} in body)`;
  const out = a.status >= 500 ? [`${name}: status ${a.status}`] : [];
  // No exception, not even the API's 409 DUPLICATE_PERSON: outside the caller's scope its `existing.memberId` is a
  // stand-in (members.service duplicateError), never B's member id.
  const leaks = leaksIn(a.text, a.sent, w.bIds);
  return leaks.length > 0 ? [...out, `${name}: ${leaks.join(', ')}`] : out;
}

/** Side A with the actor's own organisation first: the organisation its probes name in the path. */
function ownSide(who: Who): Side {
  const mine = { primChair: A.prim.id, terrChair: A.terr.id, viewer: A.region.id, registrar: A.region.id }[who];
  return { ...A, ids: { ...A.ids, org: [mine, ...A.ids.org.filter((id) => id !== mine)] } };
}

/** Before any lookup a request may be refused as malformed, forbidden or unprocessable; after it only 404. */
const REFUSED = new Set([400, 403, 404, 422, 429]);
const failures: string[] = [];
let probes = 0;
/** Routes probed with B's ids in the path (the others have no id of a side in it). */
const withBPath = new Set<string>();
const started = Date.now();

describe('no write of side A answers with, or acts on, anything of the sibling region B', () => {
  it('B’s ids in the path: 404 (or refused before the lookup) and nothing of B', async () => {
    for (const who of WHO)
      for (const r of writes()) {
        const urls = [urlsFor(r.path, B, { fallback: true })[0]];
        if ((r.path.match(/:/g) ?? []).length > 1)
          urls.push(urlsFor(r.path, B, { fallback: true, mixed: ownSide(who) })[0]);
        for (const url of urls.filter((u) => u && !urlsFor(r.path, A, { fallback: true }).includes(u))) {
          withBPath.add(`${r.kind} ${r.method} ${r.path}`);
          const a = await send(who, r, url, aValues);
          probes++;
          const name = `${who} ${r.method.toUpperCase()} ${r.kind} ${url} (B in path)`;
          // Another answer is a leak only when it differs from the answer for an id no record has (e.g. a 409 for
          // A's published survey, whatever question id follows): then it says something about B's record.
          if (!REFUSED.has(a.status)) {
            const none = await send(
              who,
              r,
              w.bIds.reduce((u, id) => u.split(id).join(NO_SUCH_ID), url),
              aValues,
            );
            if (none.status !== a.status) failures.push(`${name}: status ${a.status} ${a.location}`);
          }
          const leaks = leaksIn(a.text, a.sent, w.bIds);
          if (leaks.length > 0) failures.push(`${name}: ${leaks.join(', ')}`);
        }
      }
    expect(failures).toEqual([]);
  }, 600_000);

  // The ids first, with a person no one is (so a name of B in an answer was never typed), then B's person typed in
  // (which renames or creates records of A under B's names: after all the id probes, so those answers stay clean).
  it('A’s ids in the path, B’s ids and card number in every field: nothing of B beyond what was sent', async () => {
    const own: string[] = [];
    for (const who of WHO)
      for (const r of writes()) {
        const mine = ownSide(who);
        const url = r.path.includes(':') ? urlsFor(r.path, mine, { fallback: true })[0] : r.path;
        // All of B's ids, then the actor's own organisation with B's records (a member of B in A's list).
        const ids = withPerson(bValues, NOBODY);
        for (const [variant, values] of [
          ['B ids', ids],
          ['own org, B records', { ...ids, orgId: mine.ids.org[0] }],
        ] as const)
          own.push(...(await probeOwn(who, r, url, values, 'ids', variant)));
      }
    expect(own).toEqual([]);
  }, 600_000);

  it('A’s ids in the path, B’s person typed in (names, birth date, e-mail): nothing of B beyond what was sent', async () => {
    const own: string[] = [];
    for (const who of WHO)
      for (const r of writes()) {
        const mine = ownSide(who);
        const url = r.path.includes(':') ? urlsFor(r.path, mine, { fallback: true })[0] : r.path;
        const values = withPerson(valuesOf(mine, NOBODY), bValues);
        own.push(...(await probeOwn(who, r, url, values, 'person', 'B person')));
      }
    expect(own).toEqual([]);
  }, 600_000);

  it('after the whole sweep every row of B is as it was', async () => {
    const after = await snapshotOf(B);
    const gone = before.filter((row) => !after.includes(row));
    // A new pending request to move B's member into A is A's «transfer here» (B's chair decides it): B's rows stay.
    const asked = (row: string) =>
      row.startsWith('TransferRequest ') &&
      row.includes('"status": "PENDING"') &&
      A.ids.org.some((id) => row.includes(`"toOrgId": "${id}"`));
    const added = after.filter((row) => !before.includes(row) && !asked(row));
    expect({ gone, added }).toEqual({ gone: [], added: [] });
    expect(before.length).toBeGreaterThan(40); // B's rows were there to compare
  });

  it('the sweep covered every write route', () => {
    console.log(
      `leak-writes: ${writes().length} routes (${withBPath.size} with B in the path), ${probes} probes, ` +
        `${Math.round((Date.now() - started) / 1000)} s`,
    );
    expect(writes().length).toBeGreaterThan(100);
    expect(withBPath.size).toBeGreaterThan(80);
  });
});

/**
 * The member side's leak sweep: every route a member's session or token may call (the route table's
 * `member-self` routes, pages and API), asked by a member of a school with the ids, names and card number of
 * another member of the SAME school and of a member of another region in every query field and every form or body
 * field. No answer may carry anything of the other two, and nothing of theirs may change: a member's side shows
 * and changes only the member's own record, whatever is sent.
 */
import type request from 'supertest';
import { api, buildTree, useDb, type Tree } from '../helpers';
import { ROUTES, type RouteDef } from '../../src/http/route';
import { db } from '../../src/db';
import { buildMember } from '../../src/seed/builders.repo';
import { virtualCard } from '../cards/support';
import { memberAgent, memberToken } from './support';

useDb();

let t: Tree;
let agent: request.Agent;
let token: string;
/** The other two members: their marks (lower case) and ids. */
const others: { marks: string[]; ids: string[]; memberIds: string[]; personIds: string[] } = {
  marks: ['соседкин', 'чужанова', 'дальняя'],
  ids: [],
  memberIds: [],
  personIds: [],
};

async function snapshot(): Promise<string> {
  const [members, persons, consents, cards, corrections] = await Promise.all([
    db().member.findMany({ where: { id: { in: others.memberIds } }, orderBy: { id: 'asc' } }),
    db().person.findMany({ where: { id: { in: others.personIds } }, orderBy: { id: 'asc' } }),
    db().consent.findMany({ where: { personId: { in: others.personIds } }, orderBy: { id: 'asc' } }),
    db().card.findMany({ where: { memberId: { in: others.memberIds } }, orderBy: { id: 'asc' } }),
    db().correctionRequest.findMany({ where: { personId: { in: others.personIds } }, orderBy: { id: 'asc' } }),
  ]);
  return JSON.stringify({ members, persons, consents, cards, corrections });
}

let before = '';
beforeAll(async () => {
  t = await buildTree();
  await buildMember({ org: t.primA1, lastName: 'Своялова', email: 'own-member@example.ru' });
  const neighbour = await buildMember({
    org: t.primA1,
    lastName: 'Соседкина',
    firstName: 'Чужанова',
    email: 'neighbour@example.ru',
    phone: '+79995554433',
    consents: { bonusProgramme: true, messaging: true },
  });
  const far = await buildMember({ org: t.primB1, lastName: 'Дальняя', email: 'far@example.ru' });
  for (const m of [neighbour, far]) {
    const card = await virtualCard(m.memberId === far.memberId ? t.primB1 : t.primA1, m.memberId);
    others.ids.push(m.memberId, m.personId, card.id, card.number);
    others.memberIds.push(m.memberId);
    others.personIds.push(m.personId);
  }
  others.ids.push(t.primB1.id);
  agent = await memberAgent('own-member@example.ru');
  token = await memberToken('own-member@example.ru');
  before = await snapshot();
}, 60_000);

/** Values of the other members put in every field a request may read. */
function values(): string[] {
  return [...others.ids, 'Соседкина', 'neighbour@example.ru', '+79995554433'];
}
const FIELDS = [
  'id',
  'memberId',
  'personId',
  'member',
  'person',
  'card',
  'cardNumber',
  'number',
  'org',
  'orgId',
  'organisationId',
  'email',
  'phone',
  'contact',
  'q',
  'kind',
];

function leaksIn(text: string, sent: string): string[] {
  const rest = text.split(sent).join('').split(encodeURIComponent(sent)).join('');
  const low = rest.toLowerCase();
  return [...others.marks.filter((m) => low.includes(m)), ...others.ids.filter((id) => rest.includes(id))];
}

function answerText(res: request.Response): string {
  const body = Buffer.isBuffer(res.body) ? res.body.toString('latin1') : (res.text ?? JSON.stringify(res.body));
  return `${JSON.stringify(res.headers)}\n${body}`;
}

const memberRoutes = (): RouteDef[] => ROUTES.all().filter((r) => r.action === 'member-self');

describe('a member’s side never shows or changes another member', () => {
  const found: string[] = [];
  let probes = 0;

  it('every member route, with the other members’ ids, names and contacts in every field', async () => {
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/me')).text)![1];
    for (const r of memberRoutes()) {
      // Signing out would end the sweep's session: it is asked last, below.
      if (r.path === '/me/logout') continue;
      const url = r.kind === 'api' ? `/api/v1${r.path}` : r.path;
      for (const v of values()) {
        const q = FIELDS.map((f) => `${f}=${encodeURIComponent(v)}`).join('&');
        const fields = Object.fromEntries(FIELDS.map((f) => [f, v]));
        let res: request.Response;
        if (r.method === 'get')
          res =
            r.kind === 'api'
              ? await api().get(`${url}?${q}`).set('Authorization', token)
              : await agent.get(`${url}?${q}`).redirects(0);
        else if (r.kind === 'api') res = await api()[r.method](url).set('Authorization', token).send(fields);
        else
          res = await agent[r.method](url)
            .type('form')
            .send({ ...fields, _csrf: csrf })
            .redirects(0);
        probes++;
        const leaks = leaksIn(answerText(res), v);
        if (res.status >= 500 || leaks.length) found.push(`${r.method} ${url} ${res.status}: ${leaks.join(', ')}`);
        // Where a page redirects (a form sent), the page it leads to with its confirmation is checked too.
        if (res.status === 303 && res.headers.location?.startsWith('/me')) {
          const next = await agent.get(res.headers.location).redirects(0);
          const more = leaksIn(answerText(next), v);
          if (more.length) found.push(`${r.method} ${url} → ${res.headers.location}: ${more.join(', ')}`);
        }
      }
    }
    expect(found).toEqual([]);
    expect(probes).toBeGreaterThan(100);
  }, 120_000);

  it('the sweep reached the member’s own pages, and nothing of the others changed', async () => {
    const page = await agent.get('/me');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Своялова');
    expect(await snapshot()).toBe(before);
    expect((await agent.get('/me/logout').redirects(0)).status).toBeLessThan(500);
  });
});

/**
 * A document's audience (kinds, roles, chosen organisations) decides who sees it, and the publisher's
 * download roll-up per child organisation equals a direct count of the download rows of the addressed users.
 */
import { db } from '../../src/db';
import { api, bearer, buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';
import { binary, pdfWithText, publish } from './support';

useDb();

let t: Tree;
let pubAuth: string;
let pubLogin: string;
const u = {} as Record<'primA1' | 'primA2' | 'primA3' | 'terrA1' | 'viewerA1' | 'primB1', { id: string; auth: string }>;

beforeAll(async () => {
  t = await buildTree();
  const pub = await userWith('CHAIR', t.regionA);
  pubAuth = await bearer(pub.id);
  pubLogin = pub.login;
  const mk = async (role: 'CHAIR' | 'VIEWER', org: { id: string }) => {
    const x = await userWith(role, org);
    return { id: x.id, auth: await bearer(x.id) };
  };
  u.primA1 = await mk('CHAIR', t.primA1);
  u.primA2 = await mk('CHAIR', t.primA2);
  u.primA3 = await mk('CHAIR', t.primA3);
  u.terrA1 = await mk('CHAIR', t.terrA1);
  u.viewerA1 = await mk('VIEWER', t.primA1);
  u.primB1 = await mk('CHAIR', t.primB1);
});

const sees = async (auth: string, id: string) =>
  (await api().get(`/api/v1/documents/${id}`).set('Authorization', auth)).status === 200;

it('kinds, roles and chosen organisations narrow who sees it', async () => {
  const pdf = await pdfWithText('Памятка', ['Памятка председателю первичной организации.']);
  const r = await publish(
    pubAuth,
    t.regionA.id,
    { title: 'Памятка председателю ППО', kind: 'METHODICAL', audienceKinds: 'PRIMARY', audienceRoles: 'CHAIR' },
    pdf,
  );
  expect(r.status).toBe(201);
  expect(r.body.addressed).toBe(3); // the chairs of primaries A1, A2, A3
  const id = r.body.id as string;
  expect(await sees(u.primA1.auth, id)).toBe(true);
  expect(await sees(u.primA3.auth, id)).toBe(true);
  expect(await sees(u.terrA1.auth, id)).toBe(false); // a territorial organisation
  expect(await sees(u.viewerA1.auth, id)).toBe(false); // not a chair
  expect(await sees(u.primB1.auth, id)).toBe(false); // another region
  expect(await sees(pubAuth, id)).toBe(true); // the publisher

  const only = await publish(
    pubAuth,
    t.regionA.id,
    { title: 'Только району А1', kind: 'OTHER', audienceOrgIds: t.terrA1.id },
    pdf,
  );
  expect(only.status).toBe(201);
  expect(await sees(u.primA1.auth, only.body.id)).toBe(true);
  expect(await sees(u.terrA1.auth, only.body.id)).toBe(true);
  expect(await sees(u.primA3.auth, only.body.id)).toBe(false);

  const outside = await publish(
    pubAuth,
    t.regionA.id,
    { title: 'Чужая организация', kind: 'OTHER', audienceOrgIds: t.primB1.id },
    pdf,
  );
  expect(outside.status).toBe(400);
  expect(outside.body.error.fields.audienceOrgIds).toMatch(/в структуру публикующей организации/);
});

it('the download roll-up per child organisation equals a direct count', async () => {
  const pdf = await pdfWithText('Инструкция', ['Текст инструкции.']);
  const r = await publish(pubAuth, t.regionA.id, { title: 'Инструкция по отчётности', kind: 'METHODICAL' }, pdf);
  const id = r.body.id as string;
  for (const who of [u.primA1, u.primA1, u.viewerA1, u.primA3]) {
    const f = await api().get(`/api/v1/documents/${id}/file`).set('Authorization', who.auth).buffer(true).parse(binary);
    expect(f.status).toBe(200);
  }
  // Direct count: distinct downloaders per direct child of region A.
  const direct = await db().$queryRaw<{ child: string; n: number }[]>`
    SELECT split_part(substr(o.path, length(p.path) + 1), '/', 1) AS child, count(DISTINCT d."userId")::int AS n
    FROM "DocumentDownload" d JOIN "RoleAssignment" ra ON ra."userId" = d."userId"
    JOIN "Organisation" o ON o.id = ra."organisationId" JOIN "Organisation" p ON p.id = ${t.regionA.id}::uuid
    WHERE d."documentId" = ${id}::uuid GROUP BY 1`;
  expect(Object.fromEntries(direct.map((x) => [x.child, x.n]))).toEqual({ [t.terrA1.id]: 2, [t.terrA2.id]: 1 });

  const agent = await loginAs(pubLogin);
  const page = await agent.get(`/documents/${id}`);
  expect(page.status).toBe(200);
  const row = (name: string) => {
    const m = new RegExp(`<td data-label="Организация">${name}</td><td[^>]*>(\\d+)</td><td[^>]*>(\\d+)</td>`).exec(
      page.text,
    );
    return m ? [Number(m[1]), Number(m[2])] : null;
  };
  const addressedA1 = await db().audienceMember.count({
    where: { itemType: 'DOCUMENT', itemId: id, childId: t.terrA1.id },
  });
  expect(row('Районная А1')).toEqual([addressedA1, 2]);
  expect(row('Районная А2')?.[1]).toBe(1);
  expect(page.text).toContain('Ещё не скачали');
  // A reader does not see the figures.
  const reader = await (await import('../helpers')).loginAs((await userWith('CHAIR', t.primA2)).login);
  expect((await reader.get(`/documents/${id}`)).text).not.toContain('Ещё не скачали');
});

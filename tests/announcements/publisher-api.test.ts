/**
 * What the publisher's pages do, through the API: reminders (announcement, document, survey) reach only who has
 * not done it and say 422 when nobody is left; taking an announcement down; marking a document superseded (and
 * clearing it); download counts per child equal a direct count.
 */
import { db } from '../../src/db';
import { api, bearer, buildTree, useDb, userWith, type Tree } from '../helpers';
import { pdfWithText, publish } from '../library/support';

useDb();

let t: Tree;
let pubAuth: string;
const u = {} as Record<'done' | 'late' | 'far', { id: string; auth: string }>;

beforeAll(async () => {
  t = await buildTree();
  pubAuth = await bearer((await userWith('CHAIR', t.regionA)).id);
  for (const [k, org] of [
    ['done', t.primA1],
    ['late', t.primA2],
    ['far', t.primA3],
  ] as const) {
    const x = await userWith('CHAIR', org);
    u[k] = { id: x.id, auth: await bearer(x.id) };
  }
});

const post = (path: string, body: Record<string, unknown> = {}) =>
  api().post(`/api/v1${path}`).set('Authorization', pubAuth).send(body);
const frozenUsers = async (announcementId: string) =>
  (await db().audienceMember.findMany({ where: { itemId: announcementId }, select: { userId: true } }))
    .map((m) => m.userId)
    .sort();

describe('the publisher through the API', () => {
  it('reminds the not-yet-read of an announcement, then nobody (422); takes it down (409 the second time)', async () => {
    const a = await post(`/orgs/${t.regionA.id}/announcements`, {
      title: 'Сдать отчёты',
      body: 'До пятницы',
      audience: { kinds: ['PRIMARY'] },
    });
    expect(a.status).toBe(201);
    await api().get(`/api/v1/announcements/${a.body.id}`).set('Authorization', u.done.auth);
    const r = await post(`/announcements/${a.body.id}/remind`);
    expect(r.status).toBe(201);
    expect(r.body.addressed).toBe(2);
    expect(await frozenUsers(r.body.id)).toEqual([u.late.id, u.far.id].sort());
    const unread = await api()
      .get(`/api/v1/announcements/${a.body.id}/unread?child=${t.terrA2.id}`)
      .set('Authorization', pubAuth);
    expect(unread.body).toMatchObject({ total: 1, items: [{ userId: u.far.id, organisation: { id: t.primA3.id } }] });
    const all = await api().get(`/api/v1/announcements/${a.body.id}/unread`).set('Authorization', pubAuth);
    expect(all.body.total).toBe(2);
    expect((all.body.items as { userId: string }[]).map((i) => i.userId)).not.toContain(u.done.id);
    for (const x of [u.late, u.far]) await api().get(`/api/v1/announcements/${r.body.id}`).set('Authorization', x.auth);
    const none = await post(`/announcements/${a.body.id}/remind`);
    expect(none.status).toBe(422);
    expect(none.body.error.message).toContain('напоминать некому');

    expect((await post(`/announcements/${a.body.id}/archive`)).body).toEqual({ id: a.body.id, status: 'ARCHIVED' });
    expect((await api().get(`/api/v1/announcements/${a.body.id}`).set('Authorization', u.late.auth)).status).toBe(404);
    expect((await post(`/announcements/${a.body.id}/archive`)).status).toBe(409);
  });

  it('edits the text with the version read: the earlier text stays in the history, a stale version is 409', async () => {
    const a = await post(`/orgs/${t.regionA.id}/announcements`, { title: 'Собрание', body: 'В среду', audience: {} });
    const patch = (body: Record<string, unknown>) =>
      api().patch(`/api/v1/announcements/${a.body.id}`).set('Authorization', pubAuth).send(body);
    const ok = await patch({ version: 1, body: 'В четверг', important: true, expiresAt: '2099-12-31' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id: a.body.id, version: 2 });
    const read = await api().get(`/api/v1/announcements/${a.body.id}`).set('Authorization', u.far.auth);
    expect(read.body).toMatchObject({ title: 'Собрание', body: 'В четверг', important: true, expiresAt: '2099-12-31' });
    const history = await db().announcementVersion.findMany({ where: { announcementId: a.body.id } });
    expect(history).toMatchObject([{ version: 1, body: 'В среду', important: false }]);
    expect((await patch({ version: 1, body: 'Чужая правка' })).status).toBe(409);
    const bad = await patch({ version: 2, title: 'О', expiresAt: '1999-01-01', extra: 1 });
    expect(bad.status).toBe(400);
    expect((await patch({ version: 2, expiresAt: '1999-01-01' })).body.error.fields.expiresAt).toContain('раньше');
    expect((await db().announcement.findUniqueOrThrow({ where: { id: a.body.id } })).body).toBe('В четверг');
  });

  it('reminds the not-yet-downloaded of a document; its downloads per child equal a direct count', async () => {
    const file = await pdfWithText('Положение', ['Текст положения']);
    const d = await publish(pubAuth, t.regionA.id, { title: 'Положение о премировании', kind: 'NORMATIVE' }, file);
    expect(d.status).toBe(201);
    const got = await api().get(`/api/v1/documents/${d.body.id}/file`).set('Authorization', u.done.auth);
    expect(got.status).toBe(200);
    const dl = await api().get(`/api/v1/documents/${d.body.id}/downloads`).set('Authorization', pubAuth);
    expect(dl.status).toBe(200);
    const direct = await db().audienceMember.count({ where: { itemId: d.body.id, doneAt: { not: null } } });
    expect(dl.body.downloaded).toBe(direct);
    expect(dl.body.downloaded).toBe(1);
    const a1 = (dl.body.children as { id: string; addressed: number; downloaded: number; percent: number }[]).find(
      (c) => c.id === t.terrA1.id,
    );
    expect(a1).toMatchObject({ downloaded: 1, percent: expect.any(Number) });
    expect(a1!.percent).toBe(Math.round((1000 * 1) / a1!.addressed) / 10);

    const nd = await api()
      .get(`/api/v1/documents/${d.body.id}/not-downloaded?pageSize=1`)
      .set('Authorization', pubAuth);
    expect(nd.body).toMatchObject({ total: 3, pageSize: 1 }); // late, far and the publisher (all addressed)
    expect(nd.body.items).toHaveLength(1);
    const r = await post(`/documents/${d.body.id}/remind`);
    expect(r.status).toBe(201);
    expect(await frozenUsers(r.body.id)).not.toContain(u.done.id);
    expect(await frozenUsers(r.body.id)).toContain(u.late.id);
  });

  it('marks a document superseded by another, refuses a bad replacement naming the field, clears the mark', async () => {
    const file = await pdfWithText('Инструкция', ['Текст']);
    const old = (await publish(pubAuth, t.regionA.id, { title: 'Инструкция 2019', kind: 'METHODICAL' }, file)).body
      .id as string;
    const repl = (await publish(pubAuth, t.regionA.id, { title: 'Инструкция 2026', kind: 'METHODICAL' }, file)).body
      .id as string;
    const other = (
      await publish(
        await bearer((await userWith('CHAIR', t.regionB)).id),
        t.regionB.id,
        {
          title: 'Чужая инструкция',
          kind: 'METHODICAL',
        },
        file,
      )
    ).body.id as string;

    const bad = await post(`/documents/${old}/supersede`, { by: other });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.by).toContain('той же организации');
    expect(JSON.stringify(bad.body)).not.toContain('Чужая инструкция');
    expect((await post(`/documents/${old}/supersede`, { by: 'нет' })).status).toBe(400);
    expect((await db().document.findUniqueOrThrow({ where: { id: old } })).supersededAt).toBeNull();

    const ok = await post(`/documents/${old}/supersede`, { by: repl });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id: old, superseded: true, supersededBy: { id: repl } });
    const seen = await api().get(`/api/v1/documents/${old}`).set('Authorization', u.far.auth);
    expect(seen.body).toMatchObject({ superseded: true, supersededBy: { id: repl } });
    const cleared = await post(`/documents/${old}/supersede`, { clear: true });
    expect(cleared.body).toEqual({ id: old, superseded: false, supersededBy: null });
  });

  it('reminds the not-yet-answered of an open survey; a closed one is 409', async () => {
    const s = await post(`/orgs/${t.regionA.id}/surveys`, {
      title: 'Опрос о нагрузке',
      kind: 'SURVEY',
      audience: { kinds: ['PRIMARY'] },
      closesAt: new Date(Date.now() + 3600_000).toISOString(),
      questions: [{ code: 'q', text: 'Как нагрузка?', type: 'TEXT' }],
    });
    expect(s.status).toBe(201);
    await api()
      .post(`/api/v1/surveys/${s.body.id}/responses`)
      .set('Authorization', u.done.auth)
      .send({ answers: { q: 'Большая' } });
    const waiting = await api().get(`/api/v1/surveys/${s.body.id}/not-answered`).set('Authorization', pubAuth);
    expect((waiting.body.items as { userId: string }[]).map((i) => i.userId).sort()).toEqual(
      [u.late.id, u.far.id].sort(),
    );
    const r = await post(`/surveys/${s.body.id}/remind`);
    expect(r.status).toBe(201);
    expect(await frozenUsers(r.body.id)).toEqual([u.late.id, u.far.id].sort());
    await db().survey.update({
      where: { id: s.body.id },
      data: { opensAt: new Date(Date.now() - 7200_000), closesAt: new Date(Date.now() - 1000) },
    });
    const closed = await post(`/surveys/${s.body.id}/remind`);
    expect(closed.status).toBe(409);
    expect(closed.body.error.message).toBe('Опрос не открыт: напоминать не о чем');
  });
});

it('the OpenAPI document describes the publisher’s routes', async () => {
  const doc = (await api().get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  for (const [path, method] of [
    ['/api/v1/announcements/{id}', 'patch'],
    ['/api/v1/announcements/{id}/remind', 'post'],
    ['/api/v1/announcements/{id}/archive', 'post'],
    ['/api/v1/announcements/{id}/unread', 'get'],
    ['/api/v1/documents/{id}/supersede', 'post'],
    ['/api/v1/documents/{id}/downloads', 'get'],
    ['/api/v1/documents/{id}/remind', 'post'],
    ['/api/v1/documents/{id}/not-downloaded', 'get'],
    ['/api/v1/surveys/{id}/remind', 'post'],
    ['/api/v1/surveys/{id}/not-answered', 'get'],
    ['/api/v1/surveys/{id}/results/export', 'get'],
    ['/api/v1/surveys/{id}/answers/export', 'get'],
  ])
    expect(doc.paths[path]?.[method]).toBeDefined();
});

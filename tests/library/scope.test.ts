/**
 * Who sees a document: users at or below the publishing organisation (and its publishers), never another
 * branch; publishing is the publisher's right in its own subtree only (outside → 404, no right → 403).
 */
import crypto from 'node:crypto';
import { api, bearer, buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';
import { libraryCounts, pdfWithText, publish } from './support';

useDb();

let t: Tree;
const auth = {} as Record<'pub' | 'below' | 'other' | 'viewer' | 'primChair', string>;
let docId: string;

beforeAll(async () => {
  t = await buildTree();
  auth.pub = await bearer((await userWith('CHAIR', t.regionA)).id);
  auth.below = await bearer((await userWith('VIEWER', t.primA3)).id);
  auth.other = await bearer((await userWith('CHAIR', t.regionB)).id);
  auth.viewer = await bearer((await userWith('VIEWER', t.regionA)).id);
  auth.primChair = await bearer((await userWith('CHAIR', t.primA1)).id);
  const pdf = await pdfWithText('Инструкция', ['Секретное слово: кориандр.']);
  docId = (await publish(auth.pub, t.regionA.id, { title: 'Инструкция по делопроизводству', kind: 'METHODICAL' }, pdf))
    .body.id;
});

const ids = async (a: string, q = '') =>
  ((await api().get(`/api/v1/documents${q}`).set('Authorization', a)).body.items as { id: string }[]).map((d) => d.id);

describe('reading', () => {
  it('the publisher and users below see it; another region does not, by id, file or search', async () => {
    expect(await ids(auth.pub)).toContain(docId);
    expect(await ids(auth.below, '?q=кориандр')).toEqual([docId]);
    expect((await api().get(`/api/v1/documents/${docId}`).set('Authorization', auth.below)).status).toBe(200);

    expect(await ids(auth.other)).not.toContain(docId);
    expect(await ids(auth.other, '?q=кориандр')).toEqual([]);
    const outside = await api().get(`/api/v1/documents/${docId}`).set('Authorization', auth.other);
    const absent = await api().get(`/api/v1/documents/${crypto.randomUUID()}`).set('Authorization', auth.other);
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual(absent.body);
    expect((await api().get(`/api/v1/documents/${docId}/file`).set('Authorization', auth.other)).status).toBe(404);
  });

  it('a document of a lower organisation is not shown above or beside it', async () => {
    const low = (
      await publish(
        auth.primChair,
        t.primA1.id,
        { title: 'Протокол собрания ППО', kind: 'OTHER' },
        await pdfWithText('Протокол', ['текст']),
      )
    ).body.id as string;
    expect(await ids(auth.primChair)).toContain(low);
    expect(await ids(auth.below)).not.toContain(low); // primA3 is a cousin
    expect(await ids(auth.pub)).toContain(low); // region A publishes in its subtree and sees what is there
    expect(await ids(auth.other)).not.toContain(low);
  });

  it('anonymous: 401 from the API, the login page for pages', async () => {
    expect((await api().get('/api/v1/documents')).status).toBe(401);
    expect((await api().get(`/api/v1/documents/${docId}/file`)).status).toBe(401);
    const page = await api().get(`/documents/${docId}`);
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login');
  });
});

describe('publishing', () => {
  it('outside the subtree is 404, without the right 403, and nothing is saved', async () => {
    const before = await libraryCounts();
    const pdf = await pdfWithText('x', ['y']);
    expect((await publish(auth.primChair, t.regionA.id, { title: 'Чужой', kind: 'OTHER' }, pdf)).status).toBe(404);
    expect((await publish(auth.other, t.primA1.id, { title: 'Чужой', kind: 'OTHER' }, pdf)).status).toBe(404);
    expect((await publish(auth.viewer, t.regionA.id, { title: 'Без права', kind: 'OTHER' }, pdf)).status).toBe(403);
    const v = await api()
      .post(`/api/v1/documents/${docId}/versions`)
      .set('Authorization', auth.primChair)
      .field('note', 'Подмена')
      .attach('file', pdf, 'x.pdf');
    expect(v.status).toBe(404);
    expect(await libraryCounts()).toEqual(before);
  });

  it('the page list and the document page work for a reader below', async () => {
    const { login } = await userWith('CHAIR', t.terrA2);
    const agent = await loginAs(login);
    const list = await agent.get('/library?q=кориандр');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Инструкция по делопроизводству');
    const page = await agent.get(`/documents/${docId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Скачать');
    expect(page.text).not.toContain('Новая версия');
    const file = await agent.get(`/documents/${docId}/file`);
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toMatch(/^attachment;/);
  });
});

/**
 * An announcement's attachment from the library: chosen from a list of the documents of the publisher and the
 * organisations above it, named and linked on the announcement for its readers; a document of another branch
 * is refused (form and API) and nothing is saved.
 */
import { api, bearer, buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { pdfWithText, publish } from '../library/support';

useDb();

let t: Tree;
let centralDoc: string;
let otherDoc: string;
let chair: { id: string; login: string };

beforeAll(async () => {
  t = await buildTree();
  chair = await userWith('CHAIR', t.regionA);
  const pdf = await pdfWithText('Положение', ['Текст']);
  const central = await bearer((await userWith('CHAIR', t.central)).id);
  centralDoc = (await publish(central, t.central.id, { title: 'Положение о конкурсе', kind: 'NORMATIVE' }, pdf)).body
    .id as string;
  const other = await bearer((await userWith('CHAIR', t.regionB)).id);
  otherDoc = (await publish(other, t.regionB.id, { title: 'Документ соседей', kind: 'OTHER' }, pdf)).body.id as string;
});

describe('an announcement with a document from the library', () => {
  it('offers the documents from above, links the chosen one by title for a reader below', async () => {
    const agent = await loginAs(chair.login);
    const form = await agent.get(`/orgs/${t.regionA.id}/announcements/new`);
    expect(form.text).toContain(`<option value="${centralDoc}"`);
    expect(form.text).toContain('Положение о конкурсе');
    expect(form.text).not.toContain(otherDoc);
    const res = await postForm(
      agent,
      `/orgs/${t.regionA.id}/announcements/new`,
      `/orgs/${t.regionA.id}/announcements`,
      {
        title: 'Конкурс объявлен',
        body: 'Положение — в библиотеке.',
        attachmentId: centralDoc,
        publish: '1',
      },
    );
    expect(res.status).toBe(303);
    const id = /\/announcements\/([0-9a-f-]{36})/.exec(res.headers.location)![1];
    const reader = await loginAs((await userWith('VIEWER', t.primA1)).login);
    const page = await reader.get(`/announcements/${id}`);
    expect(page.text).toContain(`<a href="/documents/${centralDoc}">Положение о конкурсе</a>`);
  });

  it('refuses a document of another branch with a Russian message, keeping what was typed; nothing saved', async () => {
    const agent = await loginAs(chair.login);
    const before = await db().announcement.count();
    const res = await postForm(
      agent,
      `/orgs/${t.regionA.id}/announcements/new`,
      `/orgs/${t.regionA.id}/announcements`,
      {
        title: 'Чужой документ',
        body: 'Текст, который остаётся',
        attachmentId: otherDoc,
        publish: '1',
      },
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('Выберите документ из библиотеки публикующей организации или вышестоящих');
    expect(res.text).toContain('Текст, который остаётся');
    expect(res.text).not.toContain('Документ соседей');
    const viaApi = await api()
      .post(`/api/v1/orgs/${t.regionA.id}/announcements`)
      .set('Authorization', await bearer(chair.id))
      .send({ title: 'Чужой документ', body: 'Т', audience: {}, attachmentId: otherDoc });
    expect(viaApi.status).toBe(400);
    expect(await db().announcement.count()).toBe(before);
  });
});

/**
 * Reminders about a document (to who has not downloaded it) and a survey (to who has not answered it): an
 * important announcement shown to those users only — never to who already did it, nor to anyone else in the
 * publisher's subtree; nobody left to remind is said in a flash.
 */
import { api, bearer, buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import { pdfWithText, publish } from '../library/support';

useDb();

let t: Tree;
let pub: { id: string; login: string };
let pubAuth: string;
const u = {} as Record<'done' | 'late', { id: string; login: string; auth: string }>;

beforeAll(async () => {
  t = await buildTree();
  pub = await userWith('CHAIR', t.terrA1);
  pubAuth = await bearer(pub.id);
  for (const [k, org] of [
    ['done', t.primA1],
    ['late', t.primA2],
  ] as const) {
    const x = await userWith('CHAIR', org);
    u[k] = { ...x, auth: await bearer(x.id) };
  }
});

const feedIds = async (auth: string) =>
  ((await api().get('/api/v1/announcements').set('Authorization', auth)).body.items as { id: string }[]).map(
    (i) => i.id,
  );
const newest = async (auth: string) =>
  (
    (await api().get('/api/v1/announcements').set('Authorization', auth)).body.items as { id: string; title: string }[]
  )[0];

describe('reminders', () => {
  it('about a document reach only who has not downloaded it, with the document attached', async () => {
    const pdf = await pdfWithText('Порядок', ['Текст']);
    const doc = (
      await publish(pubAuth, t.terrA1.id, { title: 'Порядок учёта', kind: 'NORMATIVE', audienceKinds: 'PRIMARY' }, pdf)
    ).body.id as string;
    expect((await api().get(`/api/v1/documents/${doc}/file`).set('Authorization', u.done.auth)).status).toBe(200);
    const before = { done: await feedIds(u.done.auth), pub: await feedIds(pubAuth) };

    const agent = await loginAs(pub.login);
    const page = await agent.get(`/documents/${doc}`);
    expect(page.text).toContain(`action="/documents/${doc}/remind"`);
    const res = await postForm(agent, `/documents/${doc}`, `/documents/${doc}/remind`, {});
    expect(res.status).toBe(303);
    expect((await agent.get(`/documents/${doc}`)).text).toContain('Напоминание отправлено: адресатов 1');

    const reminder = await newest(u.late.auth);
    expect(reminder.title).toBe('Напоминание: скачайте документ «Порядок учёта»');
    expect(await feedIds(u.done.auth)).toEqual(before.done);
    expect(await feedIds(pubAuth)).toEqual(before.pub);
    const late = await loginAs(u.late.login);
    expect((await late.get(`/announcements/${reminder.id}`)).text).toContain(
      `<a href="/documents/${doc}">Порядок учёта</a>`,
    );
    // Not visible by id to who already downloaded it.
    expect((await api().get(`/api/v1/announcements/${reminder.id}`).set('Authorization', u.done.auth)).status).toBe(
      404,
    );
  });

  it('about a survey reach only who has not answered; when all answered, a flash says nobody is left', async () => {
    const s = await api()
      .post(`/api/v1/orgs/${t.terrA1.id}/surveys`)
      .set('Authorization', pubAuth)
      .send({
        title: 'Опрос о нагрузке',
        kind: 'SURVEY',
        audience: { kinds: ['PRIMARY'] },
        closesAt: new Date(Date.now() + 86400_000).toISOString(),
        questions: [{ code: 'q1', text: 'Ваше мнение', type: 'TEXT' }],
      });
    const id = s.body.id as string;
    const answer = (auth: string) =>
      api()
        .post(`/api/v1/surveys/${id}/responses`)
        .set('Authorization', auth)
        .send({ answers: { q1: 'Да' } });
    expect((await answer(u.done.auth)).status).toBe(201);
    const doneBefore = await feedIds(u.done.auth);

    const agent = await loginAs(pub.login);
    expect((await agent.get(`/surveys/${id}/results`)).text).toContain(`action="/surveys/${id}/remind"`);
    expect((await postForm(agent, `/surveys/${id}/results`, `/surveys/${id}/remind`, {})).status).toBe(303);
    expect((await agent.get(`/surveys/${id}/results`)).text).toContain('Напоминание отправлено: адресатов 1');
    expect((await newest(u.late.auth)).title).toBe('Напоминание: ответьте на опрос «Опрос о нагрузке»');
    expect(await feedIds(u.done.auth)).toEqual(doneBefore);

    expect((await answer(u.late.auth)).status).toBe(201);
    await postForm(agent, `/surveys/${id}/results`, `/surveys/${id}/remind`, {});
    expect((await agent.get(`/surveys/${id}/results`)).text).toContain('Напоминать некому');
  });

  it('a viewer of the publisher may not remind (403)', async () => {
    const viewer = await loginAs((await userWith('VIEWER', t.terrA1)).login);
    const pdf = await pdfWithText('Памятка', ['Текст']);
    const doc = (await publish(pubAuth, t.terrA1.id, { title: 'Памятка', kind: 'OTHER' }, pdf)).body.id as string;
    expect((await postForm(viewer, `/documents/${doc}`, `/documents/${doc}/remind`, {})).status).toBe(403);
  });
});

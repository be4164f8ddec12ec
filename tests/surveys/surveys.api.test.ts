/**
 * Surveys through the API (API.md "Informing"): publication to an audience, answering (201 first, 200 replace,
 * 409 closed, 404 not addressed, 400 naming the question), results recomputed from counts, completion per
 * child organisation equal to a direct count, and a test's score and pass rate.
 */
import { db } from '../../src/db';
import { api, bearer, buildTree, useDb, userWith, type Tree } from '../helpers';

useDb();

let t: Tree;
let pub: string;
const chairs: { id: string; auth: string; org: string }[] = [];
let outsider: string;

const Q = [
  {
    code: 'need',
    text: 'Нужно ли вам дополнительное обучение работе на компьютере?',
    type: 'ONE',
    options: [
      { code: 'yes', text: 'Да' },
      { code: 'no', text: 'Нет' },
      { code: 'delegated', text: 'Работу выполняет другой' },
    ],
  },
  {
    code: 'where',
    text: 'Где вы работаете в реестре?',
    type: 'MANY',
    options: [
      { code: 'work', text: 'На работе' },
      { code: 'home', text: 'Дома' },
    ],
  },
  { code: 'hours', text: 'Сколько часов в неделю?', type: 'NUMBER' },
  { code: 'mood', text: 'Оцените удобство', type: 'SCALE' },
  { code: 'note', text: 'Что улучшить?', type: 'TEXT' },
];
const ok = (need: string) => ({ need, where: ['work'], hours: 3, mood: 4, note: 'Больше подсказок' });
const hour = 3600_000;

beforeAll(async () => {
  t = await buildTree();
  pub = await bearer((await userWith('CHAIR', t.regionA)).id);
  for (const org of [t.primA1, t.primA1, t.primA2, t.primA3]) {
    const u = await userWith('CHAIR', org);
    chairs.push({ id: u.id, auth: await bearer(u.id), org: org.id });
  }
  outsider = await bearer((await userWith('CHAIR', t.primB1)).id);
});

const create = (body: Record<string, unknown>) =>
  api().post(`/api/v1/orgs/${t.regionA.id}/surveys`).set('Authorization', pub).send(body);
const answer = (auth: string, id: string, answers: Record<string, unknown>) =>
  api().post(`/api/v1/surveys/${id}/responses`).set('Authorization', auth).send({ answers });

describe('a survey of primary chairs', () => {
  let id: string;
  beforeAll(async () => {
    const r = await create({
      title: 'Опрос председателей первичных организаций',
      kind: 'SURVEY',
      audience: { kinds: ['PRIMARY'], roles: ['CHAIR'] },
      closesAt: new Date(Date.now() + 48 * hour).toISOString(),
      questions: Q,
    });
    expect(r.status).toBe(201);
    expect(r.body.addressed).toBe(4);
    id = r.body.id;
  });

  it('is listed for the addressed, not for another region', async () => {
    const mine = await api().get('/api/v1/surveys?open=true').set('Authorization', chairs[0].auth);
    expect(mine.body.items).toEqual([expect.objectContaining({ id, kind: 'SURVEY', answered: false })]);
    const other = await api().get('/api/v1/surveys').set('Authorization', outsider);
    expect(other.body.items).toEqual([]);
    expect((await answer(outsider, id, ok('yes'))).status).toBe(404);
  });

  it('answers: 201 first, 200 when replaced, 400 naming the question', async () => {
    const bad = await answer(chairs[0].auth, id, { ...ok('yes'), mood: 7 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(['mood']);
    expect(bad.body.error.message).toMatch(/Оцените удобство/);
    const missing = await answer(chairs[0].auth, id, { need: 'yes' });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.error.fields)).toEqual(['where']);
    expect((await answer(chairs[0].auth, id, { ...ok('yes'), need: 'maybe' })).body.error.fields).toHaveProperty(
      'need',
    );
    expect(await db().surveyResponse.count({ where: { surveyId: id } })).toBe(0);

    expect((await answer(chairs[0].auth, id, ok('no'))).status).toBe(201);
    expect((await answer(chairs[0].auth, id, ok('yes'))).status).toBe(200);
    expect((await answer(chairs[1].auth, id, ok('yes'))).status).toBe(201);
    expect((await answer(chairs[2].auth, id, { ...ok('no'), where: ['work', 'home'], mood: 2 })).status).toBe(201);
    expect(await db().surveyResponse.count({ where: { surveyId: id } })).toBe(3);
    const listed = await api().get('/api/v1/surveys').set('Authorization', chairs[0].auth);
    expect(listed.body.items[0].answered).toBe(true);
  });

  it('results: percentages recomputed from the counts, completion per child equal to a direct count', async () => {
    const r = await api().get(`/api/v1/surveys/${id}/results`).set('Authorization', pub);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ addressed: 4, answered: 3, percent: 75 });
    for (const q of r.body.questions as {
      code: string;
      answered: number;
      options: { code: string; count: number; percent: number }[];
    }[]) {
      // Counts straight from the answers table.
      const direct = await db().$queryRaw<{ code: string; n: number }[]>`
        SELECT o.code, count(a."responseId")::int AS n FROM "SurveyQuestion" q JOIN "SurveyOption" o ON o."questionId" = q.id
        LEFT JOIN "SurveyAnswer" a ON a."optionId" = o.id WHERE q."surveyId" = ${id}::uuid AND q.code = ${q.code} GROUP BY o.code`;
      for (const o of q.options) {
        if (q.code === 'need' || q.code === 'where') expect(o.count).toBe(direct.find((d) => d.code === o.code)?.n);
        expect(o.percent).toBe(Math.floor((o.count * 1000) / q.answered + 0.5) / 10);
      }
    }
    const need = r.body.questions.find((q: { code: string }) => q.code === 'need');
    expect(need.options).toEqual([
      { code: 'yes', count: 2, percent: 66.7 },
      { code: 'no', count: 1, percent: 33.3 },
      { code: 'delegated', count: 0, percent: 0 },
    ]);
    const mood = r.body.questions.find((q: { code: string }) => q.code === 'mood');
    expect(mood.options.map((o: { count: number }) => o.count)).toEqual([0, 1, 0, 2, 0]);

    const direct = await db().$queryRaw<{ child: string; addressed: number; answered: number }[]>`
      SELECT split_part(substr(o.path, length(p.path) + 1), '/', 1) AS child, count(*)::int AS addressed,
             count(sr."userId")::int AS answered
      FROM "RoleAssignment" ra JOIN "Organisation" o ON o.id = ra."organisationId"
      JOIN "Organisation" p ON p.id = ${t.regionA.id}::uuid
      LEFT JOIN "SurveyRespondent" sr ON sr."surveyId" = ${id}::uuid AND sr."userId" = ra."userId"
      WHERE o.kind = 'PRIMARY' AND ra.role = 'CHAIR' AND o.path LIKE p.path || '%' GROUP BY 1`;
    const got = Object.fromEntries(
      (r.body.children as { id: string; addressed: number; answered: number }[]).map((c) => [
        c.id,
        [c.addressed, c.answered],
      ]),
    );
    expect(got).toEqual(Object.fromEntries(direct.map((d) => [d.child, [d.addressed, d.answered]])));
  });

  it('only the publisher side reads the results', async () => {
    expect((await api().get(`/api/v1/surveys/${id}/results`).set('Authorization', chairs[0].auth)).status).toBe(404);
    expect((await api().get(`/api/v1/surveys/${id}/results`).set('Authorization', outsider)).status).toBe(404);
  });
});

it('a closed survey answers 409 and stores nothing', async () => {
  const r = await create({
    title: 'Закрытый опрос',
    kind: 'SURVEY',
    opensAt: new Date(Date.now() - 48 * hour).toISOString(),
    closesAt: new Date(Date.now() - hour).toISOString(),
    questions: [Q[0]],
  });
  expect(r.status).toBe(201);
  const res = await answer(chairs[0].auth, r.body.id, { need: 'yes' });
  expect(res.status).toBe(409);
  expect(res.body.error.message).toMatch(/закрыт/);
  expect(await db().surveyResponse.count({ where: { surveyId: r.body.id } })).toBe(0);
});

it('a test scores answers and counts who passed', async () => {
  const r = await create({
    title: 'Тест по делопроизводству',
    kind: 'TEST',
    passPercent: 60,
    closesAt: new Date(Date.now() + hour).toISOString(),
    audience: { kinds: ['PRIMARY'] },
    questions: [
      {
        code: 'a',
        text: 'Срок хранения протоколов?',
        type: 'ONE',
        points: 2,
        options: [
          { code: '1', text: '1 год' },
          { code: '5', text: '5 лет', correct: true },
        ],
      },
      {
        code: 'b',
        text: 'Что входит в учётную карточку?',
        type: 'MANY',
        points: 3,
        options: [
          { code: 'x', text: 'ФИО', correct: true },
          { code: 'y', text: 'Дата вступления', correct: true },
          { code: 'z', text: 'Зарплата' },
        ],
      },
    ],
  });
  expect(r.status).toBe(201);
  const first = await answer(chairs[0].auth, r.body.id, { a: '5', b: ['x', 'y'] });
  expect(first.status).toBe(201);
  expect(first.body.score).toBe(5);
  expect((await answer(chairs[1].auth, r.body.id, { a: '5', b: ['x'] })).body.score).toBe(2);
  expect((await answer(chairs[2].auth, r.body.id, { a: '1', b: ['y', 'x'] })).body.score).toBe(3);
  const res = (await api().get(`/api/v1/surveys/${r.body.id}/results`).set('Authorization', pub)).body;
  expect(res).toMatchObject({ passed: 2, passPercent: 60, maxScore: 5 });
  expect(res.distribution).toEqual([
    { score: 2, count: 1, percent: 33.3 },
    { score: 3, count: 1, percent: 33.3 },
    { score: 5, count: 1, percent: 33.3 },
  ]);
});

it('a bad survey definition is refused naming the field', async () => {
  const r = await create({ title: 'Без вопросов', kind: 'TEST', closesAt: 'завтра', questions: [] });
  expect(r.status).toBe(400);
  expect(Object.keys(r.body.error.fields).sort()).toEqual(expect.arrayContaining(['closesAt', 'questions']));
  const one = await create({
    title: 'Вариантов мало',
    kind: 'SURVEY',
    closesAt: new Date(Date.now() + hour).toISOString(),
    questions: [{ code: 'q', text: 'Вопрос?', type: 'ONE', options: [{ code: 'a', text: 'Да' }] }],
  });
  expect(one.status).toBe(400);
  expect(one.body.error.fields['questions.0.options']).toMatch(/двух вариантов/);
});

/**
 * GET /api/v1/surveys/:id: what a respondent needs to answer through the API — question and option codes, never the
 * correct options — and, in a named survey, their own answers in the shape the responses endpoint takes; an anonymous
 * survey says only that the caller has answered.
 */
import { api, bearer, buildTree, useDb, userWith, type Tree } from '../helpers';

useDb();

let t: Tree;
let pubAuth: string;
beforeAll(async () => {
  t = await buildTree();
  pubAuth = await bearer((await userWith('CHAIR', t.regionA)).id);
});

const QUESTIONS = [
  {
    code: 'a',
    text: 'Срок полномочий профкома?',
    type: 'ONE',
    points: 2,
    options: [
      { code: '1', text: 'Один год' },
      { code: '5', text: 'Пять лет', correct: true },
    ],
  },
  {
    code: 'b',
    text: 'Что входит в карточку?',
    type: 'MANY',
    points: 1,
    options: [
      { code: 'x', text: 'ФИО', correct: true },
      { code: 'y', text: 'Зарплата' },
    ],
  },
  { code: 'n', text: 'Сколько членов в ППО?', type: 'NUMBER' },
];

async function create(anonymous: boolean): Promise<string> {
  const r = await api()
    .post(`/api/v1/orgs/${t.regionA.id}/surveys`)
    .set('Authorization', pubAuth)
    .send({
      title: anonymous ? 'Анонимный тест' : 'Именной тест',
      kind: 'TEST',
      anonymous,
      passPercent: 50,
      audience: { kinds: ['PRIMARY'] },
      closesAt: new Date(Date.now() + 3600_000).toISOString(),
      questions: QUESTIONS,
    });
  expect(r.status).toBe(201);
  return (r.body as { id: string }).id;
}

it('gives the codes to answer with, never the correct options, then the caller’s own answers and score', async () => {
  const id = await create(false);
  const auth = await bearer((await userWith('CHAIR', t.primA1)).id);
  const before = await api().get(`/api/v1/surveys/${id}`).set('Authorization', auth);
  expect(before.status).toBe(200);
  expect(before.body).toMatchObject({
    id,
    kind: 'TEST',
    open: true,
    answered: false,
    answers: {},
    questions: [
      { code: 'a', type: 'ONE', points: 2, options: [{ code: '1', text: 'Один год' }, { code: '5' }] },
      { code: 'b', type: 'MANY' },
      { code: 'n', type: 'NUMBER' },
    ],
  });
  expect(JSON.stringify(before.body)).not.toContain('correct');
  const answers = { a: '5', b: ['x'], n: 42 };
  const sent = await api().post(`/api/v1/surveys/${id}/responses`).set('Authorization', auth).send({ answers });
  expect(sent.status).toBe(201);
  const after = await api().get(`/api/v1/surveys/${id}`).set('Authorization', auth);
  expect(after.body).toMatchObject({ answered: true, answers, score: 3 });
  // The same answers sent back replace them (200).
  expect(
    (await api().post(`/api/v1/surveys/${id}/responses`).set('Authorization', auth).send({ answers })).status,
  ).toBe(200);
});

it('an anonymous survey says only that the caller answered; another branch gets 404', async () => {
  const id = await create(true);
  const auth = await bearer((await userWith('CHAIR', t.primA2)).id);
  await api()
    .post(`/api/v1/surveys/${id}/responses`)
    .set('Authorization', auth)
    .send({ answers: { a: '1', b: ['y'], n: 7 } });
  const got = await api().get(`/api/v1/surveys/${id}`).set('Authorization', auth);
  expect(got.body.answered).toBe(true);
  expect(got.body).not.toHaveProperty('answers');
  expect(got.body).not.toHaveProperty('score');
  const outside = await api()
    .get(`/api/v1/surveys/${id}`)
    .set('Authorization', await bearer((await userWith('CHAIR', t.primB1)).id));
  expect(outside.status).toBe(404);
});

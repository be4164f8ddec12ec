/**
 * A test shows the score after submission, or — when the author chooses — only after closing: on the page and in the
 * API's answer to the submission.
 */
import { db } from '../../src/db';
import { api, bearer, buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';

useDb();

let t: Tree;
let pubAuth: string;
beforeAll(async () => {
  t = await buildTree();
  pubAuth = await bearer((await userWith('CHAIR', t.regionA)).id);
});

async function test(scoreAfterClose: boolean): Promise<string> {
  const r = await api()
    .post(`/api/v1/orgs/${t.regionA.id}/surveys`)
    .set('Authorization', pubAuth)
    .send({
      title: scoreAfterClose ? 'Тест с результатом после закрытия' : 'Тест с результатом сразу',
      kind: 'TEST',
      passPercent: 50,
      scoreAfterClose,
      audience: { kinds: ['PRIMARY'] },
      closesAt: new Date(Date.now() + 3600_000).toISOString(),
      questions: [
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
      ],
    });
  expect(r.status).toBe(201);
  return (r.body as { id: string }).id;
}

it('shows the score right after the submission', async () => {
  const id = await test(false);
  const u = await userWith('CHAIR', t.primA1);
  const agent = await loginAs(u.login);
  const res = await postForm(agent, `/surveys/${id}`, `/surveys/${id}/answers`, { q_a: '5' });
  expect(res.status).toBe(303);
  expect((await agent.get(`/surveys/${id}`)).text).toContain('Ваш результат: <strong>2 из 2</strong> — тест пройден');
  const viaApi = await api()
    .post(`/api/v1/surveys/${id}/responses`)
    .set('Authorization', await bearer((await userWith('CHAIR', t.primA2)).id))
    .send({ answers: { a: '1' } });
  expect(viaApi.body).toEqual({ status: 'CREATED', score: 0 });
});

it('when the author chooses, only after closing', async () => {
  const id = await test(true);
  const u = await userWith('CHAIR', t.primA3);
  const agent = await loginAs(u.login);
  await postForm(agent, `/surveys/${id}`, `/surveys/${id}/answers`, { q_a: '5' });
  const before = await agent.get(`/surveys/${id}`);
  expect(before.text).toContain('Результат теста будет показан после закрытия');
  expect(before.text).not.toContain('Ваш результат');
  const viaApi = await api()
    .post(`/api/v1/surveys/${id}/responses`)
    .set('Authorization', await bearer((await userWith('CHAIR', t.primA1)).id))
    .send({ answers: { a: '5' } });
  expect(viaApi.body).toEqual({ status: 'CREATED' });

  await db().survey.update({
    where: { id },
    data: { opensAt: new Date(Date.now() - 7200_000), closesAt: new Date(Date.now() - 1000) },
  });
  const after = await agent.get(`/surveys/${id}`);
  expect(after.text).toContain('Ваш результат: <strong>2 из 2</strong> — тест пройден');
  expect(after.text).not.toContain('будет показан после закрытия');
});

it('an anonymous test can show the score only at once: «after closing» is refused with the reason', async () => {
  const r = await api()
    .post(`/api/v1/orgs/${t.regionA.id}/surveys`)
    .set('Authorization', pubAuth)
    .send({
      title: 'Анонимный тест',
      kind: 'TEST',
      anonymous: true,
      scoreAfterClose: true,
      passPercent: 50,
      closesAt: new Date(Date.now() + 3600_000).toISOString(),
      questions: [{ code: 'q', text: 'Вопрос?', type: 'NUMBER' }],
    });
  expect(r.status).toBe(400);
  expect(r.body.error.fields.scoreAfterClose).toContain('только сразу после ответа');
  expect(await db().survey.count({ where: { title: 'Анонимный тест' } })).toBe(0);
});

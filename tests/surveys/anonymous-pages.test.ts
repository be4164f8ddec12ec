/**
 * Anonymous surveys: answers are stored with no user link (and the database refuses one), nothing in the
 * results, the exports or the API names who answered what; the answer form works as a plain HTML form; the
 * structure locks at the first answer and a copy can be made.
 */
import type request from 'supertest';
import { db } from '../../src/db';
import { api, bearer, buildTree, csrfFrom, loginAs, useDb, userWith, type Tree } from '../helpers';

useDb();

let t: Tree;
let pubAgent: request.Agent;
let pubAuth: string;
const users: { id: string; login: string; fullName: string; auth: string }[] = [];
let surveyId: string;

const hour = 3600_000;

beforeAll(async () => {
  t = await buildTree();
  const p = await userWith('CHAIR', t.regionA);
  pubAuth = await bearer(p.id);
  pubAgent = await loginAs(p.login);
  for (const org of [t.primA1, t.primA2, t.primA3]) {
    const u = await userWith('CHAIR', org);
    const full = await db().user.findUniqueOrThrow({ where: { id: u.id } });
    users.push({ id: u.id, login: u.login, fullName: full.fullName, auth: await bearer(u.id) });
  }
  const r = await api()
    .post(`/api/v1/orgs/${t.regionA.id}/surveys`)
    .set('Authorization', pubAuth)
    .send({
      title: 'Анонимный опрос о нагрузке',
      kind: 'SURVEY',
      anonymous: true,
      audience: { kinds: ['PRIMARY'] },
      closesAt: new Date(Date.now() + 24 * hour).toISOString(),
      questions: [
        {
          code: 'load',
          text: 'Нагрузка высокая?',
          type: 'ONE',
          options: [
            { code: 'y', text: 'Да' },
            { code: 'n', text: 'Нет' },
          ],
        },
        { code: 'say', text: 'Ваш комментарий', type: 'TEXT' },
      ],
    });
  surveyId = r.body.id;
});

describe('anonymous answers cannot be linked to users', () => {
  it('stores answers without a user, refuses a link, and counts completion apart', async () => {
    const agent = await loginAs(users[0].login);
    const page = await agent.get(`/surveys/${surveyId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('type="radio" name="q_load" value="y"');
    // A plain form: no script of its own (the layout's session-end notice script is the only one, and optional).
    expect(page.text.replace(/<script src="[^"]*session[^"]*\.js" defer><\/script>/, '')).not.toContain('<script');
    const csrf = await csrfFrom(agent, `/surveys/${surveyId}`);
    const bad = await agent.post(`/surveys/${surveyId}/answers`).type('form').send({ _csrf: csrf, q_say: 'Устал' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('ответьте на вопрос');
    expect(bad.text).toContain('Устал</textarea>');
    const okRes = await agent
      .post(`/surveys/${surveyId}/answers`)
      .type('form')
      .send({ _csrf: csrf, q_load: 'y', q_say: 'Много отчётов' });
    expect(okRes.status).toBe(303);
    expect(
      (
        await api()
          .post(`/api/v1/surveys/${surveyId}/responses`)
          .set('Authorization', users[1].auth)
          .send({ answers: { load: 'n', say: 'Нормально' } })
      ).status,
    ).toBe(201);
    const again = await api()
      .post(`/api/v1/surveys/${surveyId}/responses`)
      .set('Authorization', users[1].auth)
      .send({ answers: { load: 'y', say: 'Передумал' } });
    expect(again.status).toBe(409);

    const responses = await db().surveyResponse.findMany({ where: { surveyId } });
    expect(responses).toHaveLength(2);
    expect(responses.every((r) => r.userId === null)).toBe(true);
    // No column of the responses or answers could hold a user or a time.
    const cols = await db().$queryRaw<{ table_name: string; column_name: string }[]>`
      SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_name IN ('SurveyResponse', 'SurveyAnswer')`;
    expect(cols.filter((c) => /at$|time|date|created/i.test(c.column_name))).toEqual([]);
    expect(cols.filter((c) => c.table_name === 'SurveyAnswer' && /user/i.test(c.column_name))).toEqual([]);
    await expect(
      db().surveyResponse.update({ where: { id: responses[0].id }, data: { userId: users[0].id } }),
    ).rejects.toThrow();
    expect(await db().surveyRespondent.count({ where: { surveyId } })).toBe(2);
    // No audit row ties a user to the moment of an anonymous answer.
    expect(await db().auditLog.count({ where: { action: 'survey.answered', entityId: surveyId } })).toBe(0);
  });

  it('results, pages and exports never name a respondent', async () => {
    const json = await api().get(`/api/v1/surveys/${surveyId}/results`).set('Authorization', pubAuth);
    const text = JSON.stringify(json.body);
    for (const u of users) {
      expect(text).not.toContain(u.id);
      expect(text).not.toContain(u.fullName);
    }
    // Open, two answers: what was answered is withheld (who answered is not), on the page, in the API, in exports.
    expect(json.body.withheld).toContain('после его закрытия');
    expect(text).not.toContain('Много отчётов');
    expect(json.body.questions.every((q: { options: unknown[] }) => q.options.length === 0)).toBe(true);
    const page = await pubAgent.get(`/surveys/${surveyId}/results`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('ответы покажутся после его закрытия');
    expect(page.text).not.toContain('Много отчётов');
    expect(page.text).not.toContain('Передумал');
    // The not-yet-answered list names only the one who has not answered.
    expect(page.text).toContain(users[2].fullName);
    expect(page.text).not.toContain(users[0].fullName);
    expect(page.text).not.toContain(users[1].fullName);
    expect((await pubAgent.get(`/surveys/${surveyId}/answers.xlsx`)).status).toBe(422);
    expect((await api().get(`/api/v1/surveys/${surveyId}/answers/export`).set('Authorization', pubAuth)).status).toBe(
      422,
    );
    const results = await pubAgent.get(`/surveys/${surveyId}/results.xlsx`).buffer(true);
    expect(results.status).toBe(200);

    // Closed with two answers: still withheld (two answers and a not-answered list would name their authors).
    await db().survey.update({
      where: { id: surveyId },
      data: { opensAt: new Date(Date.now() - 2 * hour), closesAt: new Date(Date.now() - hour) },
    });
    const closed = await pubAgent.get(`/surveys/${surveyId}/results`);
    expect(closed.text).toContain('ответов меньше 5');
    expect(closed.text).not.toContain('Много отчётов');
    expect((await pubAgent.get(`/surveys/${surveyId}/answers.xlsx`)).status).toBe(422);
    await db().survey.update({ where: { id: surveyId }, data: { closesAt: new Date(Date.now() + 24 * hour) } });
  });

  it('exports of an open anonymous survey stay closed (the answers appear with the results, see summary-pdf)', async () => {
    const xlsx = await pubAgent
      .get(`/surveys/${surveyId}/answers.xlsx`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(422);
    for (const u of users) expect(String(xlsx.body)).not.toContain(u.fullName);

    const pdf = await pubAgent.get(`/surveys/${surveyId}/summary.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
  });
});

describe('structure', () => {
  it('locks at the first answer; a copy is an editable draft', async () => {
    const csrf = await csrfFrom(pubAgent, `/surveys/${surveyId}/edit`);
    const add = await pubAgent
      .post(`/surveys/${surveyId}/questions`)
      .type('form')
      .send({ _csrf: csrf, text: 'Новый вопрос', type: 'TEXT' });
    expect(add.status).toBe(409);
    expect(await db().surveyQuestion.count({ where: { surveyId } })).toBe(2);
    const copy = await pubAgent.post(`/surveys/${surveyId}/copy`).type('form').send({ _csrf: csrf });
    expect(copy.status).toBe(303);
    const copyId = copy.headers.location.split('/')[2];
    const add2 = await pubAgent
      .post(`/surveys/${copyId}/questions`)
      .type('form')
      .send({ _csrf: csrf, text: 'Новый вопрос', type: 'MANY', options: 'Первый\nВторой' });
    expect(add2.status).toBe(303);
    const qs = await db().surveyQuestion.findMany({ where: { surveyId: copyId }, orderBy: { position: 'asc' } });
    expect(qs.map((q) => q.text)).toEqual(['Нагрузка высокая?', 'Ваш комментарий', 'Новый вопрос']);
    const move = await pubAgent
      .post(`/surveys/${copyId}/questions/${qs[2].id}/move`)
      .type('form')
      .send({ _csrf: csrf, by: 'up' });
    expect(move.status).toBe(303);
    const after = await db().surveyQuestion.findMany({ where: { surveyId: copyId }, orderBy: { position: 'asc' } });
    expect(after.map((q) => q.text)).toEqual(['Нагрузка высокая?', 'Новый вопрос', 'Ваш комментарий']);
    // A draft is not shown to the addressed until published.
    expect(
      (await api().get(`/api/v1/surveys`).set('Authorization', users[0].auth)).body.items.map(
        (i: { id: string }) => i.id,
      ),
    ).not.toContain(copyId);
    const pub = await pubAgent.post(`/surveys/${copyId}/publish`).type('form').send({ _csrf: csrf });
    expect(pub.status).toBe(303);
    expect(
      (await api().get(`/api/v1/surveys`).set('Authorization', users[0].auth)).body.items.map(
        (i: { id: string }) => i.id,
      ),
    ).toContain(copyId);
  });

  it('the page form creates a draft; bad input re-shows what was typed', async () => {
    const csrf = await csrfFrom(pubAgent, `/orgs/${t.regionA.id}/surveys/new`);
    const bad = await pubAgent.post(`/orgs/${t.regionA.id}/surveys`).type('form').send({
      _csrf: csrf,
      title: 'Опрос о питании',
      kind: 'TEST',
      opensAt: '01.12.2026 10:00',
      closesAt: '31.11.2026',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('value="Опрос о питании"');
    expect(bad.text).toContain('Закрытие: ДД.ММ.ГГГГ ЧЧ:ММ');
    const good = await pubAgent.post(`/orgs/${t.regionA.id}/surveys`).type('form').send({
      _csrf: csrf,
      title: 'Опрос о питании',
      kind: 'SURVEY',
      opensAt: '01.12.2026 10:00',
      closesAt: '31.12.2030 18:00',
      audienceKinds: 'PRIMARY',
    });
    expect(good.status).toBe(303);
    const s = await db().survey.findFirstOrThrow({ where: { title: 'Опрос о питании' } });
    expect(s.status).toBe('DRAFT');
    expect(s.opensAt.toISOString()).toBe('2026-12-01T07:00:00.000Z');
    expect(s.audienceKinds).toEqual(['PRIMARY']);
  });
});

describe('an anonymous test while its answers are withheld', () => {
  it('keeps the contract’s keys in the API results (passed unknown, the pass mark given)', async () => {
    const r = await api()
      .post(`/api/v1/orgs/${t.regionA.id}/surveys`)
      .set('Authorization', pubAuth)
      .send({
        title: 'Анонимный тест',
        kind: 'TEST',
        anonymous: true,
        passPercent: 60,
        audience: { kinds: ['PRIMARY'] },
        closesAt: new Date(Date.now() + 24 * hour).toISOString(),
        questions: [
          {
            code: 'q',
            text: 'Два плюс два?',
            type: 'ONE',
            points: 1,
            options: [
              { code: 'a', text: 'Четыре', correct: true },
              { code: 'b', text: 'Пять' },
            ],
          },
        ],
      });
    expect(r.status).toBe(201);
    const res = await api().get(`/api/v1/surveys/${r.body.id}/results`).set('Authorization', pubAuth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ passed: null, passPercent: 60, withheld: expect.any(String) });
  });
});

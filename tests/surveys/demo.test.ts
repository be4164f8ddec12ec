/** The demo content: a versioned library and the union's pilot survey reproduced (47 / 44 / 9 %). */
import { db } from '../../src/db';
import { buildLibraryDemo } from '../../src/seed/library.demo.repo';
import { buildSurveysDemo } from '../../src/seed/surveys.demo.repo';
import { surveyResults } from '../../src/modules/surveys/results';
import { findSurvey } from '../../src/modules/surveys/surveys.repo';
import { api, bearer, buildTree, useDb, userWith } from '../helpers';

useDb();

it('builds the library and the surveys of the demo union', async () => {
  const t = await buildTree();
  const chair = await bearer((await userWith('CHAIR', t.primA1)).id);
  await buildLibraryDemo(t.central);
  await buildSurveysDemo(t.central);

  const found = await api().get('/api/v1/documents?q=электронным').set('Authorization', chair);
  expect(found.body.items.map((d: { title: string; version: number }) => [d.title, d.version])).toEqual([
    ['Устав Общероссийского Профсоюза образования', 2],
  ]);

  const pilot = await db().survey.findFirstOrThrow({ where: { title: { startsWith: 'Опрос председателей' } } });
  const r = await surveyResults((await findSurvey(pilot.id))!);
  expect(r.questions[0].options.map((o) => o.percent)).toEqual([47, 44, 9]);
  expect(r.questions[1].options.map((o) => o.percent)).toEqual([39, 36, 24, 1]);
  const test = await db().survey.findFirstOrThrow({ where: { kind: 'TEST' } });
  expect((await surveyResults((await findSurvey(test.id))!)).test).toMatchObject({ passed: 8, maxScore: 5 });
  const open = await api().get('/api/v1/surveys?open=true').set('Authorization', chair);
  expect(open.body.items.map((s: { title: string }) => s.title)).toEqual([
    'Как вам новый электронный профсоюзный билет?',
  ]);
});

/**
 * The demo union's surveys: the union's own survey of primary chairs (closed, anonymous: 47 % needed extra
 * computer training, 44 % did not, 9 % delegated the work; 39 / 36 / 24 / 1 % by place of work), a closed test
 * with answers, and an open survey the demo chairs can answer.
 */
import crypto from 'node:crypto';
import { db } from '../db';
import { SYSTEM_ACTOR, type Actor } from '../policy/actor';
import type { Audience } from '../modules/audience/audience.input';
import { findSurvey } from '../modules/surveys/surveys.repo';
import { createSurvey, respond } from '../modules/surveys/surveys.service';

const CHAIRS: Audience = { kinds: ['PRIMARY'], roles: ['CHAIR'], orgIds: [], members: false };
const hour = 3600_000;
const respondent = (): Actor => ({ ...SYSTEM_ACTOR, kind: 'user', userId: crypto.randomUUID(), login: '' });

/** Answers `n` times with each answer set (respondents stand for the chairs of the pilot), then closes the survey. */
async function answerAndClose(id: string, sets: [number, Record<string, string | string[]>][]) {
  const s = (await findSurvey(id))!;
  for (const [n, answers] of sets) for (let i = 0; i < n; i++) await respond(respondent(), s, answers);
  await db().survey.update({
    where: { id },
    data: { opensAt: new Date(Date.now() - 60 * 24 * hour), closesAt: new Date(Date.now() - 30 * 24 * hour) },
  });
}

export async function buildSurveysDemo(central: { id: string; path: string }) {
  const soon = new Date(Date.now() + hour);
  const pilot = await createSurvey(
    SYSTEM_ACTOR,
    central,
    {
      title: 'Опрос председателей первичных организаций о работе в реестре',
      kind: 'SURVEY',
      anonymous: true,
      closesAt: soon,
    },
    CHAIRS,
    [
      {
        code: 'training',
        text: 'Нужно ли вам дополнительное обучение работе на компьютере?',
        type: 'ONE',
        options: [
          { code: 'yes', text: 'Да, нужно' },
          { code: 'no', text: 'Нет, не нужно' },
          { code: 'delegated', text: 'Работу в реестре поручаю другому' },
        ],
      },
      {
        code: 'place',
        text: 'Где вы работаете в реестре?',
        type: 'ONE',
        options: [
          { code: 'work', text: 'На работе' },
          { code: 'both', text: 'На работе и дома' },
          { code: 'home', text: 'Дома' },
          { code: 'higher', text: 'На компьютере вышестоящей организации' },
        ],
      },
    ],
    true,
  );
  const places = ['work', 'both', 'home', 'higher'];
  const counts = [39, 36, 24, 1];
  const sets: [number, Record<string, string>][] = [];
  // 47 / 44 / 9 for training, spread over the places 39 / 36 / 24 / 1.
  const many = (n: number, v: string): string[] => Array.from({ length: n }, () => v);
  const training = [...many(47, 'yes'), ...many(44, 'no'), ...many(9, 'delegated')];
  const place = places.flatMap((p, i) => many(counts[i], p));
  for (let i = 0; i < 100; i++) sets.push([1, { training: training[i], place: place[i] }]);
  await answerAndClose(pilot.id, sets);

  const test = await createSurvey(
    SYSTEM_ACTOR,
    central,
    { title: 'Тест: ведение учёта членов Профсоюза', kind: 'TEST', passPercent: 60, closesAt: soon },
    CHAIRS,
    [
      {
        code: 'card',
        text: 'Кто выдаёт профсоюзный билет?',
        type: 'ONE',
        points: 2,
        options: [
          { code: 'a', text: 'Председатель первичной организации', correct: true },
          { code: 'b', text: 'Работодатель' },
        ],
      },
      {
        code: 'exit',
        text: 'Что указывается при выходе из Профсоюза?',
        type: 'MANY',
        points: 3,
        options: [
          { code: 'd', text: 'Дата', correct: true },
          { code: 'r', text: 'Причина', correct: true },
          { code: 's', text: 'Зарплата' },
        ],
      },
    ],
    true,
  );
  await answerAndClose(test.id, [
    [6, { card: 'a', exit: ['d', 'r'] }],
    [3, { card: 'a', exit: ['d'] }],
    [2, { card: 'b', exit: ['d', 'r'] }],
    [1, { card: 'b', exit: ['s'] }],
  ]);

  await createSurvey(
    SYSTEM_ACTOR,
    central,
    {
      title: 'Как вам новый электронный профсоюзный билет?',
      instructions: 'Ответы помогут улучшить билет. Опрос займёт минуту.',
      kind: 'SURVEY',
      closesAt: new Date(Date.now() + 30 * 24 * hour),
    },
    { kinds: [], roles: ['CHAIR', 'REGISTRAR'], orgIds: [], members: false },
    [
      {
        code: 'welcome',
        text: 'Члены Профсоюза приняли новый билет положительно?',
        type: 'ONE',
        options: [
          { code: 'yes', text: 'Да' },
          { code: 'no', text: 'Нет' },
          { code: 'unknown', text: 'Затрудняюсь ответить' },
        ],
      },
      { code: 'score', text: 'Оцените удобство выдачи билетов', type: 'SCALE' },
      { code: 'idea', text: 'Что улучшить?', type: 'TEXT' },
    ],
    true,
  );
}

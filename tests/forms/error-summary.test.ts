/**
 * A form sent with mistakes answers with a summary at the top that takes the focus, lists every error at once,
 * names each field and links to it; a day that does not exist is «такой даты нет», not a format error.
 */
import { buildTree, loginAs, postForm, useDb, userWith } from '../helpers';
import { fieldError, unescapeHtml } from './html';
import { dayProblem } from '../../src/lib/dates';

useDb();

it('tells a day that does not exist from a badly typed one', () => {
  expect(dayProblem('31.02.2020')).toBe('такой даты нет: в этом месяце нет 31-го числа');
  expect(dayProblem('29.02.2023')).toBe('такой даты нет: в этом месяце нет 29-го числа');
  expect(dayProblem('29.02.2024')).toBeNull();
  expect(dayProblem('12.13.2020')).toBe('такой даты нет: месяца 13 не бывает');
  expect(dayProblem('01.01.1812')).toBe('год должен быть от 1900 до 2100');
  expect(dayProblem('вчера')).toBe('введите дату в виде ДД.ММ.ГГГГ, например 01.09.2024');
});

it('puts a focused summary with every error, each naming and linking to its field, above the new member form', async () => {
  const t = await buildTree();
  const chair = await loginAs((await userWith('CHAIR', t.primA1)).login);
  const url = `/orgs/${t.primA1.id}/members/new`;
  const res = await postForm(chair, url, url, {
    lastName: 'Петрова',
    firstName: '',
    middleName: 'Ивановна',
    birthDate: '31.02.2020',
    gender: 'FEMALE',
    category: 'WORKING',
    joinedAt: 'вчера',
    consentProcessing: 'on',
  });
  expect(res.status).toBe(400);
  expect(fieldError(res.text, 'birthDate')).toBe('Такой даты нет: в этом месяце нет 31-го числа');

  const box = /<div class="error-box"[^>]*>[\s\S]*?<\/div>/.exec(res.text)?.[0] ?? '';
  expect(box).toMatch(/id="error-summary" tabindex="-1" autofocus/);
  const links = [...box.matchAll(/<a href="#(f-[\w.-]+)">([^<]*)<\/a>/g)].map((m) => [m[1], unescapeHtml(m[2])]);
  expect(links).toEqual(
    expect.arrayContaining([
      ['f-firstName', 'Имя: заполните поле'],
      ['f-birthDate', 'Дата рождения: такой даты нет: в этом месяце нет 31-го числа'],
      ['f-joinedAt', 'Дата вступления: введите дату в виде ДД.ММ.ГГГГ, например 01.09.2024'],
    ]),
  );
  // Every link leads to a field that is on the page.
  for (const [id] of links) expect(res.text).toContain(`id="${id}"`);
  // The summary comes before the form's first field.
  expect(res.text.indexOf('id="error-summary"')).toBeLessThan(res.text.indexOf('id="f-lastName"'));
});

/** An uploaded file's Cyrillic name (sent as UTF-8 by browsers) is kept as typed, not read as Latin-1. */
import { buildTree, loginAs, useDb, userWith } from '../helpers';
import { csv, jobRow, uploadJob } from './support';

useDb();

it('keeps a Cyrillic file name of an import as it was sent', async () => {
  const t = await buildTree();
  const chair = await userWith('CHAIR', t.primA1, { ndaAccepted: true });
  const agent = await loginAs(chair.login);
  const file = csv([
    ['Фамилия', 'Имя', 'Отчество', 'Дата рождения'],
    ['Шишкина', 'Шура', 'Павловна', '06.06.1986'],
  ]);
  const id = await uploadJob(agent, t.primA1.id, file, 'Список членов школы №1.csv');
  expect((await jobRow(id)).fileName).toBe('Список членов школы №1.csv');
  const page = await agent.get(`/imports/${id}`);
  expect(page.text).toContain('Список членов школы №1.csv');
});

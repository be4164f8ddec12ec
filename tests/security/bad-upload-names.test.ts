/**
 * File names are text too: a NUL in an uploaded file's name, or a name cut in the middle of a surrogate pair
 * when it is shortened to fit, must never reach PostgreSQL (a 500). Imports (page and API) and the library.
 */
import { api, bearer, buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { pdfWithText } from '../../src/seed/library.files';
import { csv, uploadPage } from '../imports/support';
import { badTextAt } from '../../src/http/text';

useDb();

let t: Tree;
let auth: string;
let login: string;
const file = csv([
  ['Фамилия', 'Имя', 'Отчество', 'Дата рождения'],
  ['Файлова', 'Анна', '', '01.01.1990'],
]);
/** 199 letters and an emoji: a cut at 200 (or 150) UTF-16 units leaves half of the pair. */
const longName = (n: number) => `${'ф'.repeat(n - 1)}😀.csv`;

beforeAll(async () => {
  t = await buildTree();
  const u = await userWith('CHAIR', t.primA1);
  auth = await bearer(u.id);
  login = u.login;
});

describe('uploaded file names with a NUL or half a surrogate pair', () => {
  it.each([
    ['a NUL', 'spi\u0000sok.csv'],
    ['an emoji cut at 200', longName(200)],
  ])('import through the page: %s → no 500', async (_n, name) => {
    const agent = await loginAs(login);
    const res = await uploadPage(agent, t.primA1.id, file, name, { joinedAt: '01.09.2020', category: 'WORKING' });
    expect(res.status).toBeLessThan(500);
  });

  it.each([
    ['a NUL', 'spi\u0000sok.csv'],
    ['an emoji cut at 200', longName(200)],
  ])('import through the API: %s → no 500', async (_n, name) => {
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/imports`)
      .set('Authorization', auth)
      .field('mode', 'add')
      .attach('file', file, name);
    expect(res.status).toBeLessThan(500);
  });

  it.each([
    ['a NUL', 'doc\u0000ument.pdf'],
    ['an emoji cut at 150', `${'д'.repeat(149)}😀.pdf`],
  ])('a library document: %s → no 500, the stored name is clean', async (_n, name) => {
    const regional = await bearer((await userWith('CHAIR', t.regionA)).id);
    const res = await api()
      .post(`/api/v1/orgs/${t.regionA.id}/documents`)
      .set('Authorization', regional)
      .field('title', 'Документ с длинным именем файла')
      .field('kind', 'OTHER')
      .attach('file', await pdfWithText('Документ', ['Текст']), name);
    expect(res.status).toBeLessThan(500);
    const names = await db().documentVersion.findMany({ select: { fileName: true } });
    for (const n of names) expect(badTextAt(n.fileName)).toBeNull();
  });
});

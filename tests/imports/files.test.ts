import type request from 'supertest';
import { db } from '../../src/db';
import { buildOrg, type BuiltOrg } from '../../src/seed/builders.repo';
import { api, bearer, buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';
import { csv, expectStatus, makeZip, pageText, tableCounts, uploadPage, xlsx } from './support';

useDb();

let t: Tree;
let chair: request.Agent;
let chairAuth: string;
let org: BuiltOrg;

beforeAll(async () => {
  t = await buildTree();
  org = await buildOrg(t.terrA1, 'PRIMARY', { name: 'ППО техникума', institutionType: 'POO' });
  const u = await userWith('CHAIR', org);
  chair = await loginAs(u.login);
  chairAuth = await bearer(u.id);
});

/** The upload is refused with this status and message, and nothing but (at most) a failed job is stored. */
async function expectRefused(file: Buffer, name: string, status: number, message: RegExp) {
  const before = await tableCounts();
  const res = await uploadPage(chair, org.id, file, name);
  expect(res.status).toBe(status);
  expect(pageText(res.text)).toMatch(message);
  expect(await tableCounts()).toEqual(before);
  expect(await db().importJob.count({ where: { organisationId: org.id, status: { not: 'FAILED' } } })).toBe(0);
  expect(await db().member.count({ where: { organisationId: org.id } })).toBe(0);
  return res;
}

const HEAD = ['Фамилия', 'Имя', 'Отчество', 'Дата рождения'];

describe('bad files are refused before parsing, each with a clear Russian message', () => {
  it('an empty file', async () => {
    await expectRefused(Buffer.alloc(0), 'pustoi.csv', 400, /Файл пустой/);
  });

  it('an old .xls renamed .csv', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)]);
    await expectRefused(ole, 'spisok.csv', 415, /старого формата Excel \(\.xls\)/);
  });

  it('a PDF renamed .csv', async () => {
    await expectRefused(
      Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'),
      'spisok.csv',
      415,
      /Это PDF/,
    );
  });

  it('a binary file renamed .csv', async () => {
    const bin = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));
    await expectRefused(bin, 'spisok.csv', 415, /не похож на таблицу \.xlsx или \.csv/);
  });

  it('a zip that is not an Excel workbook', async () => {
    const zip = makeZip([{ name: 'readme.txt', data: Buffer.from('это не таблица') }]);
    const res = await uploadPage(chair, org.id, zip, 'spisok.xlsx');
    expect([415, 422]).toContain(res.status);
    expect(pageText(res.text)).toMatch(/Файл Excel не читается|В файле нет листов/);
    expect(await db().member.count({ where: { organisationId: org.id } })).toBe(0);
  });

  it('a zip bomb: an .xlsx whose entry inflates to 150 MB', async () => {
    const bomb = makeZip([
      { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(150 * 1024 * 1024, 0x20) },
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024); // small on the wire
    const started = Date.now();
    await expectRefused(bomb, 'spisok.xlsx', 413, /слишком велик в распакованном виде/);
    expect(Date.now() - started).toBeLessThan(5000); // refused from the directory, not after inflating
  });

  it('a zip with thousands of entries', async () => {
    const many = makeZip(Array.from({ length: 2001 }, (_, i) => ({ name: `xl/x${i}.xml`, data: Buffer.from('<x/>') })));
    await expectRefused(many, 'spisok.xlsx', 413, /слишком велик в распакованном виде/);
  });

  it('a zip bomb that hides its size in the headers is refused as well', async () => {
    const liar = makeZip([
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(150 * 1024 * 1024, 0x20), declaredSize: 1000 },
    ]);
    const started = Date.now();
    // Caught while inflating as a stream, where the entry outgrows its declared size: not handed to Excel's reader.
    await expectRefused(liar, 'spisok.xlsx', 413, /слишком велик в распакованном виде/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await db().member.count({ where: { organisationId: org.id } })).toBe(0);
  });

  it('a zip whose compressed data is damaged is refused as a damaged file (415), not as a big one', async () => {
    const name = 'xl/worksheets/sheet1.xml';
    const zip = makeZip([{ name, data: Buffer.from('<worksheet>' + 'x'.repeat(5000) + '</worksheet>') }]);
    zip[30 + Buffer.byteLength(name)] = 0xff; // the first deflate block: BTYPE 11 does not exist
    await expectRefused(zip, 'spisok.xlsx', 415, /Файл повреждён/);
  });

  it('a file over 20 MB → 413 on the page', async () => {
    const big = Buffer.alloc(21 * 1024 * 1024, 'А;Б;01.01.1990\n');
    const res = await uploadPage(chair, org.id, big, 'ogromnyi.csv');
    expect(res.status).toBe(413);
    expect(pageText(res.text)).toMatch(/Файл больше 20 МБ/);
    expect(await db().importJob.count({ where: { organisationId: org.id, status: { not: 'FAILED' } } })).toBe(0);
  });

  it('a file over 20 MB → 413 through the API', async () => {
    const big = Buffer.alloc(21 * 1024 * 1024, 'А;Б;01.01.1990\n');
    const res = await api()
      .post(`/api/v1/orgs/${org.id}/imports`)
      .set('Authorization', chairAuth)
      .field('mode', 'add')
      .attach('file', big, 'ogromnyi.csv');
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/20 МБ/) });
  });

  it('more than 200,000 rows', async () => {
    const lines = ['Фамилия;Имя;Дата рождения'];
    for (let i = 0; i < 200_001; i++) lines.push('Ан;Ия;01.01.1990');
    const file = Buffer.from(lines.join('\n'), 'utf8');
    expect(file.length).toBeLessThan(20 * 1024 * 1024);
    await expectRefused(file, 'dlinnyi.csv', 413, /больше 200000 строк|больше 200 000 строк/);
  });

  it('accepts a file of exactly 200,000 rows for preview (the limit is 200,000, not ~125,000)', async () => {
    const lines = ['Фамилия;Имя;Дата рождения'];
    for (let i = 0; i < 200_000; i++) lines.push('Ан;Ия;01.01.1990');
    const res = await uploadPage(chair, org.id, Buffer.from(lines.join('\n'), 'utf8'), 'rovno.csv');
    expect(res.status).toBe(303);
    await db().importJob.deleteMany({ where: { organisationId: org.id, status: 'PREVIEW' } });
  });

  it('a CSV with the header row only', async () => {
    await expectRefused(csv([HEAD]), 'zagolovok.csv', 422, /нет строк с данными/);
  });

  it('an XLSX with the header row only', async () => {
    await expectRefused(await xlsx([HEAD]), 'zagolovok.xlsx', 422, /нет строк с данными/);
  });

  it('the API answers a bad file with the same message as JSON', async () => {
    const res = await api()
      .post(`/api/v1/orgs/${org.id}/imports`)
      .set('Authorization', chairAuth)
      .field('mode', 'add')
      .attach('file', Buffer.from('%PDF-1.7\n', 'latin1'), 'spisok.csv');
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Это PDF. Нужен список в формате .xlsx или .csv',
    });
    expect(await db().importJob.count({ where: { organisationId: org.id, status: { not: 'FAILED' } } })).toBe(0);
  });

  it('a good file still goes through after all these (the upload itself works)', async () => {
    const res = await uploadPage(chair, org.id, csv([HEAD, ['Орлов', 'Олег', 'Олегович', '01.01.1990']]), 'ok.csv');
    expectStatus(res, 303);
  });
});

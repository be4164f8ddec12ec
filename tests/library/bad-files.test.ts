/**
 * A bad file is refused by its content, with a clear Russian message, and nothing is half-saved:
 * no document, version, file or section row appears (API and page alike; the page keeps what was typed).
 */
import type request from 'supertest';
import { db } from '../../src/db';
import { bearer, buildTree, csrfFrom, loginAs, useDb, userWith, type Tree } from '../helpers';
import { docxWithText, libraryCounts, pdfWithText, publish, zipWith } from './support';

useDb();

let t: Tree;
let auth: string;
let agent: request.Agent;

beforeAll(async () => {
  t = await buildTree();
  const u = await userWith('CHAIR', t.regionA);
  auth = await bearer(u.id);
  agent = await loginAs(u.login);
});

const fields = { title: 'Новый документ', kind: 'NORMATIVE', section: 'Раздел, которого ещё нет' };

const CASES: [string, () => Promise<Buffer> | Buffer, string, number, RegExp][] = [
  ['an empty file', () => Buffer.alloc(0), 'pusto.pdf', 400, /Файл пустой/],
  [
    'a program named .pdf',
    () => Buffer.concat([Buffer.from('MZ\x90\x00'), Buffer.alloc(200, 1)]),
    'prikaz.pdf',
    415,
    /Формат файла не поддерживается/,
  ],
  [
    'an HTML page named .docx',
    () => Buffer.from('<html><script>alert(1)</script></html>'),
    'doc.docx',
    415,
    /Формат файла не поддерживается/,
  ],
  [
    'an old Word .doc',
    () => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]),
    'old.doc',
    415,
    /старого формата/,
  ],
  [
    'a zip that is no office document',
    () => zipWith({ 'readme.txt': 'привет' }),
    'arch.docx',
    415,
    /не похож на документ Word/,
  ],
  [
    'a damaged zip',
    () => Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 7)]),
    'broken.xlsx',
    415,
    /повреждён/,
  ],
  ['a damaged PDF', () => Buffer.from('%PDF-1.7\n1 0 obj garbage garbage\n%%EOF'), 'broken.pdf', 415, /PDF повреждён/],
  [
    'a DOCX whose document part is not XML',
    async () => zipWith({ '[Content_Types].xml': 'x', 'word/document.xml': '\u0000\u0001 not xml' }),
    'bad.docx',
    415,
    /Word повреждён/,
  ],
];

describe('refused through the API', () => {
  test.each(CASES)('%s', async (_name, make, fileName, status, message) => {
    const before = await libraryCounts();
    const res = await publish(auth, t.regionA.id, fields, await make(), fileName);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
    expect(await libraryCounts()).toEqual(before);
  });

  it('a file over 20 MB', async () => {
    const before = await libraryCounts();
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(20 * 1024 * 1024 + 10, 0x20)]);
    const res = await publish(auth, t.regionA.id, fields, big, 'big.pdf');
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/больше 20 МБ/);
    expect(await libraryCounts()).toEqual(before);
  });

  it('no file, or bad fields: 400 naming each field, nothing saved', async () => {
    const before = await libraryCounts();
    const noFile = await publish(auth, t.regionA.id, fields, null);
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.fields.file).toBe('Выберите файл');
    const badFields = await publish(
      auth,
      t.regionA.id,
      { title: 'x', kind: 'POEM', audienceKinds: 'PRIMARY,PLANET' },
      await pdfWithText('x', ['y']),
    );
    expect(badFields.status).toBe(400);
    expect(Object.keys(badFields.body.error.fields).sort()).toEqual(['audienceKinds', 'kind', 'title']);
    expect(await libraryCounts()).toEqual(before);
  });

  it('a bad new version leaves the document at its version', async () => {
    const ok = await publish(
      auth,
      t.regionA.id,
      { title: 'Устав', kind: 'NORMATIVE' },
      await docxWithText(['Устав Профсоюза']),
      'ustav.docx',
    );
    expect(ok.status).toBe(201);
    const before = await libraryCounts();
    const { api } = await import('../helpers');
    const res = await api()
      .post(`/api/v1/documents/${ok.body.id}/versions`)
      .set('Authorization', auth)
      .field('note', 'Новая редакция')
      .attach('file', Buffer.from('not a document at all'), 'ustav.docx');
    expect(res.status).toBe(415);
    expect(await libraryCounts()).toEqual(before);
    expect((await db().document.findUniqueOrThrow({ where: { id: ok.body.id as string } })).version).toBe(1);
  });
});

describe('refused through the page', () => {
  it('re-shows the form with what was typed and the message at the file field', async () => {
    const before = await libraryCounts();
    const csrf = await csrfFrom(agent, `/orgs/${t.regionA.id}/documents/new`);
    const res = await agent
      .post(`/orgs/${t.regionA.id}/documents`)
      .field('_csrf', csrf)
      .field('title', 'Положение о смотре-конкурсе')
      .field('kind', 'NORMATIVE')
      .field('number', '15')
      .attach('file', Buffer.from('MZ this is a program'), 'polozhenie.pdf');
    expect(res.status).toBe(415);
    expect(res.text).toContain('value="Положение о смотре-конкурсе"');
    expect(res.text).toContain('Формат файла не поддерживается');
    expect(await libraryCounts()).toEqual(before);
  });

  it('without the CSRF token nothing is accepted', async () => {
    const before = await libraryCounts();
    const res = await agent
      .post(`/orgs/${t.regionA.id}/documents`)
      .field('title', 'Без токена')
      .field('kind', 'NORMATIVE')
      .attach('file', await pdfWithText('x', ['y']), 'x.pdf');
    expect(res.status).toBe(403);
    expect(await libraryCounts()).toEqual(before);
  });
});

/**
 * The library through the API: publication, a version chain that survives replacement (every version's file
 * stays downloadable, byte for byte), «обновлён» for who downloaded an earlier version, and search by title,
 * number and the text inside PDF and DOCX files (Russian word forms, Ё = Е).
 */
import { api, bearer, buildTree, useDb, userWith, type Tree } from '../helpers';
import { binary, docxWithText, newVersion, pdfWithText, publish } from './support';

useDb();

let t: Tree;
let publisher: string;
let reader: string;

beforeAll(async () => {
  t = await buildTree();
  publisher = await bearer((await userWith('CHAIR', t.regionA)).id);
  reader = await bearer((await userWith('CHAIR', t.primA1)).id);
});

const download = (auth: string, id: string, version?: number) =>
  api()
    .get(`/api/v1/documents/${id}/file${version ? `?version=${version}` : ''}`)
    .set('Authorization', auth)
    .buffer(true)
    .parse(binary);

const search = async (auth: string, query: string) => {
  const res = await api().get(`/api/v1/documents?${query}`).set('Authorization', auth);
  expect(res.status).toBe(200);
  return (res.body.items as { id: string; title: string }[]).map((d) => d.id);
};

describe('versions', () => {
  it('keeps every version, serves each by number, and marks the document updated for an earlier downloader', async () => {
    const v1 = await pdfWithText('Положение о конкурсе', ['Первая редакция положения.']);
    const created = await publish(
      publisher,
      t.regionA.id,
      { title: 'Положение о конкурсе «Учитель года»', kind: 'NORMATIVE', number: '12-П', date: '15.01.2026' },
      v1,
      'Положение.pdf',
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1 });
    const id = created.body.id as string;

    const first = await download(reader, id);
    expect(first.status).toBe(200);
    expect(Buffer.compare(first.body as Buffer, v1)).toBe(0);
    expect((await api().get(`/api/v1/documents/${id}`).set('Authorization', reader)).body.updated).toBe(false);

    const v2 = await pdfWithText('Положение о конкурсе', ['Вторая редакция: изменены сроки.']);
    const v3 = await docxWithText(['Третья редакция в формате Word.']);
    const r2 = await newVersion(publisher, id, 'Изменены сроки подачи заявок', v2, 'Положение-2.pdf');
    expect(r2.status).toBe(201);
    expect(r2.body).toEqual({ id, version: 2 });
    const r3 = await newVersion(publisher, id, 'Переведено в Word', v3, 'Положение-3.docx');
    expect(r3.body).toEqual({ id, version: 3 });

    const doc = await api().get(`/api/v1/documents/${id}`).set('Authorization', reader);
    expect(doc.status).toBe(200);
    expect(doc.body.version).toBe(3);
    expect(doc.body.updated).toBe(true);
    expect(doc.body.versions.map((v: { version: number; note: string | null }) => [v.version, v.note])).toEqual([
      [3, 'Переведено в Word'],
      [2, 'Изменены сроки подачи заявок'],
      [1, null],
    ]);
    expect(doc.body.versions[0].fileName).toBe('Положение-3.docx');

    for (const [n, bytes] of [
      [1, v1],
      [2, v2],
      [3, v3],
    ] as const) {
      const f = await download(reader, id, n);
      expect(f.status).toBe(200);
      expect(Buffer.compare(f.body as Buffer, bytes)).toBe(0);
    }
    // The latest by default; having it clears «обновлён».
    const latest = await download(reader, id);
    expect(Buffer.compare(latest.body as Buffer, v3)).toBe(0);
    expect((await api().get(`/api/v1/documents/${id}`).set('Authorization', reader)).body.updated).toBe(false);
    expect((await download(reader, id, 4)).status).toBe(404);
  });

  it('serves files as attachments with the UTF-8 name, nosniff and a sandbox', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const created = await publish(
      publisher,
      t.regionA.id,
      { title: 'Эмблема Профсоюза', kind: 'OTHER' },
      png,
      'Эмблема "new".png',
    );
    expect(created.status).toBe(201);
    const f = await download(reader, created.body.id as string);
    expect(f.headers['content-type']).toBe('image/png');
    expect(f.headers['content-disposition']).toMatch(/^attachment; filename="[^"]*"; filename\*=UTF-8''%D0%AD/);
    expect(f.headers['x-content-type-options']).toBe('nosniff');
    expect(f.headers['content-security-policy']).toMatch(/sandbox/);
  });
});

describe('search', () => {
  let pdfDoc: string;
  let docxDoc: string;
  let numbered: string;
  beforeAll(async () => {
    const pdf = await pdfWithText('Методические рекомендации', [
      'О проведении ёлочных праздников и дополнительного обучения председателей первичных организаций.',
    ]);
    pdfDoc = (
      await publish(
        publisher,
        t.regionA.id,
        { title: 'Рекомендации к празднику', kind: 'METHODICAL', date: '01.12.2025' },
        pdf,
      )
    ).body.id;
    const docx = await docxWithText([
      'Порядок оформления электронного профсоюзного билета и санаторно-курортного лечения.',
    ]);
    docxDoc = (
      await publish(
        publisher,
        t.regionA.id,
        { title: 'Порядок оформления', kind: 'REFERENCE', date: '10.02.2026' },
        docx,
        'poryadok.docx',
      )
    ).body.id;
    numbered = (
      await publish(
        publisher,
        t.regionA.id,
        { title: 'Постановление Президиума', kind: 'NORMATIVE', number: '№ 7-ПП/2026', date: '20.03.2026' },
        await pdfWithText('Постановление', ['Текст.']),
      )
    ).body.id;
  });

  it('finds a word inside a PDF, in another word form, with Е for Ё', async () => {
    expect(await search(reader, 'q=обучение')).toEqual([pdfDoc]);
    expect(await search(reader, 'q=елочный')).toEqual([pdfDoc]);
    expect(await search(reader, 'q=ЁЛОЧНЫХ праздников')).toEqual([pdfDoc]);
  });

  it('finds a word inside a DOCX', async () => {
    expect(await search(reader, `q=${encodeURIComponent('санаторно-курортное')}`)).toEqual([docxDoc]);
    expect(await search(reader, 'q=билет')).toEqual([docxDoc]);
  });

  it('finds by title and by the beginning of the number', async () => {
    expect(await search(reader, `q=${encodeURIComponent('президиума')}`)).toEqual([numbered]);
    expect(await search(reader, `q=${encodeURIComponent('7-пп')}`)).toEqual([numbered]);
    expect(await search(reader, `q=${encodeURIComponent('№7-ПП/2026')}`)).toEqual([numbered]);
    expect(await search(reader, 'q=несуществующееслово')).toEqual([]);
  });

  it('filters by kind and year', async () => {
    const methodical = await search(reader, 'kind=METHODICAL');
    expect(methodical).toContain(pdfDoc);
    expect(methodical).not.toContain(docxDoc);
    const y2026 = await search(reader, 'year=2026');
    expect(y2026).toEqual(expect.arrayContaining([docxDoc, numbered]));
    expect(y2026).not.toContain(pdfDoc);
  });

  it('does not let tsquery syntax through', async () => {
    for (const q of ["'", '&|!', ':*', '(', 'a & | b']) {
      const res = await api()
        .get(`/api/v1/documents?q=${encodeURIComponent(q)}`)
        .set('Authorization', reader);
      expect(res.status).toBe(200);
    }
  });
});

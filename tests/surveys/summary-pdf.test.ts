/**
 * The summary of results in PDF (pages and API): per question counts and percentages (one decimal, half up, from
 * the counts) with a bar each, the score distribution and pass rate of a test, completion per child organisation;
 * an anonymous survey's PDF and answer export name nobody. The PDF is read back as text (pdf-parse) and its drawing
 * operators are counted for the bars.
 */
import zlib from 'node:zlib';
import type request from 'supertest';
import ExcelJS from 'exceljs';
import { db } from '../../src/db';
import { api, bearer, buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pdfParse = require('pdf-parse/lib/pdf-parse.js') as (b: Buffer) => Promise<{ text: string }>;

useDb();

const hour = 3600_000;
let t: Tree;
let pubAuth: string;
let pubAgent: request.Agent;
const chairs: { auth: string; fullName: string; login: string }[] = [];

const binary = (r: request.Test) =>
  r.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

/** The bars: filled rectangles in the bar colour (#0b57a4), counted in the inflated content streams. */
function bars(pdf: Buffer): number {
  let n = 0;
  const s = pdf.toString('latin1');
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const start = m.index + m[0].length;
    const end = s.indexOf('endstream', start);
    try {
      const text = zlib.inflateSync(pdf.subarray(start, end)).toString('latin1');
      n += (text.match(/ re\n\/DeviceRGB cs\n0\.0431\d* 0\.3411\d* 0\.6431\d* scn\nf\n/g) ?? []).length;
    } catch {
      /* not a content stream (a font) */
    }
  }
  return n;
}

beforeAll(async () => {
  t = await buildTree();
  const p = await userWith('CHAIR', t.regionA);
  pubAuth = await bearer(p.id);
  pubAgent = await loginAs(p.login);
  for (const org of [t.primA1, t.primA2, t.primA3]) {
    const u = await userWith('CHAIR', org);
    const full = await db().user.findUniqueOrThrow({ where: { id: u.id } });
    chairs.push({ auth: await bearer(u.id), fullName: full.fullName, login: u.login });
  }
});

async function create(body: Record<string, unknown>): Promise<string> {
  const r = await api()
    .post(`/api/v1/orgs/${t.regionA.id}/surveys`)
    .set('Authorization', pubAuth)
    .send({ closesAt: new Date(Date.now() + hour).toISOString(), audience: { kinds: ['PRIMARY'] }, ...body });
  expect(r.status).toBe(201);
  return (r.body as { id: string }).id;
}

async function answer(auth: string, id: string, answers: Record<string, unknown>) {
  const r = await api().post(`/api/v1/surveys/${id}/responses`).set('Authorization', auth).send({ answers });
  expect(r.status).toBe(201);
}

describe('the summary PDF', () => {
  it('of a test: percentages from the counts with bars, the score distribution, the pass rate, completion per child', async () => {
    const id = await create({
      title: 'Тест по учёту членов Профсоюза',
      kind: 'TEST',
      passPercent: 60,
      questions: [
        {
          code: 'a',
          text: 'Срок хранения протоколов?',
          type: 'ONE',
          points: 2,
          options: [
            { code: '1', text: 'Один год' },
            { code: '5', text: 'Пять лет', correct: true },
          ],
        },
        { code: 's', text: 'Насколько понятен реестр?', type: 'SCALE' },
      ],
    });
    await answer(chairs[0].auth, id, { a: '5', s: 5 });
    await answer(chairs[1].auth, id, { a: '5', s: 4 });
    await answer(chairs[2].auth, id, { a: '1', s: 4 });

    const page = await binary(pubAgent.get(`/surveys/${id}/summary.pdf`));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('application/pdf');
    const viaApi = await binary(
      api().get(`/api/v1/surveys/${id}/results/export?format=pdf`).set('Authorization', pubAuth),
    );
    expect(viaApi.status).toBe(200);
    expect(viaApi.headers['content-disposition']).toMatch(/^attachment;/);

    for (const pdf of [page.body as Buffer, viaApi.body as Buffer]) {
      const text = (await pdfParse(pdf)).text;
      expect(text).toContain('Тест по учёту членов Профсоюза');
      expect(text).toContain('Ответили 3 из 3 (100,0 %)');
      // 2 of 3 = 66.666… → 66,7; 1 of 3 → 33,3 (half up, one decimal, from the counts).
      expect(text).toMatch(/Пять лет \(верный\)\s*2\s*66,7 %/);
      expect(text).toMatch(/Один год\s*1\s*33,3 %/);
      expect(text).toMatch(/4\s*2\s*66,7 %/);
      expect(text).toContain('Сдали 2 из 3 (66,7 %)');
      expect(text).toContain('Распределение баллов');
      expect(text).toContain('Ответили по организациям');
      expect(text).toMatch(/Районная А1\s*2\s*2\s*100,0 %/);
      expect(text).toMatch(/Районная А2\s*1\s*1\s*100,0 %/);
      expect(text).toMatch(/Всего\s*3\s*3\s*100,0 %/);
      // A bar per option (2), per scale value (5), per score (2), per organisation row (2 + the total).
      expect(bars(pdf)).toBe(2 + 5 + 2 + 3);
    }
    const xlsx = await binary(
      api().get(`/api/v1/surveys/${id}/results/export?format=xlsx`).set('Authorization', pubAuth),
    );
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as ArrayBuffer);
    expect(wb.worksheets[0].getSheetValues().flat().map(String)).toEqual(
      expect.arrayContaining(['Пять лет', '66.7', 'Один год', '33.3']),
    );
    const bad = await api().get(`/api/v1/surveys/${id}/results/export?format=doc`).set('Authorization', pubAuth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.format).toBe('format: xlsx или pdf');
    expect(await db().auditLog.count({ where: { action: 'survey.exported', entityId: id } })).toBe(3);
  });

  it('of an anonymous survey names nobody, and neither does the answers export of the API', async () => {
    // Five answers at least, and closed: only then are an anonymous survey's answers shown (results.ts).
    for (const org of [t.primA1, t.primA2, t.primA3]) {
      const u = await userWith('CHAIR', org);
      const full = await db().user.findUniqueOrThrow({ where: { id: u.id } });
      chairs.push({ auth: await bearer(u.id), fullName: full.fullName, login: u.login });
    }
    const id = await create({
      title: 'Анонимный опрос о компьютерной подготовке',
      kind: 'SURVEY',
      anonymous: true,
      questions: [
        {
          code: 'need',
          text: 'Нужно ли дополнительное обучение?',
          type: 'ONE',
          options: [
            { code: 'y', text: 'Нужно' },
            { code: 'n', text: 'Не нужно' },
          ],
        },
        { code: 'why', text: 'Почему?', type: 'TEXT' },
      ],
    });
    await answer(chairs[0].auth, id, { need: 'y', why: 'Мало практики' });
    await answer(chairs[1].auth, id, { need: 'n', why: 'Всё понятно' });
    await answer(chairs[3].auth, id, { need: 'n', why: 'Учусь сам' });
    await answer(chairs[4].auth, id, { need: 'n', why: 'Помогают коллеги' });
    const early = (
      await pdfParse(
        (await binary(api().get(`/api/v1/surveys/${id}/results/export?format=pdf`).set('Authorization', pubAuth)))
          .body as Buffer,
      )
    ).text;
    expect(early).toContain('ответы покажутся после его закрытия');
    expect(early).not.toMatch(/Нужно\s*1/);
    await answer(chairs[5].auth, id, { need: 'y', why: 'Новая программа' });
    await db().survey.update({
      where: { id },
      data: { opensAt: new Date(Date.now() - 2 * hour), closesAt: new Date(Date.now() - hour) },
    });

    const pdf = await binary(
      api().get(`/api/v1/surveys/${id}/results/export?format=pdf`).set('Authorization', pubAuth),
    );
    const text = (await pdfParse(pdf.body as Buffer)).text;
    expect(text).toContain('Опрос, анонимный');
    expect(text).toMatch(/Нужно\s*2\s*40,0 %/);
    expect(text).toContain('Текстовых ответов: 5');
    expect(text).not.toContain('Мало практики');
    for (const c of chairs) {
      expect(text).not.toContain(c.fullName);
      expect(text).not.toContain(c.login);
    }
    const xlsx = await binary(api().get(`/api/v1/surveys/${id}/answers/export`).set('Authorization', pubAuth));
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as ArrayBuffer);
    const cells = wb.worksheets[0].getSheetValues().flat().map(String).join('|');
    expect(cells).toContain('Мало практики');
    expect(cells).not.toContain('ФИО');
    expect(cells).not.toContain('ППО школы');
    for (const c of chairs) expect(cells).not.toContain(c.fullName);
    const page = await pubAgent.get(`/surveys/${id}/results`);
    expect(page.text).toContain('Не нужно');
    expect(page.text).not.toContain('ответов меньше');
    for (const c of chairs.slice(0, 2)) expect(page.text).not.toContain(c.fullName);
  });
});

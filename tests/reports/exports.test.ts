import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import YAML from 'yaml';
import { asText } from '../../src/lib/text';
import { api, buildTree, csrfFrom, loginAs, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { TEMPLATES_DIR, insertCampaign, loadShippedTemplates } from '../../src/modules/reports/reports.repo';
import type { Definition } from '../../src/modules/reports/template';
import { ENTERED_OK, authOf, binary, expectStatus, hasPdftotext, pdfText, step, userAt } from './support';

useDb();

const form = (code: string): Definition =>
  JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, `${code}.json`), 'utf8'));

async function sheetOf(buf: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb.worksheets[0];
}

/** The rows of the sheet that carry a form row: {code, title, cell (column C), rowNumber}. */
function formRows(ws: ExcelJS.Worksheet, def: Definition) {
  const codes = new Set(def.sections.flatMap((s) => s.rows.map((r) => r.code)));
  const out: { code: string; title: string; cell: ExcelJS.Cell; rowNumber: number }[] = [];
  ws.eachRow((row, rowNumber) => {
    const code = row.getCell(1).value;
    if (typeof code === 'string' && codes.has(code))
      out.push({ code, title: asText(row.getCell(2).value), cell: row.getCell(3), rowNumber });
  });
  return out;
}

describe('report exports', () => {
  let t: Tree;
  let campaign: string;
  const REPORT_DATE = '2026-11-01';

  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    for (let i = 0; i < 4; i++)
      await buildMember({ org: t.primA1, birthDate: `1980-0${i + 1}-01`, gender: i % 2 ? 'MALE' : 'FEMALE' });
    campaign = (await insertCampaign({ title: 'Отчёт на 01.11.2026', reportDate: REPORT_DATE, deadline: '2026-12-31' }))
      .id;
    expectStatus(
      await step(t.primA1, '5SP', 'submit', await authOf(t.primA1), { campaign, entered: ENTERED_OK(8) }),
      200,
    );
    expectStatus(await step(t.primA1, '5SP', 'accept', await authOf(t.terrA1), { campaign }), 200);
  });

  async function download(org: { id: string }, format: 'xlsx' | 'pdf', as: { id: string } = org) {
    const agent = await loginAs((await userAt(as)).login);
    const res = await agent
      .get(`/orgs/${org.id}/reports/${campaign}/export`)
      .query({ format })
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    return res;
  }

  it("XLSX: the form's row codes and titles in the form's order, with the figures", async () => {
    const res = await download(t.primA1, 'xlsx');
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const ws = await sheetOf(res.body as Buffer);
    const def = form('5SP');
    const rows = formRows(ws, def);
    expect(rows.map((r) => [r.code, r.title])).toEqual(
      def.sections.flatMap((s) => s.rows.map((r) => [r.code, r.title])),
    );
    const byCode = Object.fromEntries(rows.map((r) => [r.code, r.cell.value]));
    expect(byCode['01']).toBe(8);
    expect(byCode['02']).toBe(4);
    expect(byCode['10']).toBe(4);
    // The section titles and the heading are there too.
    const texts: string[] = [];
    ws.eachRow((row) =>
      row.eachCell((c) => {
        if (typeof c.value === 'string') texts.push(c.value);
      }),
    );
    expect(texts).toEqual(
      expect.arrayContaining([
        'Форма 5СП. Отчёт первичной профсоюзной организации',
        'ППО школы А1',
        'по состоянию на 01.11.2026',
        'I. Численность членов Профсоюза',
      ]),
    );
  });

  it('XLSX: a formula cell keeps an Excel formula over the right cells, with the computed value cached', async () => {
    const ws = await sheetOf((await download(t.primA1, 'xlsx')).body as Buffer);
    const rows = formRows(ws, form('5SP'));
    const at = (code: string) => rows.find((r) => r.code === code)!;
    const c03 = at('03').cell;
    expect(c03.formula).toContain('ROUND');
    expect(c03.formula).toContain(`C${at('02').rowNumber}`);
    expect(c03.formula).toContain(`C${at('01').rowNumber}`);
    expect((c03.value as ExcelJS.CellFormulaValue).result).toBe(50);
    // Every address the formula names is a cell of row 01 or 02.
    const refs = [...c03.formula.matchAll(/\b([A-Z]+)(\d+)\b/g)].map((m) => Number(m[2]));
    expect(new Set(refs)).toEqual(new Set([at('01').rowNumber, at('02').rowNumber]));
    // An indicator cell is a plain number.
    expect(at('10').cell.formula).toBeFalsy();
  });

  it("XLSX of a territorial organisation's consolidated report holds its accepted child's figures", async () => {
    const ws = await sheetOf((await download(t.terrA1, 'xlsx')).body as Buffer);
    const rows = formRows(ws, form('2SP'));
    const v = Object.fromEntries(rows.map((r) => [r.code, r.cell.value]));
    expect(v['01']).toBe(8);
    expect(v['10']).toBe(4);
  });

  it('PDF: Cyrillic titles readable as text (font embedded)', async () => {
    const res = await download(t.primA1, 'pdf');
    expect(res.headers['content-type']).toBe('application/pdf');
    const buf = res.body as Buffer;
    expect(buf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(buf.toString('latin1')).toMatch(/\/FontFile2|\/FontFile3/);
    if (!hasPdftotext()) return;
    const text = pdfText(buf);
    for (const s of [
      'Форма 5СП. Отчёт первичной профсоюзной организации',
      'ППО школы А1',
      'Всего членов Профсоюза',
      'I. Численность членов Профсоюза',
      'Охват профсоюзным членством работающих, %',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('the API export gives the same XLSX layout for a live computation, and refuses an unknown format with 400', async () => {
    const auth = await authOf(t.primA1);
    const res = await api()
      .get(`/api/v1/orgs/${t.primA1.id}/reports/5SP/export`)
      .query({ format: 'xlsx', asOf: REPORT_DATE })
      .set('Authorization', auth)
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    const rows = formRows(await sheetOf(res.body as Buffer), form('5SP'));
    expect(rows.map((r) => r.code)).toEqual(form('5SP').sections.flatMap((s) => s.rows.map((r) => r.code)));
    expect(
      (
        await api()
          .get(`/api/v1/orgs/${t.primA1.id}/reports/5SP/export`)
          .query({ format: 'docx' })
          .set('Authorization', auth)
      ).status,
    ).toBe(400);
  });

  it('neutralises titles from an uploaded template that a spreadsheet would run as formulas (leading apostrophe)', async () => {
    const d = form('5SP');
    d.sections[0].title = '+Раздел со знаком плюс';
    d.sections[0].rows[9].title = '=HYPERLINK("http://example.com","Всего")';
    d.sections[0].rows[10].title = '@SUM(1,2)';
    d.sections[0].rows[11].title = '-1+2 из них молодёжи';
    d.columns[0].title = '=1+1';
    const agent = await loginAs((await userAt(t.central, 'ADMIN')).login);
    const token = await csrfFrom(agent, `/orgs/${t.central.id}/report-templates`);
    const up = await agent
      .post(`/orgs/${t.central.id}/report-templates`)
      .field('_csrf', token)
      .attach('file', Buffer.from(YAML.stringify(d)), 'x.yaml');
    expect(up.status).toBe(303);

    const res = await api()
      .get(`/api/v1/orgs/${t.primA2.id}/reports/5SP/export`)
      .query({ format: 'xlsx', asOf: REPORT_DATE })
      .set('Authorization', await authOf(t.primA2))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    const ws = await sheetOf(res.body as Buffer);
    const cells: ExcelJS.Cell[] = [];
    ws.eachRow((row) => row.eachCell((c) => cells.push(c)));
    const textOf = (c: ExcelJS.Cell) => (typeof c.value === 'string' ? c.value : '');
    for (const bad of [
      '=HYPERLINK("http://example.com","Всего")',
      '@SUM(1,2)',
      '-1+2 из них молодёжи',
      '+Раздел со знаком плюс',
      '=1+1',
    ]) {
      const hit = cells.find((c) => textOf(c).endsWith(bad));
      expect([bad, hit && textOf(hit)]).toEqual([bad, `'${bad}`]);
    }
    // The only formulas in the sheet are the form's own formula cells (03, 08, 64).
    const formulas = cells.filter((c) => c.formula).map((c) => asText(ws.getRow(Number(c.row)).getCell(1).value));
    expect(formulas.sort()).toEqual(['03', '08', '64']);
  });
});

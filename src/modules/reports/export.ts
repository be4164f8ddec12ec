import ExcelJS from 'exceljs';
import type { Response } from 'express';
import { neutralise, pdfDoc, pdfTable, sendPdf } from '../../lib/exports';
import { formatDay } from '../../lib/dates';
import { parseFormula, toExcel } from './formula';
import { key, type Definition, type Values } from './template';

/**
 * The form in its own layout: code, title, one column per form column; formula cells carry Excel formulas
 * (with the computed value cached) so the sheet stays live; text that could run as a formula is neutralised.
 */
export async function reportXlsx(res: Response, filename: string, def: Definition, values: Values, heading: string[]) {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Единый реестр';
  const ws = wb.addWorksheet(def.code.slice(0, 31));
  ws.getColumn(1).width = 8;
  ws.getColumn(2).width = 70;
  def.columns.forEach((_, i) => {
    ws.getColumn(3 + i).width = 16;
  });
  for (const h of heading) ws.addRow([neutralise(h)]).font = { bold: true };
  ws.addRow([]);
  ws.addRow(['Код', 'Показатель', ...def.columns.map((c) => neutralise(c.title))]).font = { bold: true };
  const addr = new Map<string, string>();
  const rowNo = new Map<string, number>();
  let n = ws.rowCount;
  for (const s of def.sections) {
    n += 1;
    for (const r of s.rows) {
      n += 1;
      rowNo.set(r.code, n);
      def.columns.forEach((c, i) => addr.set(key(r.code, c.code), `${String.fromCharCode(67 + i)}${n}`));
    }
  }
  for (const s of def.sections) {
    ws.addRow(['', neutralise(s.title)]).font = { bold: true, italic: true };
    for (const r of s.rows) {
      const cells = def.columns.map((c) => {
        const cell = r.cells[c.code];
        const v = values[key(r.code, c.code)] ?? null;
        if (cell && 'formula' in cell) {
          const f = toExcel(parseFormula(cell.formula), (row, col) => addr.get(key(row, col)) ?? '0');
          return { formula: f, result: v ?? '' };
        }
        return v;
      });
      ws.addRow([neutralise(r.code), neutralise(r.title), ...cells]);
    }
  }
  res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`);
  await wb.xlsx.write(res);
  res.end();
}

export function reportPdf(res: Response, filename: string, def: Definition, values: Values, heading: string[]) {
  const doc = pdfDoc();
  doc.font('bold').fontSize(12);
  for (const h of heading) doc.text(h);
  doc.moveDown(0.5);
  const fmt = (v: number | null | undefined) =>
    v === null || v === undefined ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(1).replace('.', ',');
  const colW = Math.floor(120 / def.columns.length) + 40;
  for (const s of def.sections) {
    doc.font('bold').fontSize(10).text(s.title);
    pdfTable(
      doc,
      [
        { header: 'Код', width: 35 },
        { header: 'Показатель', width: 515 - colW * def.columns.length - 35 },
        ...def.columns.map((c) => ({ header: c.title, width: colW, align: 'right' as const })),
      ],
      s.rows.map((r) => [r.code, r.title, ...def.columns.map((c) => fmt(values[key(r.code, c.code)]))]),
    );
  }
  doc
    .fontSize(8)
    .font('regular')
    .text(`Сформировано ${formatDay(new Date())} в Едином реестре.`);
  sendPdf(res, filename, doc);
}

import path from 'node:path';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import type { Response } from 'express';

/** A text that a spreadsheet would run as a formula (= + - @, also tab/CR tricks) is prefixed with an apostrophe. */
export function neutralise(v: unknown): unknown {
  // A phone or a signed number (digits, spaces, brackets, dashes only) cannot carry a formula: left as is.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) && !/^[+-][\d\s().-]*$/.test(v)) return `'${v}`;
  return v;
}

export interface Column {
  header: string;
  key: string;
  width?: number;
  numFmt?: string;
}

export async function sendXlsx(
  res: Response,
  filename: string,
  sheet: string,
  columns: Column[],
  rows: Record<string, unknown>[],
  opts: { title?: string; totals?: Record<string, unknown> } = {},
) {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Единый реестр';
  const ws = wb.addWorksheet(sheet.slice(0, 31));
  if (opts.title) {
    ws.addRow([neutralise(opts.title)]).font = { bold: true, size: 13 };
    ws.addRow([]);
  }
  const header = ws.addRow(columns.map((c) => neutralise(c.header)));
  header.font = { bold: true };
  columns.forEach((c, i) => {
    ws.getColumn(i + 1).width = c.width ?? 18;
    if (c.numFmt) ws.getColumn(i + 1).numFmt = c.numFmt;
  });
  for (const r of rows) ws.addRow(columns.map((c) => neutralise(r[c.key])));
  if (opts.totals) ws.addRow(columns.map((c) => neutralise(opts.totals![c.key]))).font = { bold: true };
  res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`);
  await wb.xlsx.write(res);
  res.end();
}

export function sendCsv(res: Response, filename: string, columns: Column[], rows: Record<string, unknown>[]) {
  const esc = (v: unknown) => {
    const s = String(neutralise(v ?? ''));
    return /[;"\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [
    columns.map((c) => esc(c.header)).join(';'),
    ...rows.map((r) => columns.map((c) => esc(r[c.key])).join(';')),
  ];
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`);
  // BOM: Excel opens UTF-8 CSV with Cyrillic correctly only with it.
  res.send(`\uFEFF${lines.join('\r\n')}\r\n`);
}

export const FONT_REGULAR = path.resolve(__dirname, '../../node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
export const FONT_BOLD = path.resolve(__dirname, '../../node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

/** A PDF document with a Cyrillic font embedded (the 14 standard PDF fonts have no Cyrillic). */
export function pdfDoc(opts: PDFKit.PDFDocumentOptions = {}): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 40,
    ...opts,
    info: { Title: 'Единый реестр', Producer: 'Единый реестр' },
  });
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);
  doc.font('regular');
  return doc;
}

export function sendPdf(res: Response, filename: string, doc: PDFKit.PDFDocument) {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`);
  doc.pipe(res);
  doc.end();
}

/** A simple table with optional horizontal bars in the last column (a chart that needs no script). */
export function pdfTable(
  doc: PDFKit.PDFDocument,
  columns: { header: string; width: number; align?: 'left' | 'right' }[],
  rows: string[][],
  bars?: number[],
) {
  const x0 = doc.page.margins.left;
  let y = doc.y;
  const rowH = 18;
  const drawRow = (cells: string[], bold: boolean, bar?: number) => {
    if (y + rowH > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      y = doc.page.margins.top;
    }
    let x = x0;
    doc.font(bold ? 'bold' : 'regular').fontSize(9);
    cells.forEach((c, i) => {
      doc.text(c, x + 2, y + 4, {
        width: columns[i].width - 4,
        align: columns[i].align ?? 'left',
        lineBreak: false,
        ellipsis: true,
      });
      x += columns[i].width;
    });
    if (bar !== undefined) {
      doc
        .rect(x + 4, y + 4, Math.max(0, Math.min(100, bar)) * 0.8, 10)
        .fill('#0b57a4')
        .fillColor('black');
    }
    doc
      .moveTo(x0, y + rowH)
      .lineTo(x, y + rowH)
      .strokeColor('#cccccc')
      .stroke()
      .strokeColor('black');
    y += rowH;
  };
  drawRow(
    columns.map((c) => c.header),
    true,
  );
  rows.forEach((r, i) => drawRow(r, false, bars?.[i]));
  doc.y = y + 6;
}

// @ts-check
'use strict';
/**
 * Reads the first sheet of an XLSX file off the request thread (a worker thread, see files.ts): exceljs'
 * streaming reader goes through the sheet XML row by row, and reading stops as soon as there are more data rows
 * than the import accepts, so a huge sheet (e.g. 0.9 M rows in 20 MB) costs neither the server's time nor its
 * memory. Plain JavaScript so that it runs in a worker under tsx, jest and compiled builds alike.
 */
const { parentPort, workerData } = require('node:worker_threads');
const { sendAnswer } = require('./send-rows');
const { Readable } = require('node:stream');
const ExcelJS = require('exceljs');

/** @param {unknown} v @returns {string} */
function cellText(v) {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object') {
    const o = /** @type {Record<string, unknown>} */ (v);
    if (Array.isArray(o.richText)) return o.richText.map((t) => String(t.text ?? '')).join('');
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return String(o.text);
  }
  return String(v);
}

async function main() {
  const { buf, maxRows } = /** @type {{ buf: Uint8Array; maxRows: number }} */ (workerData);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([Buffer.from(buf)]), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  /** @type {string[][]} */
  const rows = [];
  let sheets = 0;
  for await (const ws of reader) {
    sheets += 1;
    for await (const row of ws) {
      const values = /** @type {unknown[]} */ (row.values);
      /** @type {string[]} */
      const cells = [];
      for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
      if (!cells.some((c) => c.trim() !== '')) continue;
      rows.push(cells);
      // The header row plus one more than the limit is enough to refuse the file.
      if (rows.length > maxRows + 1) return { tooMany: true };
    }
    // The first sheet only.
    break;
  }
  return sheets ? { rows } : { noSheet: true };
}

main().then(
  (r) => sendAnswer(r),
  (e) => parentPort?.postMessage({ error: String((e && e.message) || e), done: true }),
);

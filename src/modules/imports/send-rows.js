// @ts-check
'use strict';
/**
 * How a reading worker (csv-rows.worker.js, xlsx-rows.worker.js) hands its rows to the server: 5,000 rows per
 * message, the next one only when the server asks (files.ts answers 'more' after a turn of its event loop).
 * One message of 200,000 rows took about a second to unpack on the server's thread, and every other user waited.
 */
const { parentPort } = require('node:worker_threads');

const BATCH = 5000;

/**
 * The table as the import reads it: rows with no text dropped, every cell a trimmed string, every row as wide as
 * the widest (done here, off the server's thread: 1.4 million cells took half a second there).
 * @param {unknown[][]} raw @returns {string[][]}
 */
function normalised(raw) {
  const rows = raw.filter((r) => r.some((c) => String(c ?? '').trim() !== ''));
  let width = 0;
  for (const r of rows) if (r.length > width) width = r.length; // no spread: 200,000 arguments overflow the stack
  return rows.map((r) => Array.from({ length: width }, (_, i) => String(r[i] ?? '').trim()));
}

/** @param {Record<string, unknown> & { rows?: unknown[][] }} answer */
async function sendAnswer(answer) {
  const port = parentPort;
  if (!port) return;
  const rows = answer.rows && normalised(answer.rows);
  const rest = { ...answer, rows: undefined };
  if (rows) {
    for (let i = 0; i < rows.length; i += BATCH) {
      const asked = new Promise((resolve) => port.once('message', resolve));
      port.postMessage({ part: rows.slice(i, i + BATCH) });
      await asked;
    }
  }
  port.postMessage({ ...rest, done: true, ...(rows ? { rows: [] } : {}) });
}

module.exports = { sendAnswer, normalised };

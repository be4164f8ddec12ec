// @ts-check
'use strict';
/**
 * Reads a CSV file off the request thread (a worker thread, see files.ts), the way xlsx-rows.worker.js reads an
 * XLSX: the bytes are decoded 1 MB at a time (UTF-8, or Windows-1251 when they are not valid UTF-8: what Russian
 * Excel saves), streamed through csv-parse, and reading stops as soon as there are more data rows than the import
 * accepts, so neither a huge file nor millions of tiny rows hold the server or its memory. Plain JavaScript so that
 * it runs in a worker under tsx, jest and compiled builds alike.
 */
const { parentPort, workerData } = require('node:worker_threads');
const { sendAnswer } = require('./send-rows');
const { Readable } = require('node:stream');
const { parse } = require('csv-parse');
const iconv = require('iconv-lite');

const CHUNK = 1024 * 1024;

/** @param {Buffer} b @returns {Generator<Buffer>} */
function* chunks(b) {
  for (let i = 0; i < b.length; i += CHUNK) yield b.subarray(i, i + CHUNK);
}

/** Valid UTF-8 throughout (checked chunk by chunk, nothing kept)? */
function isUtf8(/** @type {Buffer} */ b) {
  const d = new TextDecoder('utf-8', { fatal: true });
  try {
    for (const c of chunks(b)) d.decode(c, { stream: true });
    d.decode();
    return true;
  } catch {
    return false;
  }
}

/** @param {Buffer} b @param {boolean} utf8 @returns {Generator<string>} */
function* decoded(b, utf8) {
  if (utf8) {
    const d = new TextDecoder('utf-8');
    for (const c of chunks(b)) yield d.decode(c, { stream: true });
    const tail = d.decode();
    if (tail) yield tail;
  } else {
    const d = iconv.getDecoder('win1251');
    for (const c of chunks(b)) yield d.write(c);
    const tail = d.end();
    if (tail) yield tail;
  }
}

/** The separator Russian Excel uses is «;»; a file whose first line has more commas than semicolons uses «,». */
function delimiterOf(/** @type {string} */ firstChunk) {
  const first = firstChunk.split(/\r?\n/, 1)[0] ?? '';
  return (first.match(/;/g)?.length ?? 0) >= (first.match(/,/g)?.length ?? 0) ? ';' : ',';
}

async function main() {
  const { buf, maxRows } = /** @type {{ buf: Uint8Array; maxRows: number }} */ (workerData);
  let b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  const utf8 = isUtf8(b);
  const head = decoded(b, utf8).next().value ?? '';
  const parser = Readable.from(decoded(b, utf8)).pipe(
    parse({ delimiter: delimiterOf(head), relax_column_count: true, skip_empty_lines: true, trim: true }),
  );
  /** @type {string[][]} */
  const rows = [];
  try {
    for await (const record of parser) {
      const cells = /** @type {string[]} */ (record);
      if (!cells.some((c) => c !== '')) continue;
      rows.push(cells);
      // The header row plus one more than the limit is enough to refuse the file.
      if (rows.length > maxRows + 1) {
        parser.destroy();
        return { tooMany: true };
      }
    }
  } catch (e) {
    const err = /** @type {{ code?: string; lines?: number }} */ (e);
    return { badLine: err.lines ?? 0, quotes: /QUOTE/.test(err.code ?? '') };
  }
  return { rows };
}

main().then(
  (r) => sendAnswer(r),
  (e) => parentPort?.postMessage({ error: String((e && e.message) || e), done: true }),
);

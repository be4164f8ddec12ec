/**
 * Shared steps of the import tests: files built in the test (CSV in UTF-8 or Windows-1251, XLSX with exceljs,
 * hand-made zips), uploads through the page and the API, waiting for a job, and database counts.
 */
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type request from 'supertest';
import { db, sqlPool } from '../../src/db';
import { asText } from '../../src/lib/text';
import { csrfFrom } from '../helpers';

type Res = request.Response;

/** Fails with the method, URL, status and a piece of the body when the status is not the expected one. */
export function expectStatus(res: Res, status: number): Res {
  if (res.status !== status) {
    const req = (res as unknown as { req: { method: string; path: string } }).req;
    const body =
      res.body && Object.keys(res.body).length
        ? JSON.stringify(res.body)
        : String(res.text ?? '')
            .replace(/\s+/g, ' ')
            .slice(0, 1500);
    throw new Error(`${req.method} ${req.path}: expected ${status}, got ${res.status} ${body}`);
  }
  return res;
}

// ---------- files ----------

/** CSV text from rows; UTF-8 (with a BOM unless told) or Windows-1251; CRLF line ends as Excel writes them. */
export function csv(
  rows: (string | number)[][],
  o: { sep?: ';' | ','; encoding?: 'utf8' | 'win1251'; bom?: boolean } = {},
): Buffer {
  const sep = o.sep ?? ';';
  const text =
    rows
      .map((r) =>
        r
          .map((c) => {
            const s = String(c);
            return s.includes(sep) || s.includes('"') || s.includes('\n') ? `"${s.replace(/"/g, '""')}"` : s;
          })
          .join(sep),
      )
      .join('\r\n') + '\r\n';
  if (o.encoding === 'win1251') return iconv.encode(text, 'win1251');
  return Buffer.from(((o.bom ?? true) ? '\uFEFF' : '') + text, 'utf8');
}

/** An .xlsx with one sheet; cells may be strings, numbers or Dates (as Excel stores them). */
export async function xlsx(rows: (string | number | Date | null)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Список');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Reads the first sheet of an .xlsx back as rows of cell texts. */
export async function readXlsx(buf: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const out: string[][] = [];
  wb.worksheets[0].eachRow({ includeEmpty: false }, (row) => {
    out.push((row.values as ExcelJS.CellValue[]).slice(1).map((v) => (v === null || v === undefined ? '' : asText(v))));
  });
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  const native = (zlib as unknown as { crc32?: (b: Buffer) => number }).crc32;
  if (native) return native(buf) >>> 0;
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A minimal zip writer (deflated entries, no zip64). `declaredSize` lets an entry lie about its inflated size
 * in both headers (a bomb that hides from a directory-only check).
 */
export function makeZip(entries: { name: string; data: Buffer; declaredSize?: number; level?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const comp = zlib.deflateRawSync(e.data, { level: e.level ?? 9 });
    const crc = crc32(e.data);
    const size = e.declaredSize ?? e.data.length;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x0800, 6);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt16LE(0, 10);
    lh.writeUInt16LE(0x21, 12);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(0, 28);
    locals.push(lh, name, comp);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x0800, 8);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt16LE(0, 12);
    ch.writeUInt16LE(0x21, 14);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt16LE(0, 30);
    ch.writeUInt16LE(0, 32);
    ch.writeUInt16LE(0, 34);
    ch.writeUInt16LE(0, 36);
    ch.writeUInt32LE(0, 38);
    ch.writeUInt32LE(offset, 42);
    central.push(ch, name);
    offset += lh.length + name.length + comp.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, cd, end]);
}

// ---------- uploads and jobs ----------

/** Uploads a file through the page form (multipart, the CSRF token as a field). */
export async function uploadPage(
  agent: request.Agent,
  orgId: string,
  file: Buffer,
  name: string,
  fields: Record<string, string> = {},
): Promise<Res> {
  const csrf = await csrfFrom(agent, `/orgs/${orgId}/imports`);
  let req = agent.post(`/orgs/${orgId}/imports`).field('_csrf', csrf);
  for (const [k, v] of Object.entries({ mode: 'add', ...fields })) req = req.field(k, v);
  return req.attach('file', file, name);
}

/** Uploads through the page and returns the new job's id (the 303 points at /imports/:id). */
export async function uploadJob(
  agent: request.Agent,
  orgId: string,
  file: Buffer,
  name: string,
  fields: Record<string, string> = {},
): Promise<string> {
  const res = expectStatus(await uploadPage(agent, orgId, file, name, fields), 303);
  const m = /^\/imports\/([0-9a-f-]{36})$/.exec(String(res.headers.location));
  if (!m) throw new Error(`Unexpected redirect ${res.headers.location}`);
  return m[1];
}

/** Confirms the run on the job page (consents ticked); for sync the exit reason and date. */
export async function runPage(agent: request.Agent, jobId: string, fields: Record<string, string> = {}): Promise<Res> {
  const csrf = await csrfFrom(agent, `/imports/${jobId}`);
  return agent
    .post(`/imports/${jobId}/run`)
    .type('form')
    .send({ _csrf: csrf, consents: 'on', ...fields });
}

export type JobRow = Awaited<ReturnType<typeof jobRow>>;
export async function jobRow(id: string) {
  return db().importJob.findUniqueOrThrow({ where: { id } });
}

/** Waits until the job is DONE or FAILED (the in-process queue runs it asynchronously). */
export async function waitJob(id: string, timeoutMs = 60_000): Promise<JobRow> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const j = await jobRow(id);
    if (j.status === 'DONE' || j.status === 'FAILED' || j.status === 'UNDONE') return j;
    if (Date.now() > until) throw new Error(`Job ${id} still ${j.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ImportResult {
  created: number;
  updated: number;
  exited: number;
  unchanged: number;
  rejected: { row: number; errors: string[] }[];
  undo?: { reversed: number; skipped: { memberId: string; reason: string }[] };
}
export function resultOf(j: JobRow): ImportResult {
  return j.result as unknown as ImportResult;
}

/** Uploads, confirms and waits: the finished job. */
export async function importViaPage(
  agent: request.Agent,
  orgId: string,
  file: Buffer,
  name: string,
  upload: Record<string, string> = {},
  run: Record<string, string> = {},
): Promise<JobRow> {
  const id = await uploadJob(agent, orgId, file, name, upload);
  expectStatus(await runPage(agent, id, run), 303);
  return waitJob(id);
}

// ---------- database ----------

/** Row counts of every table an import writes to. */
export async function tableCounts(): Promise<Record<string, number>> {
  const r = await sqlPool().query(`SELECT
    (SELECT count(*) FROM "Person")::int AS person, (SELECT count(*) FROM "Member")::int AS member,
    (SELECT count(*) FROM "Registration")::int AS registration, (SELECT count(*) FROM "Movement")::int AS movement,
    (SELECT count(*) FROM "Consent")::int AS consent, (SELECT count(*) FROM "Card")::int AS card,
    (SELECT count(*) FROM "CardEvent")::int AS "cardEvent", (SELECT count(*) FROM "ImportChange")::int AS "importChange"`);
  return r.rows[0];
}

/** Members of one organisation with their person, newest first. */
export async function membersOf(orgId: string) {
  return db().member.findMany({
    where: { organisationId: orgId },
    include: { person: true },
    orderBy: { createdAt: 'asc' },
  });
}

/** The first number in the preview tile with this caption («будут добавлены» …). */
export function tile(html: string, caption: string): number {
  const m = new RegExp(`<b>(\\d+)</b>\\s*${caption}`).exec(html);
  if (!m) throw new Error(`No tile «${caption}» on the page`);
  return Number(m[1]);
}

/** The page's text with tags stripped and entities decoded (for messages with quotes). */
export function pageText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/**
 * Shared steps of the card tests: chairs per organisation (made once per test file), the path of an order
 * through the API, and readers for the XLSX, CSV and PDF files the app sends.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type request from 'supertest';
import { api, bearer, userWith } from '../helpers';
import type { BuiltOrg } from '../../src/seed/builders.repo';

type Res = request.Response;

const chairs = new Map<string, { id: string; login: string; auth: string }>();

/** The chair of an organisation (CHAIR role there), made on first use: its id, login and bearer header. */
export async function chairOf(org: { id: string }) {
  let c = chairs.get(org.id);
  if (!c) {
    const u = await userWith('CHAIR', org);
    c = { id: u.id, login: u.login, auth: await bearer(u.id) };
    chairs.set(org.id, c);
  }
  return c;
}

export async function authOf(org: { id: string }): Promise<string> {
  return (await chairOf(org)).auth;
}

/** Fails with the method, URL, status and body when the status is not the expected one. */
export function expectStatus(res: Res, status: number): Res {
  if (res.status !== status) {
    const req = (res as unknown as { req: { method: string; path: string } }).req;
    throw new Error(`${req.method} ${req.path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res;
}

/** Organisation ids from the root down to `org` itself. */
export function chainOf(org: BuiltOrg): string[] {
  return org.path.split('/').filter(Boolean);
}

/** The organisations that hold an order on its way up: the primary's parent, …, up to (not incl.) the central council. */
function holdersUp(primary: BuiltOrg): { id: string }[] {
  return chainOf(primary)
    .slice(1, -1)
    .reverse()
    .map((id) => ({ id }));
}

export async function submitOrder(primary: BuiltOrg, memberIds: string[]): Promise<string> {
  const res = expectStatus(
    await api()
      .post(`/api/v1/orgs/${primary.id}/card-orders`)
      .set('Authorization', await authOf(primary))
      .send({ memberIds }),
    201,
  );
  return res.body.id;
}

/** Each holder's chair forwards the order one level up until it reaches the central council. */
export async function forwardUp(orderId: string, primary: BuiltOrg): Promise<void> {
  for (const h of holdersUp(primary)) {
    expectStatus(
      await api()
        .post(`/api/v1/card-orders/${orderId}/forward`)
        .set('Authorization', await authOf(h)),
      200,
    );
  }
}

export async function createBatch(central: { id: string }, body: Record<string, unknown> = { allForwarded: true }) {
  return expectStatus(
    await api()
      .post('/api/v1/card-batches')
      .set('Authorization', await authOf(central))
      .send(body),
    201,
  ).body as { id: string; count: number; byRegion: { organisationId: string; name: string; count: number }[] };
}

export async function produceAndDeliver(central: { id: string }, batchId: string): Promise<void> {
  const auth = await authOf(central);
  expectStatus(await api().post(`/api/v1/card-batches/${batchId}/produced`).set('Authorization', auth), 200);
  expectStatus(await api().post(`/api/v1/card-batches/${batchId}/delivered`).set('Authorization', auth), 200);
}

/** The region, then each level below it, marks the delivery one level down until the primary organisation. */
export async function deliverDown(orderId: string, primary: BuiltOrg): Promise<void> {
  for (const h of holdersUp(primary).reverse()) {
    expectStatus(
      await api()
        .post(`/api/v1/card-orders/${orderId}/delivered`)
        .set('Authorization', await authOf(h)),
      200,
    );
  }
}

export async function issueOrder(primary: BuiltOrg, orderId: string, date?: string): Promise<void> {
  expectStatus(
    await api()
      .post('/api/v1/cards/issue')
      .set('Authorization', await authOf(primary))
      .send({ orderId, ...(date ? { date } : {}) }),
    200,
  );
}

/**
 * The whole path for several primary organisations at once: order, forward up, one batch, produced,
 * delivered, delivered down, issued (on `date`, default today). Returns the order ids and the batch.
 */
export async function plasticIssued(
  central: { id: string },
  orders: { primary: BuiltOrg; memberIds: string[] }[],
  date?: string,
) {
  const ids: string[] = [];
  for (const o of orders) {
    const id = await submitOrder(o.primary, o.memberIds);
    await forwardUp(id, o.primary);
    ids.push(id);
  }
  const batch = await createBatch(central, { orderIds: ids });
  await produceAndDeliver(central, batch.id);
  for (const [i, o] of orders.entries()) {
    await deliverDown(ids[i], o.primary);
    await issueOrder(o.primary, ids[i], date);
  }
  return { orderIds: ids, batch };
}

export async function virtualCard(org: { id: string }, memberId: string) {
  return expectStatus(
    await api()
      .post(`/api/v1/members/${memberId}/virtual-card`)
      .set('Authorization', await authOf(org)),
    201,
  ).body as { id: string; number: string; form: string; status: string };
}

export async function cardsOf(org: { id: string }, memberId: string) {
  return expectStatus(
    await api()
      .get(`/api/v1/members/${memberId}/cards`)
      .set('Authorization', await authOf(org)),
    200,
  ).body.items as {
    id: string;
    number: string;
    form: string;
    status: string;
    blockReason: string | null;
    blockedAt: string | null;
    orderId: string | null;
    replacesId: string | null;
    issuedAt: string | null;
    history: { status: string; date: string; note: string | null }[];
  }[];
}

/** Makes supertest keep a binary response as a Buffer in res.body. */
export function binary(res: request.Response, cb: (err: Error | null, body: unknown) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

/** The non-empty rows of the first sheet, each as an array of cell values (column A first). */
export async function xlsxRows(buf: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

let pdftotext: boolean | undefined;
function hasPdftotext(): boolean {
  if (pdftotext === undefined) {
    try {
      execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
      pdftotext = true;
    } catch {
      pdftotext = false;
    }
  }
  return pdftotext;
}

/**
 * Checks that a PDF shows `texts`: with pdftotext when it is installed (the text as a reader would copy it),
 * otherwise that the document embeds a DejaVu font (the standard PDF fonts have no Cyrillic).
 */
export function expectPdfShows(buf: Buffer, texts: string[]): string | null {
  expect(buf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(buf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
  if (!hasPdftotext()) return null;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-')), 'doc.pdf');
  fs.writeFileSync(file, buf);
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  for (const t of texts) expect(text).toContain(t);
  return text;
}

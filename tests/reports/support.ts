/**
 * Shared steps of the statistical report tests: chairs per organisation, the API calls of the workflow,
 * rows of a form as a map, and readers of the XLSX and PDF files the app sends.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type request from 'supertest';
import { api, bearer, userWith } from '../helpers';
import { db } from '../../src/db';
import type { Role } from '../../src/generated/prisma/client';

type Res = request.Response;

const users = new Map<string, { id: string; login: string; auth: string }>();

/** A user holding `role` at `org` (made once per test file): its id, login and bearer header. */
export async function userAt(org: { id: string }, role: Role = 'CHAIR') {
  const k = `${role}:${org.id}`;
  let u = users.get(k);
  if (!u) {
    const made = await userWith(role, org);
    u = { id: made.id, login: made.login, auth: await bearer(made.id) };
    users.set(k, u);
  }
  return u;
}

export async function authOf(org: { id: string }, role: Role = 'CHAIR'): Promise<string> {
  return (await userAt(org, role)).auth;
}

/** Fails with the method, URL, status and body when the status is not the expected one. */
export function expectStatus(res: Res, status: number): Res {
  if (res.status !== status) {
    const req = (res as unknown as { req: { method: string; path: string } }).req;
    throw new Error(`${req.method} ${req.path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res;
}

export type Row = { code: string; title: string; values: Record<string, number | null> };

/** Row code → value of column "v". */
export function valuesOf(rows: Row[]): Record<string, number | null> {
  return Object.fromEntries(rows.map((r) => [r.code, r.values.v]));
}

/** GET /api/v1/orgs/:id/reports/:form?asOf= (live) — rows as {code: value}. */
export async function live(org: { id: string }, form: string, asOf: string, auth: string) {
  const res = expectStatus(
    await api().get(`/api/v1/orgs/${org.id}/reports/${form}`).query({ asOf }).set('Authorization', auth),
    200,
  );
  return { body: res.body, v: valuesOf(res.body.rows) };
}

/** GET /api/v1/orgs/:id/reports/:form?campaign= — the campaign report. */
export async function inCampaign(org: { id: string }, form: string, campaign: string, auth: string) {
  const res = expectStatus(
    await api().get(`/api/v1/orgs/${org.id}/reports/${form}`).query({ campaign }).set('Authorization', auth),
    200,
  );
  return { body: res.body, v: valuesOf(res.body.rows) };
}

export function step(
  org: { id: string },
  form: string,
  what: 'submit' | 'accept' | 'return',
  auth: string,
  body: Record<string, unknown>,
) {
  return api().post(`/api/v1/orgs/${org.id}/reports/${form}/${what}`).set('Authorization', auth).send(body);
}

/** The entered cells of 5СП that a primary chair types. */
export const ENTERED_OK = (employees = 40) => ({ '01.v': employees, '06.v': 0, '4B.v': 0, '55.v': 0 });

/** A person's CHAIR post (or another position) in an organisation. */
export async function addPosition(
  personId: string,
  org: { id: string },
  kind: 'CHAIR' | 'STAFF' | 'COMMITTEE_MEMBER' | 'SAFETY_REPRESENTATIVE',
  startDate: string,
  o: { isPaid?: boolean; endDate?: string } = {},
) {
  await db().position.create({
    data: {
      personId,
      organisationId: org.id,
      kind,
      startDate: new Date(`${startDate}T00:00:00Z`),
      endDate: o.endDate ? new Date(`${o.endDate}T00:00:00Z`) : null,
      isPaid: o.isPaid ?? false,
    },
  });
}

/** Makes supertest keep a binary response as a Buffer in res.body. */
export function binary(res: request.Response, cb: (err: Error | null, body: unknown) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

let pdftotext: boolean | undefined;
export function hasPdftotext(): boolean {
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

/** The text of a PDF as a reader would copy it (pdftotext), whitespace collapsed. */
export function pdfText(buf: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'report-pdf-')), 'doc.pdf');
  fs.writeFileSync(file, buf);
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

// A report's way through a campaign: created, entered, submitted, accepted or returned. Its figures: figures.ts.
import { db } from '../../db';
import { AppError } from '../../http/errors';
import { asText } from '../../lib/text';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { computeReport, templateFor, type OrgLite } from './figures';
import { createReport, findReport, updateReport } from './reports.repo';
import { cellsOf, key, type Definition, type Values } from './template';

export async function ensureReport(campaignId: string, org: OrgLite) {
  const found = await findReport(campaignId, org.id);
  if (found) return found;
  const tpl = await templateFor(org);
  return createReport(undefined, campaignId, org.id, tpl.id);
}

/** A report is accepted or returned from above: not by someone who also holds a role in the organisation itself. */
function notOwn(actor: Actor, org: { id: string }) {
  if (actor.assignments.some((a) => a.organisationId === org.id))
    throw new AppError('FORBIDDEN', 'Свой отчёт принимает вышестоящая организация');
}

function assertOpen(campaign: { status: string }) {
  if (campaign.status !== 'OPEN')
    throw new AppError('UNPROCESSABLE', 'Отчётная кампания закрыта: отчёты не изменяются');
}

export function parseEntered(
  def: Definition,
  raw: Record<string, unknown>,
): { values: Values; errors: Record<string, string> } {
  const values: Values = {};
  const errors: Record<string, string> = {};
  for (const [k, , , c] of cellsOf(def)) {
    if (!('entered' in c)) continue;
    const v = raw[k];
    if (v === undefined || v === null || v === '') {
      values[k] = null;
      continue;
    }
    const n = typeof v === 'number' ? v : Number(asText(v).replace(/\s/g, '').replace(',', '.'));
    if (!Number.isFinite(n) || n < 0 || !Number.isInteger(n)) errors[k] = 'Целое число не меньше 0';
    else if (n > (c.max ?? 10_000_000)) errors[k] = 'Слишком большое число';
    else values[k] = n;
  }
  return { values, errors };
}

export async function saveEntered(
  actor: Actor,
  campaign: { id: string; status: string },
  report: { id: string; version: number; status: string; organisationId: string },
  def: Definition,
  raw: Record<string, unknown>,
) {
  assertOpen(campaign);
  if (!['DRAFT', 'RETURNED'].includes(report.status))
    throw new AppError('UNPROCESSABLE', 'Отчёт отправлен: изменить его можно, только если его вернут');
  const { values, errors } = parseEntered(def, raw);
  if (Object.keys(errors).length) throw new AppError('BAD_REQUEST', undefined, errors);
  await db().$transaction(async (tx) => {
    if (!(await updateReport(tx, report.id, report.version, { entered: values }))) throw new AppError('STALE_VERSION');
    await audit(
      actor,
      { action: 'report.saved', entity: 'Report', entityId: report.id, organisationId: report.organisationId },
      tx,
    );
  });
}

export async function submitReport(
  actor: Actor,
  campaign: { id: string; status: string; reportDate: Date },
  org: OrgLite,
  report: { id: string; version: number; status: string; templateId: string; entered: unknown; frozen: unknown },
) {
  assertOpen(campaign);
  if (!['DRAFT', 'RETURNED'].includes(report.status)) throw new AppError('UNPROCESSABLE', 'Отчёт уже отправлен');
  const c = await computeReport(org, campaign, report);
  if (c.failed.length)
    throw new AppError('UNPROCESSABLE', `Отчёт не прошёл проверки: ${c.failed.join('; ')}`, undefined, {
      checks: c.failed,
    });
  await db().$transaction(async (tx) => {
    if (
      !(await updateReport(tx, report.id, report.version, {
        status: 'SUBMITTED',
        submittedAt: new Date(),
        comment: null,
        frozen: c.values,
      }))
    )
      throw new AppError('STALE_VERSION');
    await audit(
      actor,
      { action: 'report.submitted', entity: 'Report', entityId: report.id, organisationId: org.id },
      tx,
    );
  });
}

/** The parent accepts: the figures are frozen as they are now, whatever happens in the registry later. */
export async function acceptReport(
  actor: Actor,
  campaign: { id: string; status: string; reportDate: Date },
  org: OrgLite,
  report: { id: string; version: number; status: string; templateId: string; entered: unknown; frozen: unknown },
) {
  assertOpen(campaign);
  notOwn(actor, org);
  if (report.status !== 'SUBMITTED') throw new AppError('UNPROCESSABLE', 'Принять можно только отправленный отчёт');
  const c = await computeReport(org, campaign, report);
  if (c.failed.length) throw new AppError('UNPROCESSABLE', `Отчёт не проходит проверки: ${c.failed.join('; ')}`);
  await db().$transaction(async (tx) => {
    if (
      !(await updateReport(tx, report.id, report.version, {
        status: 'ACCEPTED',
        frozen: c.values,
        acceptedAt: new Date(),
      }))
    )
      throw new AppError('STALE_VERSION');
    await audit(
      actor,
      { action: 'report.accepted', entity: 'Report', entityId: report.id, organisationId: org.id },
      tx,
    );
  });
}

/** The parent returns a submitted (or accepted, while its own report is still open) report with a comment. */
export async function returnReport(
  actor: Actor,
  campaign: { id: string; status: string },
  org: OrgLite & { parentId?: string | null },
  report: { id: string; version: number; status: string },
  comment: string,
) {
  assertOpen(campaign);
  notOwn(actor, org);
  if (!['SUBMITTED', 'ACCEPTED'].includes(report.status))
    throw new AppError('UNPROCESSABLE', 'Вернуть можно только отправленный или принятый отчёт');
  if (report.status === 'ACCEPTED' && org.parentId) {
    const parentReport = await findReport(campaign.id, org.parentId);
    if (parentReport && ['SUBMITTED', 'ACCEPTED'].includes(parentReport.status))
      throw new AppError(
        'UNPROCESSABLE',
        'Сводный отчёт вышестоящей организации уже отправлен: сначала его должны вернуть',
      );
  }
  await db().$transaction(async (tx) => {
    if (
      !(await updateReport(tx, report.id, report.version, {
        status: 'RETURNED',
        comment,
        frozen: null,
        acceptedAt: null,
      }))
    )
      throw new AppError('STALE_VERSION');
    await audit(
      actor,
      { action: 'report.returned', entity: 'Report', entityId: report.id, organisationId: org.id },
      tx,
    );
  });
}

export { key };

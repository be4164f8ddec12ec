// What the import pages and the API share: the stored mapping, a job in the caller's scope, a new job from a file.
import crypto from 'node:crypto';
import type { Category } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import type { Ctx } from '../../http/route';
import { audit } from '../audit/audit.repo';
import { findVisible, type OrgRow } from '../organisations/organisations.repo';
import { guessMapping, mappingProblems, type Mapping } from './fields';
import { checkFile, readTable } from './files';
import { findImportJob, insertImportJob, savedMapping } from './imports.repo';
import { cutText } from '../../lib/text';

export interface StoredMapping {
  columns: Mapping;
  category?: Category;
  joinedAt?: string;
}

export async function loadJob(ctx: Ctx, id: string) {
  const job = await findImportJob(id);
  const org = job ? await findVisible(ctx.actor, job.organisationId) : null;
  if (!job || !org) throw new AppError('NOT_FOUND');
  ctx.authorize(org.path);
  return { job, org };
}

/** Reads an uploaded file (checked by content), guesses or reuses the mapping, and stores a job to preview. */
export async function createJob(
  ctx: Ctx,
  org: OrgRow,
  file: { buffer: Buffer; originalname: string } | undefined,
  mode: 'ADD' | 'SYNC',
  defaults: { category: Category; joinedAt: string },
) {
  if (org.kind !== 'PRIMARY' && org.kind !== 'PROFBURO' && org.kind !== 'PROFGROUP')
    throw new AppError('BAD_REQUEST', 'Импорт делается в первичную организацию', {
      file: 'Откройте импорт в первичной организации',
    });
  if (!file) throw new AppError('BAD_REQUEST', undefined, { file: 'Выберите файл .xlsx или .csv' });
  const kind = await checkFile(file.buffer, file.originalname);
  const table = await readTable(file.buffer, kind);
  const saved = (await savedMapping(org.id))?.mapping as StoredMapping | undefined;
  const guessed = guessMapping(table.headers);
  const columns =
    saved &&
    Object.values(saved.columns).every((i) => i !== undefined && i < table.headers.length) &&
    !mappingProblems(saved.columns).length
      ? saved.columns
      : guessed;
  const job = await insertImportJob({
    organisationId: org.id,
    userId: ctx.actor.userId,
    mode,
    fileName: cutText(file.originalname, 200),
    file: file.buffer,
    fileHash: crypto.createHash('sha256').update(file.buffer).digest('hex'),
    mapping: { columns, ...defaults },
  });
  await audit(ctx.actor, {
    action: 'import.created',
    entity: 'ImportJob',
    entityId: job.id,
    organisationId: org.id,
    rowCount: table.rows.length,
    details: { mode },
  });
  return { job, table };
}

export const modeOf = (v: unknown): 'ADD' | 'SYNC' => (String(v).toLowerCase() === 'sync' ? 'SYNC' : 'ADD');
export const categoryOf = (v: unknown): Category =>
  ['WORKING', 'STUDENT', 'PENSIONER'].includes(String(v)) ? (String(v) as Category) : 'WORKING';

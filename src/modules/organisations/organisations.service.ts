import { db } from '../../db';
import type { OrgKind } from '../../generated/prisma/enums';
import { AppError } from '../../http/errors';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { activeContent, insertChild, markExcluded, updatePassport, type OrgRow } from './organisations.repo';
import { kindFitsParent, KIND_LABELS } from './levels';
import type { PassportInput } from './organisations.input';

export async function createChild(actor: Actor, parent: OrgRow, kind: OrgKind, input: PassportInput): Promise<OrgRow> {
  if (parent.status !== 'ACTIVE')
    throw new AppError('UNPROCESSABLE', 'Организация исключена из реестра: в ней нельзя создавать новые');
  if (!kindFitsParent(kind, parent)) {
    throw new AppError('BAD_REQUEST', undefined, {
      kind: `«${KIND_LABELS[kind]}» не может входить в «${KIND_LABELS[parent.kind]}»`,
    });
  }
  return db().$transaction(async (tx) => {
    const org = await insertChild(tx, parent, kind, input);
    await audit(
      actor,
      { action: 'org.created', entity: 'Organisation', entityId: org.id, organisationId: parent.id, details: { kind } },
      tx,
    );
    return org;
  });
}

export async function updateOrg(actor: Actor, org: OrgRow, version: number, input: PassportInput): Promise<void> {
  await db().$transaction(async (tx) => {
    if (!(await updatePassport(tx, org.id, version, input))) throw new AppError('STALE_VERSION');
    await audit(actor, { action: 'org.updated', entity: 'Organisation', entityId: org.id, organisationId: org.id }, tx);
  });
}

/** Excludes an organisation from the registry; its history stays. Only an empty organisation can go. */
export async function excludeOrg(actor: Actor, org: OrgRow, date: string, reason: string): Promise<void> {
  if (org.status !== 'ACTIVE') throw new AppError('UNPROCESSABLE', 'Организация уже исключена из реестра');
  if (org.kind === 'CENTRAL') throw new AppError('FORBIDDEN');
  await db().$transaction(async (tx) => {
    const c = await activeContent(tx, org);
    if (c.children > 0 || c.members > 0) {
      throw new AppError(
        'UNPROCESSABLE',
        `Сначала переведите или снимите с учёта членов Профсоюза (${c.members}) и исключите входящие организации (${c.children})`,
      );
    }
    await markExcluded(tx, org.id, date, reason);
    await audit(
      actor,
      { action: 'org.excluded', entity: 'Organisation', entityId: org.id, organisationId: org.id },
      tx,
    );
  });
}

// A member's positions in organisations: added and ended.
import { assertNotDepersonalised } from '../retention/depersonalised';
import { db } from '../../db';
import { AppError } from '../../http/errors';
import { fromDate } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import type { OrgRow } from '../organisations/organisations.repo';
import { endPosition, insertPosition, type MemberFull } from './members.repo';

export async function addPosition(
  actor: Actor,
  member: MemberFull,
  org: OrgRow,
  p: { kind: string; title?: string; startDate: string; endDate?: string; isPaid: boolean; isElected: boolean },
) {
  assertNotDepersonalised(member.person);
  await db().$transaction(async (tx) => {
    await insertPosition(tx, {
      personId: member.personId,
      organisationId: org.id,
      kind: p.kind as never,
      title: p.title ?? null,
      startDate: new Date(`${p.startDate}T00:00:00Z`),
      endDate: p.endDate ? new Date(`${p.endDate}T00:00:00Z`) : null,
      isPaid: p.isPaid,
      isElected: p.isElected,
    });
    await audit(
      actor,
      {
        action: 'position.changed',
        entity: 'Member',
        entityId: member.id,
        organisationId: org.id,
        details: { kind: p.kind },
      },
      tx,
    );
  });
}

export async function closePosition(
  actor: Actor,
  member: MemberFull,
  position: { id: string; organisationId: string; startDate: Date; endDate: Date | null },
  endDate: string,
) {
  if (position.endDate) throw new AppError('CONFLICT', 'Должность уже завершена');
  if (endDate < fromDate(position.startDate))
    throw new AppError('BAD_REQUEST', undefined, { endDate: 'Окончание не раньше начала' });
  await db().$transaction(async (tx) => {
    await endPosition(tx, position.id, endDate);
    await audit(
      actor,
      {
        action: 'position.changed',
        entity: 'Member',
        entityId: member.id,
        organisationId: position.organisationId,
        details: { ended: true },
      },
      tx,
    );
  });
}

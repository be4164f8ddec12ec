// Leaving the organisation: exit from the union and transfer to another organisation.
import { db, type Tx } from '../../db';
import type { MovementKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { fromDate, today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { setCardsStatus } from '../cards/cards.repo';
import type { OrgRow } from '../organisations/organisations.repo';
import {
  addMovement,
  addRegistration,
  closeRegistration,
  loadMember,
  openRegistration,
  type MemberFull,
} from './members.repo';
import { assertHoldsMembers, lockedMember, unversioned } from './members.service';

function checkDateAfterRegistration(reg: { validFrom: Date }, date: string, field = 'date') {
  const from = fromDate(reg.validFrom);
  if (date < from)
    throw new AppError('BAD_REQUEST', undefined, {
      [field]: `Дата не раньше постановки на учёт (${from.split('-').reverse().join('.')})`,
    });
  if (date > today()) throw new AppError('BAD_REQUEST', undefined, { [field]: 'Дата не может быть в будущем' });
}

/** Exit from the union: the registration period ends on `date`; the member no longer counts from that day. */
export async function exitMember(
  actor: Actor,
  member: MemberFull,
  version: number | undefined,
  reason: MovementKind,
  date: string,
  note?: string,
) {
  return db().$transaction(async (tx) => {
    const m = version === undefined ? await unversioned(tx, member.id) : await lockedMember(tx, member.id, version);
    if (m.status !== 'ACTIVE') throw new AppError('UNPROCESSABLE', 'Член Профсоюза уже снят с учёта');
    const reg = await openRegistration(tx, m.id);
    if (!reg) throw new AppError('UNPROCESSABLE', 'Член Профсоюза уже снят с учёта');
    checkDateAfterRegistration(reg, date);
    await closeRegistration(tx, reg.id, date, reason);
    await tx.member.update({
      where: { id: m.id },
      data: {
        status: 'EXITED',
        exitedAt: new Date(`${date}T00:00:00Z`),
        exitKind: reason,
        exitNote: note ?? null,
        ...(version === undefined ? { version: { increment: 1 } } : {}),
      },
    });
    // A card stops being valid with the membership (the cards capability adds its own history).
    await setCardsStatus(
      tx,
      { memberId: m.id, status: { not: 'BLOCKED' } },
      'BLOCKED',
      date,
      actor.userId,
      { blockedAt: new Date(`${date}T00:00:00Z`), blockReason: 'EXIT' },
      'Выход из Профсоюза',
    );
    await addMovement(tx, {
      memberId: m.id,
      kind: reason,
      date,
      organisationId: reg.organisationId,
      note,
      actorId: actor.userId,
    });
    await audit(
      actor,
      {
        action: 'member.exited',
        entity: 'Member',
        entityId: m.id,
        organisationId: reg.organisationId,
        details: { reason },
      },
      tx,
    );
    return loadMember(tx, m.id);
  });
}

/** Transfer to another organisation: снят с учёта here, поставлен на учёт there, on the same date. */
export async function transferMember(
  actor: Actor,
  member: MemberFull,
  version: number | undefined,
  target: OrgRow,
  date: string,
) {
  return db().$transaction((tx) => transferMemberTx(tx, actor, member, version, target, date));
}

/** The transfer inside the caller's transaction (an approved transfer request moves the member this way). */
export async function transferMemberTx(
  tx: Tx,
  actor: Actor,
  member: MemberFull,
  version: number | undefined,
  target: OrgRow,
  date: string,
) {
  assertHoldsMembers(target, 'toOrgId');
  if (target.id === member.organisationId)
    throw new AppError('BAD_REQUEST', undefined, { toOrgId: 'Член Профсоюза уже состоит на учёте в этой организации' });
  {
    const m = version === undefined ? await unversioned(tx, member.id) : await lockedMember(tx, member.id, version);
    if (m.status !== 'ACTIVE') throw new AppError('UNPROCESSABLE', 'Член Профсоюза снят с учёта');
    const reg = await openRegistration(tx, m.id);
    if (!reg) throw new AppError('UNPROCESSABLE', 'Член Профсоюза снят с учёта');
    checkDateAfterRegistration(reg, date);
    if (fromDate(reg.validFrom) === date) {
      // Registered and moved on the same day: the first period never counted, so it simply moves.
      await tx.registration.update({ where: { id: reg.id }, data: { organisationId: target.id } });
    } else {
      await closeRegistration(tx, reg.id, date, 'TRANSFER_OUT');
      await addRegistration(tx, {
        memberId: m.id,
        organisationId: target.id,
        category: reg.category,
        from: date,
        startKind: 'TRANSFER_IN',
      });
    }
    await tx.member.update({
      where: { id: m.id },
      data: { organisationId: target.id, ...(version === undefined ? { version: { increment: 1 } } : {}) },
    });
    await addMovement(tx, {
      memberId: m.id,
      kind: 'TRANSFER_OUT',
      date,
      organisationId: reg.organisationId,
      otherOrganisationId: target.id,
      actorId: actor.userId,
    });
    await addMovement(tx, {
      memberId: m.id,
      kind: 'TRANSFER_IN',
      date,
      organisationId: target.id,
      otherOrganisationId: reg.organisationId,
      actorId: actor.userId,
    });
    await audit(
      actor,
      {
        action: 'member.transferred',
        entity: 'Member',
        entityId: m.id,
        organisationId: target.id,
        details: { from: reg.organisationId },
      },
      tx,
    );
    return loadMember(tx, m.id);
  }
}

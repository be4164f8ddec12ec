import { db } from '../../db';
import { Prisma } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import type { OrgRow } from '../organisations/organisations.repo';
import { loadMember, lockMemberRow, type MemberFull } from './members.repo';
import { assertHoldsMembers } from './members.service';
import { transferMemberTx } from './movements.service';
import { decideTransferRequest, findTransferRequest, insertTransferRequest } from './transfers.repo';

/**
 * The receiving organisation asks for a member it cannot move itself (registered in another branch). The
 * request names no one to the asker beyond what they typed; the member's organisation decides.
 */
export async function requestTransfer(actor: Actor, member: MemberFull, target: OrgRow, date: string) {
  assertHoldsMembers(target, 'toOrgId');
  if (member.status !== 'ACTIVE') throw new AppError('UNPROCESSABLE', 'Человек не состоит в Профсоюзе');
  if (member.organisationId === target.id)
    throw new AppError('UNPROCESSABLE', 'Этот человек уже состоит на учёте в вашей организации');
  if (date > today()) throw new AppError('BAD_REQUEST', undefined, { transferDate: 'Дата не может быть в будущем' });
  try {
    return await db().$transaction(async (tx) => {
      const r = await insertTransferRequest(tx, {
        memberId: member.id,
        fromOrgId: member.organisationId,
        toOrgId: target.id,
        date,
        requestedById: actor.userId,
      });
      await audit(
        actor,
        { action: 'transfer.requested', entity: 'TransferRequest', entityId: r.id, organisationId: target.id },
        tx,
      );
      return r;
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002')
      throw new AppError('CONFLICT', 'Запрос на перевод этого человека уже отправлен и ждёт решения');
    throw e;
  }
}

/**
 * Approves or declines a pending request. Approval moves the member in the same transaction; a member who
 * has meanwhile left or moved cannot be moved by an old request (it is declined instead).
 */
export async function decideTransfer(
  actor: Actor,
  requestId: string,
  approve: boolean,
  target: OrgRow,
): Promise<'APPROVED' | 'DECLINED'> {
  const req = await findTransferRequest(requestId);
  if (!req || req.status !== 'PENDING') throw new AppError('CONFLICT', 'Запрос уже рассмотрен');
  return db().$transaction(async (tx) => {
    if (!(await decideTransferRequest(tx, req.id, approve ? 'APPROVED' : 'DECLINED', actor.userId)))
      throw new AppError('CONFLICT', 'Запрос уже рассмотрен');
    if (approve) {
      await lockMemberRow(tx, req.memberId);
      const m = await loadMember(tx, req.memberId);
      if (m.status !== 'ACTIVE' || m.organisationId !== req.fromOrgId)
        throw new AppError('UNPROCESSABLE', 'Член Профсоюза уже переведён или снят с учёта: запрос устарел');
      const date = req.date.toISOString().slice(0, 10);
      await transferMemberTx(tx, actor, m, undefined, target, date);
    }
    await audit(
      actor,
      {
        action: approve ? 'transfer.approved' : 'transfer.declined',
        entity: 'TransferRequest',
        entityId: req.id,
        organisationId: req.fromOrgId,
        details: { to: req.toOrgId },
      },
      tx,
    );
    return approve ? 'APPROVED' : 'DECLINED';
  });
}

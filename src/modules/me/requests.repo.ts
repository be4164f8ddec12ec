import { db, type Tx } from '../../db';
import type { MemberRequestStatus, Prisma } from '../../generated/prisma/client';

export async function openWithdrawal(tx: Tx, personId: string) {
  return tx.processingWithdrawal.findFirst({ where: { personId, status: 'OPEN' }, select: { id: true } });
}

export async function insertWithdrawal(tx: Tx, personId: string, organisationId: string) {
  return tx.processingWithdrawal.create({ data: { personId, organisationId }, select: { id: true } });
}

export async function closeWithdrawals(tx: Tx, personId: string, status: MemberRequestStatus) {
  await tx.processingWithdrawal.updateMany({
    where: { personId, status: 'OPEN' },
    data: { status, closedAt: new Date() },
  });
}

/** Without the messaging consent no push may reach the member: their browsers' subscriptions go with it. */
export async function removePushSubscriptions(tx: Tx, personId: string) {
  await tx.pushSubscription.deleteMany({ where: { personId } });
}

export async function insertCardRequest(memberId: string, organisationId: string) {
  return db().virtualCardRequest.create({ data: { memberId, organisationId }, select: { id: true } });
}

export async function insertCorrection(data: Prisma.CorrectionRequestUncheckedCreateInput) {
  return db().correctionRequest.create({ data, select: { id: true } });
}

export async function transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db().$transaction(fn);
}

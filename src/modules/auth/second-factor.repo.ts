import { db } from '../../db';

export async function findSecondFactor(userId: string) {
  return db().secondFactor.findUnique({ where: { userId } });
}

/** Sets up (or replaces) the second factor with fresh recovery codes; the old codes stop working. */
export async function saveSecondFactor(userId: string, secret: string, step: number, codeHashes: string[]) {
  await db().$transaction(async (tx) => {
    await tx.secondFactor.upsert({
      where: { userId },
      create: { userId, secret, lastStep: step },
      update: { secret, lastStep: step, createdAt: new Date() },
    });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await tx.recoveryCode.createMany({ data: codeHashes.map((codeHash) => ({ userId, codeHash })) });
  });
}

export async function replaceRecoveryCodes(userId: string, codeHashes: string[]) {
  await db().$transaction(async (tx) => {
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await tx.recoveryCode.createMany({ data: codeHashes.map((codeHash) => ({ userId, codeHash })) });
  });
}

export async function deleteSecondFactor(userId: string) {
  await db().$transaction(async (tx) => {
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await tx.secondFactor.deleteMany({ where: { userId } });
  });
}

/** Accepts a time step once: two sign-ins with one code (a code seen over a shoulder) cannot both pass. */
export async function acceptStep(userId: string, step: number): Promise<boolean> {
  const r = await db().secondFactor.updateMany({ where: { userId, lastStep: { lt: step } }, data: { lastStep: step } });
  return r.count === 1;
}

export async function useRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
  const r = await db().recoveryCode.updateMany({
    where: { userId, codeHash, usedAt: null },
    data: { usedAt: new Date() },
  });
  return r.count === 1;
}

export async function unusedRecoveryCodes(userId: string): Promise<number> {
  return db().recoveryCode.count({ where: { userId, usedAt: null } });
}

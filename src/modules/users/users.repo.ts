import { db, type Tx } from '../../db';
import type { Role } from '../../generated/prisma/client';
import { toDate } from '../../lib/dates';
import { endSessionsAndTokens } from '../auth/auth.repo';

export async function usersInSubtree(path: string, page: number, pageSize: number) {
  const where = { roles: { some: { organisation: { path: { startsWith: path } } } } };
  const [items, total] = await Promise.all([
    db().user.findMany({
      where,
      orderBy: { fullName: 'asc' },
      skip: (page - 1) * pageSize,
      take: pageSize,
      include: {
        roles: {
          include: { organisation: { select: { id: true, name: true, shortName: true, path: true } } },
          orderBy: { startsOn: 'desc' },
        },
      },
    }),
    db().user.count({ where }),
  ]);
  return { items, total };
}

export async function findUserWithRoles(id: string) {
  return db().user.findUnique({
    where: { id },
    include: {
      roles: {
        include: { organisation: { select: { id: true, name: true, shortName: true, path: true, kind: true } } },
        orderBy: { startsOn: 'desc' },
      },
    },
  });
}

export async function findUserByLogin(login: string) {
  return db().user.findUnique({ where: { login: login.trim().toLowerCase() } });
}

export async function insertUser(
  tx: Tx,
  u: { login: string; fullName: string; email?: string | null; passwordHash: string },
) {
  return tx.user.create({
    data: {
      login: u.login.trim().toLowerCase(),
      fullName: u.fullName,
      email: u.email ?? null,
      passwordHash: u.passwordHash,
    },
  });
}

export async function insertAssignment(
  tx: Tx,
  a: { userId: string; organisationId: string; role: Role; startsOn: string; endsOn?: string | null },
) {
  return tx.roleAssignment.create({
    data: {
      userId: a.userId,
      organisationId: a.organisationId,
      role: a.role,
      startsOn: toDate(a.startsOn),
      endsOn: a.endsOn ? toDate(a.endsOn) : null,
    },
  });
}

export async function findAssignment(id: string) {
  return db().roleAssignment.findUnique({
    where: { id },
    include: { organisation: { select: { path: true, id: true } } },
  });
}

export async function setAssignmentEnd(tx: Tx, id: string, endsOn: string) {
  await tx.roleAssignment.update({ where: { id }, data: { endsOn: toDate(endsOn) } });
}

/** Disables a user at once: the flag, every token revoked, every session of theirs deleted (one transaction). */
export async function disableUser(tx: Tx, id: string): Promise<void> {
  await tx.user.update({ where: { id }, data: { active: false } });
  await endSessionsAndTokens(tx, id);
}

/** Lets a disabled user sign in again (their old tokens stay revoked: they issue new ones). */
export async function enableUser(tx: Tx, id: string): Promise<void> {
  await tx.user.update({ where: { id }, data: { active: true } });
}

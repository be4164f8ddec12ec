import { db } from '../../db';
import type { OrgKind, Role } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { addDays, fromDate, today } from '../../lib/dates';
import { isAdmin, type Actor } from '../../policy/actor';
import { ROLE_KINDS, ROLE_LABELS } from '../../policy/rules';
import { audit } from '../audit/audit.repo';
import { hashPassword } from '../auth/passwords';
import { KIND_LABELS } from '../organisations/levels';
import { disableUser, enableUser, findUserByLogin, insertAssignment, insertUser, setAssignmentEnd } from './users.repo';

export function checkRoleFits(actor: Actor, role: Role, org: { kind: OrgKind }) {
  if (role === 'ADMIN' && !isAdmin(actor))
    throw new AppError('FORBIDDEN', 'Назначать администраторов ЦС может только администратор ЦС');
  if (!ROLE_KINDS[role].includes(org.kind)) {
    throw new AppError('BAD_REQUEST', undefined, {
      role: `Роль «${ROLE_LABELS[role]}» не назначается в организации вида «${KIND_LABELS[org.kind]}»`,
    });
  }
}

export async function createUserWithRole(
  actor: Actor,
  u: { login: string; fullName: string; email?: string; password: string },
  a: { role: Role; org: { id: string; kind: OrgKind }; startsOn: string; endsOn?: string },
) {
  checkRoleFits(actor, a.role, a.org);
  if (await findUserByLogin(u.login)) throw new AppError('CONFLICT', undefined, { login: 'Такой логин уже занят' });
  const passwordHash = await hashPassword(u.password);
  return db().$transaction(async (tx) => {
    const user = await insertUser(tx, { ...u, passwordHash });
    const ra = await insertAssignment(tx, {
      userId: user.id,
      organisationId: a.org.id,
      role: a.role,
      startsOn: a.startsOn,
      endsOn: a.endsOn,
    });
    await audit(actor, { action: 'user.created', entity: 'User', entityId: user.id, organisationId: a.org.id }, tx);
    await audit(
      actor,
      {
        action: 'role.assigned',
        entity: 'RoleAssignment',
        entityId: ra.id,
        organisationId: a.org.id,
        details: { role: a.role },
      },
      tx,
    );
    return user;
  });
}

export async function assignRole(
  actor: Actor,
  userId: string,
  a: { role: Role; org: { id: string; kind: OrgKind }; startsOn: string; endsOn?: string },
) {
  checkRoleFits(actor, a.role, a.org);
  return db().$transaction(async (tx) => {
    const ra = await insertAssignment(tx, {
      userId,
      organisationId: a.org.id,
      role: a.role,
      startsOn: a.startsOn,
      endsOn: a.endsOn,
    });
    await audit(
      actor,
      {
        action: 'role.assigned',
        entity: 'RoleAssignment',
        entityId: ra.id,
        organisationId: a.org.id,
        details: { role: a.role },
      },
      tx,
    );
    return ra;
  });
}

export async function endRole(
  actor: Actor,
  ra: { id: string; organisationId: string; startsOn: Date; endsOn: Date | null },
  endsOn: string,
) {
  const start = fromDate(ra.startsOn);
  const last = endsOn < start ? start : endsOn;
  if (ra.endsOn && fromDate(ra.endsOn) <= last) throw new AppError('CONFLICT', 'Полномочия уже завершены');
  await db().$transaction(async (tx) => {
    await setAssignmentEnd(tx, ra.id, last);
    await audit(
      actor,
      { action: 'role.ended', entity: 'RoleAssignment', entityId: ra.id, organisationId: ra.organisationId },
      tx,
    );
  });
}

/**
 * A chair hands over to a successor in one step: the successor's term starts on `date`, the chair's own
 * ends the day before (or today, when handing over today, so that nobody is left without a chair).
 */
export async function handOver(
  actor: Actor,
  own: { id: string; role: Role; organisationId: string; startsOn: Date },
  successorId: string,
  date: string,
) {
  if (successorId === actor.userId)
    throw new AppError('BAD_REQUEST', undefined, { successor: 'Выберите другого человека' });
  const t = today();
  const lastDay = date <= t ? t : addDays(date, -1);
  return db().$transaction(async (tx) => {
    const ra = await insertAssignment(tx, {
      userId: successorId,
      organisationId: own.organisationId,
      role: own.role,
      startsOn: date,
    });
    await setAssignmentEnd(tx, own.id, lastDay < fromDate(own.startsOn) ? fromDate(own.startsOn) : lastDay);
    await audit(
      actor,
      {
        action: 'role.handover',
        entity: 'RoleAssignment',
        entityId: ra.id,
        organisationId: own.organisationId,
        details: { from: own.id },
      },
      tx,
    );
    return ra;
  });
}

/**
 * A user provisioned by a program (POST /api/v1/users): the account and all its assignments (from today) in one
 * transaction, audited. The caller has already been authorised at every organisation.
 */
export async function provisionUser(
  actor: Actor,
  u: { login: string; fullName: string; password: string },
  assignments: { role: Role; org: { id: string; kind: OrgKind } }[],
) {
  assignments.forEach((a, i) => {
    try {
      checkRoleFits(actor, a.role, a.org);
    } catch (e) {
      if (e instanceof AppError && e.fields)
        throw new AppError(e.code, e.message, { [`assignments.${i}.role`]: e.fields.role });
      throw e;
    }
  });
  if (await findUserByLogin(u.login)) throw new AppError('CONFLICT', undefined, { login: 'Такой логин уже занят' });
  const passwordHash = await hashPassword(u.password);
  return db().$transaction(async (tx) => {
    const user = await insertUser(tx, { ...u, passwordHash });
    await audit(
      actor,
      { action: 'user.created', entity: 'User', entityId: user.id, organisationId: assignments[0]?.org.id },
      tx,
    );
    for (const a of assignments) {
      const ra = await insertAssignment(tx, {
        userId: user.id,
        organisationId: a.org.id,
        role: a.role,
        startsOn: today(),
      });
      await audit(
        actor,
        {
          action: 'role.assigned',
          entity: 'RoleAssignment',
          entityId: ra.id,
          organisationId: a.org.id,
          details: { role: a.role },
        },
        tx,
      );
    }
    return user;
  });
}

/** Disables the user: sessions and tokens end at once. */
export async function disableUserAccount(actor: Actor, user: { id: string }, organisationId: string) {
  if (user.id === actor.userId) throw new AppError('CONFLICT', 'Нельзя отключить собственную учётную запись');
  await db().$transaction(async (tx) => {
    await disableUser(tx, user.id);
    await audit(actor, { action: 'user.disabled', entity: 'User', entityId: user.id, organisationId }, tx);
  });
}

/** Lets a disabled user sign in again. */
export async function enableUserAccount(actor: Actor, user: { id: string }, organisationId: string) {
  await db().$transaction(async (tx) => {
    await enableUser(tx, user.id);
    await audit(actor, { action: 'user.enabled', entity: 'User', entityId: user.id, organisationId }, tx);
  });
}

import crypto from 'node:crypto';
import { db } from '../../db';
import { toDate, today } from '../../lib/dates';
import { nameKey } from '../../lib/names';
import { hashPassword, passwordProblem } from '../auth/passwords';

/** The first administrator of a new installation, and the central council if the tree is empty. */
export async function createAdmin(o: { login: string; fullName: string; password: string; centralName: string }) {
  const login = o.login.trim().toLowerCase();
  if (!/^[a-z0-9._-]{3,40}$/.test(login)) throw new Error('Логин: 3–40 латинских букв, цифр, точек, дефисов');
  if (o.fullName.trim().length < 3) throw new Error('Укажите ФИО');
  const p = passwordProblem(o.password, { login, fullName: o.fullName });
  if (p) throw new Error(p);
  const passwordHash = await hashPassword(o.password);
  return db().$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { login } })) throw new Error('Такой логин уже занят');
    let central = await tx.organisation.findFirst({ where: { kind: 'CENTRAL' } });
    let createdCentral = false;
    if (!central) {
      const id = crypto.randomUUID();
      central = await tx.organisation.create({
        data: { id, kind: 'CENTRAL', path: `/${id}/`, depth: 0, name: o.centralName, nameKey: nameKey(o.centralName) },
      });
      createdCentral = true;
    }
    const user = await tx.user.create({ data: { login, fullName: o.fullName.trim(), passwordHash } });
    await tx.roleAssignment.create({
      data: { userId: user.id, organisationId: central.id, role: 'ADMIN', startsOn: toDate(today()) },
    });
    await tx.auditLog.create({
      data: {
        userId: null,
        action: 'user.created',
        entity: 'User',
        entityId: user.id,
        organisationId: central.id,
        details: { via: 'cli' },
      },
    });
    return { login, createdCentral };
  });
}

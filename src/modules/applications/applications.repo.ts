import { db } from '../../db';
import type { Prisma } from '../../generated/prisma/client';
import { nameKey } from '../../lib/names';

export async function insertApplication(data: Prisma.JoinApplicationUncheckedCreateInput) {
  return db().joinApplication.create({ data });
}
export async function findApplication(id: string) {
  return db().joinApplication.findUnique({ where: { id } });
}
export async function applicationsIn(path: string, status: 'NEW' | 'ACCEPTED' | 'DECLINED') {
  const orgs = await db().organisation.findMany({
    where: { path: { startsWith: path } },
    select: { id: true, name: true, shortName: true },
  });
  const names = new Map(orgs.map((o) => [o.id, o.shortName ?? o.name]));
  const rows = await db().joinApplication.findMany({
    where: { organisationId: { in: orgs.map((o) => o.id) }, status },
    orderBy: { createdAt: 'asc' },
    take: 500,
  });
  return rows.map((r) => ({ ...r, orgName: names.get(r.organisationId) ?? '' }));
}
/** A decline deletes the applicant's personal data: only the status and the reason stay. */
export async function declineAndWipe(id: string, reason: string, userId: string | null) {
  await db().joinApplication.update({
    where: { id },
    data: {
      status: 'DECLINED',
      declineReason: reason,
      decidedById: userId,
      decidedAt: new Date(),
      lastName: null,
      firstName: null,
      middleName: null,
      birthDate: null,
      gender: null,
      phone: null,
      email: null,
    },
  });
}
export async function markAccepted(id: string, memberId: string, userId: string | null) {
  await db().joinApplication.update({
    where: { id },
    data: { status: 'ACCEPTED', memberId, decidedById: userId, decidedAt: new Date() },
  });
}
/** Public pickers: only names of active organisations, nothing else. */
export async function publicOrgs(parentId: string | null, kinds: ('REGIONAL' | 'TERRITORIAL' | 'PRIMARY')[], q = '') {
  return db().organisation.findMany({
    where: {
      status: 'ACTIVE',
      kind: { in: kinds },
      ...(parentId ? { parentId } : { parent: { kind: 'CENTRAL' } }),
      ...(q ? { nameKey: { contains: nameKey(q) } } : {}),
    },
    select: { id: true, name: true, shortName: true, kind: true },
    orderBy: { nameKey: 'asc' },
    take: 300,
  });
}
export async function publicOrg(id: string) {
  return db().organisation.findFirst({
    where: { id, status: 'ACTIVE' },
    select: {
      id: true,
      name: true,
      shortName: true,
      kind: true,
      path: true,
      parentId: true,
      hasTerritorialRights: true,
      status: true,
      depth: true,
    },
  });
}

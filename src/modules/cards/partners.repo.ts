import { db } from '../../db';

/** Partner keys of the public check: only the SHA-256 of a key is stored. */
export function findPartnerKey(keyHash: string) {
  return db().partnerKey.findUnique({ where: { keyHash } });
}

export function insertPartnerKey(name: string, keyHash: string) {
  return db().partnerKey.create({ data: { name, keyHash } });
}

export function listPartnerKeys() {
  return db().partnerKey.findMany({ orderBy: { createdAt: 'desc' } });
}

export async function revokePartnerKey(id: string) {
  await db().partnerKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
}

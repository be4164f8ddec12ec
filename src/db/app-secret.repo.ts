import crypto from 'node:crypto';
import { db } from '../db';

/**
 * A secret made on first use and kept in the database (AppSecret), so that every process on that database reads
 * the same value: e.g. the session-cookie key of several web processes when SESSION_SECRET is not set.
 */
export async function sharedSecret(name: string): Promise<string> {
  const found = await db().appSecret.findUnique({ where: { name } });
  if (found) return found.value;
  const value = crypto.randomBytes(32).toString('base64url');
  await db().appSecret.upsert({ where: { name }, create: { name, value }, update: {} });
  return (await db().appSecret.findUniqueOrThrow({ where: { name } })).value;
}

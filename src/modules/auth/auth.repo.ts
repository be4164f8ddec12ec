import crypto from 'node:crypto';
import { db, prepared, sqlPool, type Tx } from '../../db';
import { today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';

export async function findUserForLogin(login: string) {
  return db().user.findUnique({ where: { login: login.trim().toLowerCase() } });
}

interface ActorRow {
  id: string;
  login: string;
  fullName: string;
  active: boolean;
  ndaAcceptedAt: Date | null;
  assignments: {
    id: string;
    role: Actor['assignments'][number]['role'];
    organisationId: string;
    orgPath: string;
    orgKind: Actor['assignments'][number]['orgKind'];
    orgName: string;
  }[];
}

const ACTOR_SQL = `SELECT u.id, u.login, u."fullName", u.active, u."ndaAcceptedAt" AT TIME ZONE 'UTC' AS "ndaAcceptedAt",
       coalesce((SELECT json_agg(json_build_object('id', ra.id, 'role', ra.role, 'organisationId', ra."organisationId",
                  'orgPath', o.path, 'orgKind', o.kind, 'orgName', coalesce(o."shortName", o.name))
                  ORDER BY ra."createdAt", ra.id)
                 FROM "RoleAssignment" ra JOIN "Organisation" o ON o.id = ra."organisationId"
                 WHERE ra."userId" = u.id AND ra."startsOn" <= $2::date
                   AND (ra."endsOn" IS NULL OR ra."endsOn" >= $2::date) AND o.status = 'ACTIVE'), '[]') AS assignments
     FROM "User" u WHERE u.id = $1::uuid`;

/**
 * The signed-in user with the assignments in force today (at an active organisation). Read on every request, so
 * one statement on the primary (a role just taken away must not linger), not three ORM queries.
 */
export async function loadActor(userId: string, via: Actor['via']): Promise<Actor | null> {
  const { rows } = await sqlPool()
    .query<ActorRow>(prepared(ACTOR_SQL, [userId, today()]))
    .catch((e: { code?: string }) => {
      if (e.code === '22P02') return { rows: [] as ActorRow[] }; // not a uuid: no such user
      throw e;
    });
  const u = rows[0];
  if (!u || !u.active) return null;
  return {
    kind: 'user',
    userId: u.id,
    login: u.login,
    fullName: u.fullName,
    ndaAcceptedAt: u.ndaAcceptedAt,
    via,
    assignments: u.assignments,
  };
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export async function createToken(userId: string, name: string, days: number) {
  const token = `rr_${crypto.randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + days * 86_400_000);
  const row = await db().apiToken.create({ data: { userId, name, tokenHash: hashToken(token), expiresAt } });
  return { token, row };
}

export async function findValidToken(token: string) {
  const row = await db().apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.revokedAt || row.expiresAt < new Date()) return null;
  // Last use is informative only; no need to wait for it.
  void db()
    .apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } })
    .catch(() => undefined);
  return row;
}

export async function listTokens(userId: string) {
  return db().apiToken.findMany({ where: { userId }, orderBy: { createdAt: 'desc' } });
}

export async function revokeToken(userId: string, id: string): Promise<boolean> {
  const r = await db().apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  return r.count === 1;
}

/**
 * Every session of a user, except the one given (the session that changed the password stays signed in).
 * connect-pg-simple stores passport's user id at sess.passport.user (an expression index serves it).
 */
const DELETE_SESSIONS_OF_USER = `
  DELETE FROM "session"
  WHERE sess -> 'passport' ->> 'user' = $1
    AND sid IS DISTINCT FROM $2`;

/** Ends a user's sessions (but `keepSid`) and revokes their API tokens, inside the caller's transaction. */
export async function endSessionsAndTokens(tx: Tx, userId: string, keepSid: string | null = null): Promise<void> {
  await tx.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  await tx.$executeRawUnsafe(DELETE_SESSIONS_OF_USER, userId, keepSid);
}

/**
 * A new password ends every other session and every API token at once: whoever knew the old password (the
 * reason people change it) is out, the session that changed it stays.
 */
export async function setPassword(userId: string, passwordHash: string, keepSid: string | null = null) {
  await db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    await endSessionsAndTokens(tx, userId, keepSid);
  });
}

export async function acceptNda(userId: string) {
  await db().user.update({ where: { id: userId }, data: { ndaAcceptedAt: new Date() } });
}

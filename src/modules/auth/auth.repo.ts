import crypto from 'node:crypto';
import { db, type Tx } from '../../db';
import { toDate, today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';

const activeRoles = () => {
  const t = toDate(today());
  return {
    startsOn: { lte: t },
    OR: [{ endsOn: null }, { endsOn: { gte: t } }],
    organisation: { status: 'ACTIVE' as const },
  };
};

export async function findUserForLogin(login: string) {
  return db().user.findUnique({ where: { login: login.trim().toLowerCase() } });
}

export async function loadActor(userId: string, via: Actor['via']): Promise<Actor | null> {
  const u = await db().user.findUnique({
    where: { id: userId },
    include: {
      roles: {
        where: activeRoles(),
        include: { organisation: { select: { path: true, kind: true, name: true, shortName: true } } },
      },
    },
  });
  if (!u || !u.active) return null;
  return {
    kind: 'user',
    userId: u.id,
    login: u.login,
    fullName: u.fullName,
    ndaAcceptedAt: u.ndaAcceptedAt,
    via,
    assignments: u.roles.map((r) => ({
      id: r.id,
      role: r.role,
      organisationId: r.organisationId,
      orgPath: r.organisation.path,
      orgKind: r.organisation.kind,
      orgName: r.organisation.shortName ?? r.organisation.name,
    })),
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

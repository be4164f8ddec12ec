import crypto from 'node:crypto';
import type { Request } from 'express';
import { config } from '../../config';
import { runLater } from '../../lib/background';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { send } from '../mail/mail.service';
import type { Contact } from './contacts';
import {
  findMemberToken,
  insertCode,
  insertMemberToken,
  latestLiveCode,
  markUsed,
  memberCodeKey,
  personByContact,
  personForActor,
  takeTry,
} from './signin.repo';

export const CODE_TTL_MS = 10 * 60_000;
export const CODE_TRIES = 5;
export const MEMBER_TOKEN_DAYS = 30;

const hmac = (key: string, s: string) => crypto.createHmac('sha256', key).update(s).digest('hex');
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export async function contactKey(c: Contact): Promise<string> {
  return hmac(await memberCodeKey(), `contact:${c.kind}:${c.value}`);
}

async function codeHash(codeId: string, code: string): Promise<string> {
  return hmac(await memberCodeKey(), `code:${codeId}:${code}`);
}

/**
 * Makes a code for the contact and sends it when the contact belongs to a member. Unknown contacts get the same
 * work (a lookup, a code row that can never sign in), and the caller answers before any of it happens, so the
 * answer and its timing say nothing about whether the contact is known.
 */
export async function issueCode(c: Contact): Promise<void> {
  const personId = await personByContact(c);
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  const id = crypto.randomUUID();
  const key = await contactKey(c);
  const now = new Date();
  await insertCode({
    contactKey: key,
    personId,
    channel: c.kind,
    codeHash: `${id}:${await codeHash(id, code)}`,
    createdAt: now,
    expiresAt: new Date(now.getTime() + CODE_TTL_MS),
  });
  if (!personId) return;
  await audit(null, { action: 'member.code.sent', entity: 'Person', entityId: personId, details: { channel: c.kind } });
  await send(
    c.kind === 'EMAIL'
      ? {
          channel: 'EMAIL',
          to: c.value,
          subject: `Код для входа: ${code}`,
          text:
            `Ваш код для входа в личный кабинет члена Профсоюза: ${code}\n\n` +
            'Код действует 10 минут. Никому его не сообщайте — сотрудники Профсоюза никогда его не спрашивают.\n' +
            'Если вы не запрашивали код, просто удалите это письмо.',
        }
      : { channel: 'SMS', to: c.value, text: `Код входа в кабинет члена Профсоюза: ${code}. Никому не сообщайте.` },
  );
}

/** Starts issueCode without waiting for it: the answer to «прислать код» goes out first. */
export function issueCodeLater(c: Contact): void {
  runLater(
    () => issueCode(c),
    (e) => {
      if (config.LOG_LEVEL !== 'silent') console.error('Код входа члена Профсоюза не отправлен:', (e as Error).message);
    },
  );
}

/**
 * The person the code signs in, or null: no live code for the contact, no tries left (5), expired (10 minutes),
 * a wrong code, or a contact nobody has. Each call counts a try; a right code works once.
 */
export async function checkCode(c: Contact, code: string): Promise<string | null> {
  const row = await latestLiveCode(await contactKey(c));
  if (!row) return null;
  if (!(await takeTry(row.id, CODE_TRIES))) return null;
  const [id, stored] = row.codeHash.split(':');
  const given = /^\d{6}$/.test(code) ? await codeHash(id, code) : '';
  const ok =
    given.length === stored.length && crypto.timingSafeEqual(Buffer.from(given, 'utf8'), Buffer.from(stored, 'utf8'));
  if (!ok || !row.personId) {
    await audit(null, {
      action: 'member.signin.failed',
      outcome: 'FAILED',
      entity: row.personId ? 'Person' : undefined,
      entityId: row.personId ?? undefined,
    });
    return null;
  }
  if (!(await markUsed(row.id))) return null;
  return row.personId;
}

export async function createMemberToken(personId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = `mt_${crypto.randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + MEMBER_TOKEN_DAYS * 86_400_000);
  await insertMemberToken(personId, sha256(token), expiresAt);
  return { token, expiresAt };
}

export async function memberActor(personId: string, via: 'session' | 'token'): Promise<Actor | null> {
  const p = await personForActor(personId);
  if (!p) return null;
  return {
    kind: 'member',
    userId: null,
    personId: p.id,
    login: '',
    fullName: [p.lastName, p.firstName, p.middleName].filter(Boolean).join(' '),
    ndaAcceptedAt: null,
    assignments: [],
    via,
  };
}

/** The member's pages read the session's memberPersonId; the member API reads a member token (never an ApiToken). */
export async function memberFromRequest(req: Request): Promise<Actor | null> {
  if (req.baseUrl.startsWith('/api/') || req.originalUrl.startsWith('/api/')) {
    const m = /^Bearer\s+(mt_\S+)$/i.exec(req.get('authorization') ?? '');
    if (!m) return null;
    const t = await findMemberToken(sha256(m[1]));
    return t ? memberActor(t.personId, 'token') : null;
  }
  const personId = req.session?.memberPersonId;
  return personId ? memberActor(personId, 'session') : null;
}

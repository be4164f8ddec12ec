import crypto from 'node:crypto';
import { config } from '../../config';
import { isUuid } from '../../lib/ids';
import { unsubscribeKey } from './messages.repo';

/**
 * The one-click unsubscribe link (RFC 8058): the token is the authorisation, signed with a key kept in the
 * database. It names the person and the message by internal ids only (no personal value in the URL).
 */

function mac(key: string, payload: string): string {
  return crypto.createHmac('sha256', key).update(`unsubscribe:${payload}`).digest('base64url').slice(0, 32);
}

export async function unsubscribeToken(personId: string, messageId: string): Promise<string> {
  const payload = `${personId}.${messageId}`;
  return `${payload}.${mac(await unsubscribeKey(), payload)}`;
}

export async function verifyUnsubscribe(token: string): Promise<{ personId: string; messageId: string } | null> {
  const parts = token.split('.');
  if (parts.length !== 3 || !isUuid(parts[0]) || !isUuid(parts[1])) return null;
  const want = Buffer.from(mac(await unsubscribeKey(), `${parts[0]}.${parts[1]}`));
  const got = Buffer.from(parts[2]);
  if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) return null;
  return { personId: parts[0], messageId: parts[1] };
}

export function publicUrl(): string {
  return (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
}

export async function unsubscribeUrl(personId: string, messageId: string): Promise<string> {
  return `${publicUrl()}/unsubscribe/${await unsubscribeToken(personId, messageId)}`;
}

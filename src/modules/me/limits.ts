import crypto from 'node:crypto';
import type { Request } from 'express';
import { clientKey, limiter } from '../../http/limits';
import { parseContact } from './contacts';
import { memberCodeKey } from './signin.repo';

// The counters are shared by every app process (PostgreSQL); the key is an HMAC with the members' code key kept in
// the database, the same in every process, so the counters are no list of contacts.
const contactOf = async (req: Request) => {
  const body = req.body as Record<string, unknown> | undefined;
  const raw = typeof body?.contact === 'string' ? body.contact : '';
  const c = parseContact(raw);
  return crypto
    .createHmac('sha256', await memberCodeKey())
    .update(c ? c.value : raw)
    .digest('hex');
};

/**
 * Asking for a code: 5 an hour per contact (whoever asks), 20 per 15 minutes per address. One pair serves the page and
 * the API. A limit reached answers the same for known and unknown contacts.
 */
export function codeLimiters() {
  return [limiter('me-code-ip', 15 * 60_000, 20, clientKey), limiter('me-code-contact', 60 * 60_000, 5, contactOf)];
}

/** Entering a code: each code has 5 tries of its own; this bounds one address across contacts. */
export function tokenLimiters() {
  return [limiter('me-token-ip', 15 * 60_000, 30, clientKey)];
}

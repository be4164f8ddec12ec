import crypto from 'node:crypto';
import type { Request } from 'express';
import { clientKey, limiter } from '../../http/limits';
import { parseContact } from './contacts';

// Keys live in memory only; the salt keeps even those from being a list of contacts.
const SALT = crypto.randomBytes(16).toString('hex');
const contactOf = (req: Request) => {
  const body = req.body as Record<string, unknown> | undefined;
  const raw = typeof body?.contact === 'string' ? body.contact : '';
  const c = parseContact(raw);
  return crypto
    .createHash('sha256')
    .update(`${SALT}:${c ? c.value : raw}`)
    .digest('hex');
};

/**
 * Asking for a code: 5 an hour per contact (whoever asks), 20 per 15 minutes per address. One pair serves the page and
 * the API. A limit reached answers the same for known and unknown contacts.
 */
export function codeLimiters() {
  return [limiter(15 * 60_000, 20, clientKey), limiter(60 * 60_000, 5, contactOf)];
}

/** Entering a code: each code has 5 tries of its own; this bounds one address across contacts. */
export function tokenLimiters() {
  return [limiter(15 * 60_000, 30, clientKey)];
}

import crypto from 'node:crypto';
import rateLimit from 'express-rate-limit';
import type { Request } from 'express';
import { AppError } from '../../http/errors';
import { clientKey, sharedStore } from '../../http/limits';
import { isValidCardNumber, normaliseCardNumber } from '../../lib/cardNumber';
import { nameKey } from '../../lib/names';
import { audit } from '../audit/audit.repo';
import { findCardByNumber } from './cards.repo';
import { findPartnerKey, insertPartnerKey } from './partners.repo';

const FLOOR_MS = 120;
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const DUMMY = '9600000000000000';

/**
 * The public membership check: "VALID" only when a card with this number is issued and not blocked, its
 * member is in the union, and the surname and first name match (case and Ё ignored). Every miss looks the
 * same and takes about the same time: one lookup always, then a floor on the answer time.
 */
export async function verifyMembership(
  q: { lastName: string; firstName: string; cardNumber: string },
  partnerId: string | null,
): Promise<'VALID' | 'NOT_FOUND'> {
  const started = Date.now();
  const number = normaliseCardNumber(q.cardNumber);
  const card = await findCardByNumber(isValidCardNumber(number) ? number : DUMMY);
  const ok =
    !!card &&
    card.number === number &&
    card.status === 'ISSUED' &&
    card.member.status === 'ACTIVE' &&
    nameKey(card.member.person.lastName) === nameKey(q.lastName) &&
    nameKey(card.member.person.firstName) === nameKey(q.firstName);
  const result = ok ? 'VALID' : 'NOT_FOUND';
  await audit(null, { action: 'verify.checked', outcome: 'OK', details: { result, partner: partnerId } });
  const wait = FLOOR_MS + crypto.randomInt(0, 30) - (Date.now() - started);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  return result;
}

export async function partnerFromRequest(req: Request): Promise<string | null> {
  const key = req.get('x-api-key');
  if (!key) return null;
  const p = await findPartnerKey(sha256(key));
  if (!p || p.revokedAt || p.scope !== 'verify') throw new AppError('UNAUTHENTICATED', 'Неверный ключ партнёра');
  return p.id;
}

export async function createPartnerKey(name: string) {
  const key = `pk_${crypto.randomBytes(24).toString('base64url')}`;
  const row = await insertPartnerKey(name, sha256(key));
  return { key, row };
}

const partnerHeader = (req: Request) => (req.originalUrl.startsWith('/api/') ? req.get('x-api-key') : undefined);

const tooMany = (_req: Request, _res: unknown, next: (e: unknown) => void) => next(new AppError('TOO_MANY_REQUESTS'));

/**
 * Per address (partners with a key get their own, larger allowance) and for the whole service. One pair serves
 * both the page and the API: an address gets 20 checks a minute in all, not 20 on each.
 */
export function verifyLimiters() {
  return [
    rateLimit({
      store: sharedStore('verify-all'),
      windowMs: 60_000,
      limit: 3000,
      keyGenerator: () => 'global',
      standardHeaders: false,
      legacyHeaders: false,
      handler: tooMany,
    }),
    rateLimit({
      store: sharedStore('verify-client'),
      windowMs: 60_000,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      handler: tooMany,
      // Only the API reads a partner key (an unknown key there gets 401); the page's allowance is always per address.
      limit: (req) => (partnerHeader(req) ? 600 : 20),
      keyGenerator: (req) => (partnerHeader(req) ? `k:${sha256(partnerHeader(req)!)}` : clientKey(req)),
    }),
  ];
}

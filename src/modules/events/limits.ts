import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import rateLimit from 'express-rate-limit';
import { AppError } from '../../http/errors';
import { clientKey, sharedStore } from '../../http/limits';

/** Who is checking in: the session's user on pages, the bearer token (hashed) on the API, else the address. */
function userKey(req: Request): string {
  const u: unknown = req.user;
  if (u && typeof u === 'object' && 'id' in u && typeof u.id === 'string') return `u:${u.id}`;
  const h = req.get('authorization');
  if (h) return `t:${crypto.createHash('sha256').update(h).digest('hex')}`;
  return `a:${clientKey(req)}`;
}

function limit(
  name: string,
  windowMs: number,
  max: number,
  key: (req: Request) => string,
  failuresOnly = false,
): RequestHandler {
  return rateLimit({
    store: sharedStore(name),
    windowMs,
    limit: max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: key,
    skipSuccessfulRequests: failuresOnly,
    handler: (_req, _res, next) =>
      next(new AppError('TOO_MANY_REQUESTS', 'Слишком много отметок подряд. Подождите минуту и продолжите')),
  });
}

/**
 * Check-in allowances, shared by the page and the API: per event (a hall of scanners) and per user, and a
 * tighter one for refused cards per user, so that guessing card numbers stops quickly while a queue at the
 * door does not.
 */
export function checkinLimiters(): RequestHandler[] {
  return [
    limit('checkin-event', 60_000, 600, (req) => `e:${String(req.params.id)}`),
    limit('checkin-user', 60_000, 120, userKey),
    limit('checkin-refused', 10 * 60_000, 30, userKey, true),
  ];
}

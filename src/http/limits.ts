import rateLimit, { ipKeyGenerator } from 'express-rate-limit';
import type { Request } from 'express';
import { AppError } from './errors';

/** The client's address, IPv6 reduced to its /56 so that one host cannot rotate through addresses. */
export function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? '0.0.0.0');
}

export function limiter(windowMs: number, limit: number, key?: (req: Request) => string) {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    ...(key ? { keyGenerator: key } : {}),
    handler: (_req, _res, next) => next(new AppError('TOO_MANY_REQUESTS')),
  });
}

/** Login: 10 attempts per 15 minutes per address and login, 50 per address. */
export function loginLimiters() {
  const byLoginAndIp = limiter(
    15 * 60_000,
    10,
    (req) =>
      `${clientKey(req)}|${String(req.body?.login ?? '')
        .trim()
        .toLowerCase()}`,
  );
  const byIp = limiter(15 * 60_000, 50, clientKey);
  return [byIp, byLoginAndIp];
}

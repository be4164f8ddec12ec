import rateLimit, { ipKeyGenerator } from 'express-rate-limit';
import type { Request } from 'express';
import { asText } from '../lib/text';
import { AppError } from './errors';
import { renderPage } from './render';

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

/** Minutes until a limiter's window lets the caller in again (at least 1). */
function minutesLeft(req: Request): number {
  const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  return Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + 60_000) - Date.now()) / 60_000));
}

/**
 * Login: only FAILED attempts count (a school's shared address must not lock out everyone who signs in):
 * 10 failures per 15 minutes per login (from any address) and 50 per address. The refusal says when to try
 * again; the sign-in page keeps the typed login.
 */
export function loginLimiters() {
  const make = (limit: number, key: (req: Request) => string) =>
    rateLimit({
      windowMs: 15 * 60_000,
      limit,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      keyGenerator: key,
      skipSuccessfulRequests: true,
      handler: (req, res, next) => {
        const minutes = minutesLeft(req);
        res.setHeader('Retry-After', String(minutes * 60));
        const message = `Слишком много неудачных попыток входа. Попробуйте снова через ${minutes} мин.`;
        if (req.originalUrl.startsWith('/api/')) return next(new AppError('TOO_MANY_REQUESTS', message));
        const typed = (req.body as { login?: unknown } | undefined)?.login;
        const login = typeof typed === 'string' ? typed.slice(0, 100) : '';
        renderPage(res, 'auth/login', { title: 'Вход', values: { login }, error: message }, 429).catch(next);
      },
    });
  const loginOf = (req: Request) =>
    asText((req.body as { login?: unknown } | undefined)?.login ?? '')
      .trim()
      .toLowerCase();
  return [make(50, (req) => `ip:${clientKey(req)}`), make(10, (req) => `login:${loginOf(req)}`)];
}

import rateLimit, { ipKeyGenerator } from 'express-rate-limit';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from './errors';
import { renderPage } from './render';
import { PgRateStore } from './rate-store';

/**
 * The shared store for a limiter: counts live in PostgreSQL, so every web process sees the same allowance.
 * `name` must be unique per limiter and stable across processes (it is the counters' key prefix).
 */
export function sharedStore(name: string): PgRateStore {
  return new PgRateStore(name);
}

/** The client's address, IPv6 reduced to its /56 so that one host cannot rotate through addresses. */
export function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? '0.0.0.0');
}

export function limiter(
  name: string,
  windowMs: number,
  limit: number,
  key?: (req: Request) => string | Promise<string>,
) {
  return rateLimit({
    store: sharedStore(name),
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

function typedLogin(req: Request): string {
  const login = (req.body as { login?: unknown } | undefined)?.login;
  return typeof login === 'string' ? login : '';
}

/**
 * Login: only FAILED attempts count (a school's shared address must not lock out everyone who signs in):
 * 10 failures per 15 minutes per login (from any address) and 50 per address. The refusal says when to try
 * again; the sign-in page keeps the typed login.
 */
export function loginLimiters() {
  const loginOf = (req: Request) => typedLogin(req).trim().toLowerCase();
  const refuse = (req: Request, res: Response, next: NextFunction, minutes: number) => {
    const message = `Слишком много неудачных попыток входа. Попробуйте снова через ${minutes} мин.`;
    if (req.originalUrl.startsWith('/api/')) return next(new AppError('TOO_MANY_REQUESTS', message));
    const login = typedLogin(req).slice(0, 100);
    renderPage(res, 'auth/login', { title: 'Вход', values: { login }, error: message }, 429).catch(next);
  };
  // The page and the API share the names, so a login's 10 failures count across both (and across processes).
  return [
    failureLimiter('login-ip', 50, (req) => `ip:${clientKey(req)}`, refuse),
    failureLimiter('login-name', 10, (req) => `login:${loginOf(req)}`, refuse),
  ];
}

/**
 * The second step of signing in: failed codes count like failed logins, 5 per 15 minutes for the account waiting
 * for its code (a 6-digit code must not be guessable) and 50 per address. The refusal says when to try again.
 */
export function secondFactorLimiters() {
  const refuse = (_req: Request, res: Response, next: NextFunction, minutes: number) => {
    const message = `Слишком много неверных кодов. Попробуйте снова через ${minutes} мин.`;
    renderPage(res, 'auth/code', { title: 'Код входа', error: message, demoHint: null }, 429).catch(next);
  };
  return [
    failureLimiter('code-ip', 50, (req) => `code-ip:${clientKey(req)}`, refuse),
    failureLimiter('code-user', 5, (req) => `code-user:${req.session?.mfaUserId ?? clientKey(req)}`, refuse),
  ];
}

/**
 * A limit on failures only (successful requests are not counted) in a 15-minute window, kept in the shared store so
 * that every app process counts the same failures; the refusal carries Retry-After and says when to try again.
 */
function failureLimiter(
  name: string,
  limit: number,
  key: (req: Request) => string,
  refuse: (req: Request, res: Response, next: NextFunction, minutes: number) => void,
) {
  return rateLimit({
    store: sharedStore(name),
    windowMs: 15 * 60_000,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: key,
    skipSuccessfulRequests: true,
    handler: (req, res, next) => {
      const minutes = minutesLeft(req);
      res.setHeader('Retry-After', String(minutes * 60));
      refuse(req, res, next, minutes);
    },
  });
}

import type { Express, NextFunction, Request, Response } from 'express';
import session from 'express-session';
import connectPg from 'connect-pg-simple';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import pg from 'pg';
import crypto from 'node:crypto';
import { csrfSync } from 'csrf-sync';
import { config } from '../config';
import { preparingPool } from '../db';
import type { Actor } from '../policy/actor';
import { AppError } from './errors';

declare module 'express-session' {
  interface SessionData {
    createdAt?: number;
    returnTo?: string;
    flash?: string;
    flashNext?: string;
    loginValue?: string;
    /** A member signed in on the members' side (/me): never read by the chairs' actor loader. */
    memberPersonId?: string;
    /** The contact a member asked a code for, between the two sign-in steps (kept out of the URL). */
    memberContact?: string;
    /** Signed in with the password, waiting for the second factor's code (not yet a signed-in session). */
    mfaUserId?: string;
    mfaAt?: number;
    /** Signed in, but the level requires a second factor that is not set up yet: every page leads to the setup. */
    mfaEnrol?: boolean;
    /** A secret being set up (shown as a QR code) until the first code confirms it. */
    mfaPendingSecret?: string;
  }
}

/** What sessions and the actor loader need from the accounts (injected by app.ts: http/ knows no feature module). */
export interface AccountDeps {
  /** The user a login and password sign in (null: refused, the attempt audited). */
  checkLogin(login: string, password: string): Promise<{ id: string } | null>;
  /** The user a valid, unrevoked, unexpired API token belongs to. */
  findValidToken(token: string): Promise<{ userId: string } | null>;
  loadActor(userId: string, via: Actor['via']): Promise<Actor | null>;
}

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;

let sessionPool: pg.Pool | undefined;
export function getSessionPool(): pg.Pool {
  if (!sessionPool) {
    sessionPool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 4 });
    sessionPool.on('error', (e) => {
      if (config.LOG_LEVEL !== 'silent') console.error('PostgreSQL (сессии):', e.message);
    });
  }
  return sessionPool;
}
export async function closeSessionPool(): Promise<void> {
  const p = sessionPool;
  sessionPool = undefined;
  await p?.end();
}

/** How often an unchanged session's expiry is moved on in the table (at most once a minute per process). */
export const TOUCH_EVERY_MS = 60 * 1000;

/**
 * The PostgreSQL session store, touching an unchanged session at most once a minute: every page used to write
 * its session row (an UPDATE per request under load). The idle timeout then counts from a moment at most a minute
 * before the last request; a changed session is saved (and its expiry moved) at once, as before.
 */
function throttledStore(
  PgStore: ReturnType<typeof connectPg>,
  opts: ConstructorParameters<ReturnType<typeof connectPg>>[0],
) {
  const touched = new Map<string, number>();
  const store = new PgStore(opts);
  const touch = store.touch.bind(store);
  store.touch = (sid, sess, cb) => {
    const now = Date.now();
    const last = touched.get(sid);
    if (last !== undefined && now - last < TOUCH_EVERY_MS) return cb?.();
    if (touched.size > 100_000) touched.clear(); // a bound, not a cache: the worst case is one early touch
    touched.set(sid, now);
    touch(sid, sess, cb);
  };
  const set = store.set.bind(store);
  store.set = (sid, sess, cb) => {
    touched.set(sid, Date.now()); // a saved session's expiry has just moved on too
    set(sid, sess, cb);
  };
  const destroy = store.destroy.bind(store);
  store.destroy = (sid, cb) => {
    touched.delete(sid);
    destroy(sid, cb);
  };
  return store;
}

export function installSessions(app: Express, secret: string, accounts: AccountDeps): void {
  csrfKey = secret;
  const PgStore = connectPg(session);
  app.use(
    session({
      name: 'reestr.sid',
      store: throttledStore(PgStore, {
        pool: preparingPool(getSessionPool()),
        tableName: 'session',
        createTableIfMissing: false,
        pruneSessionInterval: config.isTest ? false : 15 * 60,
      }),
      secret,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.COOKIE_SECURE === 'auto' ? 'auto' : config.COOKIE_SECURE === 'true',
        maxAge: IDLE_TIMEOUT_MS,
      },
    }),
  );
  // Absolute timeout: a session older than 12 h ends whatever the activity.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (req.session?.createdAt && Date.now() - req.session.createdAt > ABSOLUTE_TIMEOUT_MS) {
      // A fresh, empty session (not a destroyed one: the rest of the request reads req.session): the page
      // then redirects to the sign-in page, which says why.
      req.session.regenerate((err) => {
        if (err) return next(err);
        req.session.flashNext = 'Сеанс завершён: прошло 12 часов со входа. Войдите снова';
        next();
      });
      return;
    }
    next();
  });

  passport.use(
    new LocalStrategy({ usernameField: 'login', passwordField: 'password' }, (login, password, done) => {
      accounts.checkLogin(login, password).then(
        (user) => done(null, user ? { id: user.id } : false),
        (e) => done(e),
      );
    }),
  );
  passport.serializeUser((u: Express.User, done) => done(null, (u as { id: string }).id));
  passport.deserializeUser((id: string, done) => done(null, { id }));
  app.use(passport.session());
}

/**
 * A visitor who has not signed in has no session row (reading the sign-in page must not create one: anyone could
 * fill the table): their CSRF token lives in a signed cookie instead. Once a session carries a signed-in user
 * (or the members' side sign-in), the token lives in the session and the cookie is no longer read.
 */
const CSRF_COOKIE = 'reestr.csrf';
let csrfKey = '';

function hasIdentity(req: Request): boolean {
  const s = req.session as (typeof req.session & { passport?: { user?: string } }) | undefined;
  return !!(s?.passport?.user || s?.memberPersonId || s?.memberContact || s?.mfaUserId || s?.csrfToken);
}

function sign(token: string): string {
  return crypto.createHmac('sha256', csrfKey).update(`csrf:${token}`).digest('base64url');
}

function cookieToken(req: Request): string | undefined {
  const m = new RegExp(`(?:^|;\\s*)${CSRF_COOKIE.replace('.', '\\.')}=([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]+)`).exec(
    req.headers.cookie ?? '',
  );
  if (!m) return undefined;
  const [, token, mac] = m;
  const want = Buffer.from(sign(token));
  const got = Buffer.from(mac);
  return want.length === got.length && crypto.timingSafeEqual(want, got) ? token : undefined;
}

export const csrf = csrfSync({
  getTokenFromRequest: (req) => {
    const body = req.body as { _csrf?: unknown } | undefined;
    return typeof body?._csrf === 'string' ? body._csrf : req.get('x-csrf-token');
  },
  getTokenFromState: (req) => (hasIdentity(req) ? req.session.csrfToken : cookieToken(req)),
  storeTokenInState: (req, token) => {
    if (hasIdentity(req) || !req.res) {
      req.session.csrfToken = token;
      return;
    }
    if (!token) return void req.res.clearCookie(CSRF_COOKIE);
    const secure = config.COOKIE_SECURE === 'true' || (config.COOKIE_SECURE === 'auto' && req.secure);
    req.res.cookie(CSRF_COOKIE, `${token}.${sign(token)}`, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  },
});

/** Who is asking: the session's user for pages, the bearer token's user for the API. */
export function actorLoader(accounts: AccountDeps): (req: Request) => Promise<Actor | null> {
  return (req) => actorFromRequest(accounts, req);
}

async function actorFromRequest(accounts: AccountDeps, req: Request): Promise<Actor | null> {
  if (req.path.startsWith('/api/') || req.baseUrl.startsWith('/api/')) {
    const h = req.get('authorization');
    if (!h) return null;
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) return null;
    const token = await accounts.findValidToken(m[1]);
    if (!token) return null;
    return accounts.loadActor(token.userId, 'token');
  }
  const u = req.user as { id: string } | undefined;
  if (!u) return null;
  if (actorCache.has(req)) return actorCache.get(req)!;
  const actor = await accounts.loadActor(u.id, 'session');
  actorCache.set(req, actor);
  return actor;
}
const actorCache = new WeakMap<Request, Actor | null>();

export function requireCsrf(req: Request, res: Response, next: NextFunction): void {
  csrf.csrfSynchronisedProtection(req, res, (err?: unknown) => {
    if (err) return next(new AppError('CSRF'));
    next();
  });
}

import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { config } from '../config';
import { deleteKeptForm, findKeptForm, saveKeptForm } from './kept-form.repo';

/**
 * A form sent after its session ended (idle, the 12-hour limit, or signed in again elsewhere) fails the CSRF
 * check. Instead of losing what was typed, the fields are kept server-side (a KeptForm row; the browser holds only
 * a random key in a cookie, never the values, and nothing goes into a URL or a log), the author signs in again and
 * the page is shown with the values filled in, to be checked and sent again (never sent automatically).
 *
 * Whose form it was: the session is gone by then, so a signed cookie (`reestr.who`, the user id with an HMAC) set
 * while signed in says who last used this browser. A kept form is shown only to that same user; anyone else
 * signing in first removes it. SameSite=Lax keeps both cookies off cross-site POSTs, and a request from another
 * origin is never kept, so a foreign site cannot pre-fill a user's form.
 */
const WHO_COOKIE = 'reestr.who';
const KEPT_COOKIE = 'reestr.kept';
/** How long the typed values wait for their author to sign in again. */
export const KEPT_TTL_MS = 60 * 60 * 1000;
/** The marker outlives the session: a form left open over a long break is still recognised. */
const WHO_MAX_AGE_MS = 24 * 60 * 60 * 1000;
const WHO_REFRESH_MS = 10 * 60 * 1000;
/** Not kept: the sign-in and account pages (passwords, codes) and the members' side. */
const NOT_KEPT_PATHS = /^\/(login|logout|profile|me|unsubscribe)(\/|$)/;
/** Fields never kept whatever the page: secrets and one-time codes (files are never parsed here). */
const SECRET_FIELD = /pass|парол|secret|token|otp|recovery|^code$|^current$|^next$|^repeat$/i;
const MAX_KEPT_CHARS = 100_000;
export const KEPT_MESSAGE = 'Сеанс истёк — проверьте и отправьте форму ещё раз';

export type KeptFields = Record<string, string | string[]>;

let key = '';
/** The HMAC key of the `reestr.who` marker (the session secret), set once by app.ts. */
export function setKeptFormKey(secret: string): void {
  key = secret;
}

function mac(value: string): string {
  return crypto.createHmac('sha256', key).update(`who:${value}`).digest('base64url');
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

function cookieOptions(req: Request, maxAge: number) {
  const secure = config.COOKIE_SECURE === 'true' || (config.COOKIE_SECURE === 'auto' && req.secure);
  return { httpOnly: true, sameSite: 'lax' as const, secure, path: '/', maxAge };
}

/** The user the marker names, with the time it was set (null: none, or not ours). */
function whoCookie(req: Request): { userId: string; at: number } | null {
  const m = /^([0-9a-f-]{36})\.(\d{1,15})\.([A-Za-z0-9_-]+)$/.exec(readCookie(req, WHO_COOKIE) ?? '');
  if (!m) return null;
  const want = Buffer.from(mac(`${m[1]}.${m[2]}`));
  const got = Buffer.from(m[3]);
  if (want.length !== got.length || !crypto.timingSafeEqual(want, got)) return null;
  return { userId: m[1], at: Number(m[2]) };
}

function keptId(req: Request): string | null {
  const token = readCookie(req, KEPT_COOKIE);
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  return crypto.createHash('sha256').update(token).digest('hex');
}

function signedInUser(req: Request): string | undefined {
  const user: unknown = req.user;
  return (user as { id?: string } | undefined)?.id;
}

/** A local path (an open redirect would send a chair to a look-alike site). */
function localPath(v: unknown): string | null {
  return typeof v === 'string' && v.length <= 1000 && /^\/(?!\/)[^\\\s]*$/.test(v) ? v : null;
}

/** Where the form was shown: the page's own address, carried by the CSRF partial (`_page`), else a same-origin Referer. */
function formPage(req: Request): string | null {
  const fromForm = localPath((req.body as { _page?: unknown } | undefined)?._page);
  if (fromForm) return fromForm;
  const referer = req.get('referer');
  if (!referer) return null;
  try {
    const u = new URL(referer);
    return u.origin === `${req.protocol}://${req.get('host')}` ? localPath(u.pathname + u.search) : null;
  } catch {
    return null;
  }
}

function sameOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin') return false;
  const origin = req.get('origin');
  return !origin || origin === `${req.protocol}://${req.get('host')}`;
}

/** The typed values: strings and lists of strings only, without the hidden service fields and secrets. */
function typedFields(body: unknown): KeptFields | null {
  if (!body || typeof body !== 'object') return null;
  const out: KeptFields = {};
  let chars = 0;
  for (const [name, v] of Object.entries(body as Record<string, unknown>)) {
    if (name.startsWith('_') || SECRET_FIELD.test(name)) continue;
    if (typeof v === 'string') out[name] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[name] = v;
    else continue;
    chars += name.length + (typeof v === 'string' ? v.length : v.join('').length);
  }
  return Object.keys(out).length && chars <= MAX_KEPT_CHARS ? out : null;
}

function forgetKept(req: Request, res: Response): void {
  res.clearCookie(KEPT_COOKIE, { path: '/' });
}

/**
 * Every page request: the address the CSRF partial writes into forms (`formPage`), the signed-in user's marker,
 * and, on the kept form's own page, its values (`keptValues`, merged into the page's `values` by renderPage).
 */
export async function keptForms(req: Request, res: Response, next: NextFunction): Promise<void> {
  try {
    const get = req.method === 'GET' || req.method === 'HEAD';
    // A form re-shown after a failed POST keeps the address of the page it first came from.
    res.locals.formPage = (get ? localPath(req.originalUrl) : formPage(req)) ?? '';
    const user = signedInUser(req);
    if (user) {
      const who = whoCookie(req);
      if (!who || who.userId !== user || Date.now() - who.at > WHO_REFRESH_MS) {
        const value = `${user}.${Date.now()}`;
        res.cookie(WHO_COOKIE, `${value}.${mac(value)}`, cookieOptions(req, WHO_MAX_AGE_MS));
      }
    }
    const id = get ? keptId(req) : null;
    if (id && user) {
      const row = await findKeptForm(id);
      if (!row || row.userId !== user) {
        // Someone else's (or expired): never shown, and gone.
        if (row) await deleteKeptForm(id);
        forgetKept(req, res);
      } else if (row.page === req.originalUrl) {
        await deleteKeptForm(id);
        forgetKept(req, res);
        res.locals.keptValues = row.fields;
        res.locals.flash = KEPT_MESSAGE;
      }
    } else if (id && req.path === '/login') {
      res.locals.flash = [res.locals.flash, 'Войдите снова: то, что вы ввели в форму, сохранено и появится после входа']
        .filter(Boolean)
        .join('. ');
    }
    next();
  } catch (e) {
    next(e);
  }
}

/**
 * A POST whose CSRF check failed: when it is a form of this site sent by the user who last signed in here, its
 * values are kept and the browser goes to sign in (or, still signed in, straight back to the page). False: not
 * kept, the usual 403 «Форма устарела» follows.
 */
export async function keepFormOnCsrfFailure(req: Request, res: Response): Promise<boolean> {
  if (!req.is('application/x-www-form-urlencoded') || NOT_KEPT_PATHS.test(req.path) || !sameOrigin(req)) return false;
  const user = signedInUser(req);
  const who = whoCookie(req);
  const author = user ?? who?.userId;
  if (!author || (user && who && who.userId !== user)) return false;
  const page = formPage(req);
  const fields = typedFields(req.body);
  if (!page || !fields) return false;
  const token = crypto.randomBytes(32).toString('base64url');
  await saveKeptForm(crypto.createHash('sha256').update(token).digest('hex'), author, page, fields, KEPT_TTL_MS);
  res.cookie(KEPT_COOKIE, token, cookieOptions(req, KEPT_TTL_MS));
  res.redirect(303, user ? page : '/login');
  return true;
}

/**
 * Right after a sign-in: the kept form's page when the form is this user's (the sign-in then leads there), else
 * null, and a form kept for someone else is removed before anything could show it.
 */
export async function keptPageAfterSignIn(req: Request, res: Response, userId: string): Promise<string | null> {
  const id = keptId(req);
  if (!id) return null;
  const row = await findKeptForm(id);
  if (row && row.userId === userId) return row.page;
  if (row) await deleteKeptForm(id);
  forgetKept(req, res);
  return null;
}

/** Signing out: this browser no longer belongs to the user, so nothing later sent from it is kept for them. */
export function forgetSignedInUser(req: Request, res: Response): void {
  res.clearCookie(WHO_COOKIE, { path: '/' });
  forgetKept(req, res);
}

/** The kept values on their page (for a page whose form does not re-display from `values`). */
export function keptValues(res: Response): KeptFields | undefined {
  return res.locals.keptValues as KeptFields | undefined;
}

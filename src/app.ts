/**
 * The composition root: the Express app with its middleware in order (security headers, compression, assets,
 * sessions, CSRF, logs) and every feature's routes mounted with the dependencies they are given. About 300 lines
 * on purpose: the order of the middleware is the app's security story and reads best in one place.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import path from 'node:path';
import helmet from 'helmet';
import compression from 'compression';
import crypto from 'node:crypto';
import { config } from './config';
import { AppError } from './http/errors';
import { renderPage } from './http/render';
import {
  ABSOLUTE_TIMEOUT_MS,
  actorLoader,
  csrf,
  IDLE_TIMEOUT_MS,
  installSessions,
  requireCsrf,
  type AccountDeps,
} from './http/web';
import { mount, type RouteDef } from './http/route';
import { assets, PUBLIC_DIR } from './http/assets';
import { noStoreByDefault } from './http/caching';
import { saveSessionBeforeRedirect } from './http/flash';
import { healthRoutes } from './http/health';
import { keepFormOnCsrfFailure, keptForms, setKeptFormKey } from './http/kept-form';
import { requestLogger } from './http/logging';
import { readYourWrites } from './http/read-after-write';
import { audit } from './modules/audit/audit.repo';
import { pathIds } from './modules/organisations/organisations.repo';
import { authPages } from './modules/auth/auth.routes';
import { findValidToken, loadActor } from './modules/auth/auth.repo';
import { checkLogin } from './modules/auth/login';
import { secondFactorGate } from './modules/auth/second-factor.routes';
import { orgPages } from './modules/organisations/organisations.routes';
import { memberPages } from './modules/members/members.routes';
import { transferRequestPages } from './modules/members/transfers.routes';
import { userPages } from './modules/users/users.routes';
import { auditPages } from './modules/organisations/audit.routes';
import { userStatusPages } from './modules/users/users.status.routes';
import { cardApiRoutes } from './modules/cards/cards.api';
import { cardPages } from './modules/cards/cards.routes';
import { bonusPages } from './modules/cards/bonus.routes';
import { partnerPages } from './modules/cards/partners.routes';
import { verifyApi, verifyPages } from './modules/cards/public.routes';
import { verifyLimiters } from './modules/cards/verify';
import { eventApiRoutes, eventPages } from './modules/events/events.routes';
import { participantPages } from './modules/events/participants.routes';
import { checkinLimiters } from './modules/events/limits';
import { reportPages } from './modules/reports/reports.routes';
import { reportApi } from './modules/reports/reports.api';
import { campaignPages } from './modules/reports/campaigns.routes';
import { importApi } from './modules/imports/imports.api';
import { importPages } from './modules/imports/imports.routes';
import { bulkPages } from './modules/members/bulk.routes';
import { applicationPages } from './modules/applications/applications.routes';
import { customPages } from './modules/custom/custom.routes';
import { apiRoutes } from './modules/api/api.routes';
import { announcementApi } from './modules/announcements/announcements.api';
import { userApi } from './modules/users/users.api';
import { announcementPages } from './modules/announcements/announcements.routes';
import { receiptPages } from './modules/announcements/receipts.routes';
import { reminderPages } from './modules/announcements/reminders.routes';
import { reminderApi } from './modules/announcements/reminders.api';
import { informingLocals } from './modules/announcements/announcements.locals';
import { libraryApi } from './modules/library/library.api';
import { libraryPages } from './modules/library/library.pages';
import { surveyApi } from './modules/surveys/surveys.api';
import { surveyPages } from './modules/surveys/surveys.pages';
import { outboxPages } from './modules/mail/outbox.routes';
import { memberSignin } from './modules/me/signin.routes';
import { mePages } from './modules/me/me.routes';
import { mePushPages } from './modules/push/push.routes';
import { memberFromRequest } from './modules/me/signin.service';
import { retentionPages } from './modules/retention/retention.routes';
import { auditRetentionPages } from './modules/audit/log-retention.routes';
import { messageApi, messagePages } from './modules/messages/messages.routes';
import { unsubscribePages } from './modules/messages/unsubscribe.routes';
import { meApi } from './modules/me/me.api';
import { memberRequestPages } from './modules/me/chair.routes';
import { Prisma } from './generated/prisma/client';
import type { Actor } from './policy/actor';

export interface AppOptions {
  sessionSecret?: string;
  /** Central and regional users must set up a second factor (default). Only the shared test app turns it off. */
  secondFactorRequired?: boolean;
}

/** Builds the Express app without listening: the server and the tests both use it. */
export function createApp(opts: AppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY === '1' ? 1 : false);
  app.set('query parser', 'simple');
  if (config.LOG_LEVEL !== 'silent') app.use(requestLogger(config.LOG_LEVEL));
  app.use(compression());
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'script-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'form-action': ["'self'"],
          'upgrade-insecure-requests': null,
        },
      },
      strictTransportSecurity: config.COOKIE_SECURE !== 'false',
    }),
  );
  app.use(assets().middleware());
  app.get('/favicon.ico', (_req, res) => res.status(204).end());
  // The members' service worker lives under /me/ so that its scope is the members' side only (see public/me-sw.js).
  app.get('/me/sw.js', (_req, res) => {
    res.sendFile(path.join(PUBLIC_DIR, 'me-sw.js'), {
      headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' },
    });
  });
  app.use(noStoreByDefault);
  app.use(healthRoutes());

  // One allowance for the public check, whether asked through the page or the API.
  const verifyLimits = verifyLimiters();
  const checkinLimits = checkinLimiters();

  // The chairs' side: users' sessions and API tokens (http/ knows no feature module: the accounts are injected).
  const accounts: AccountDeps = { checkLogin, findValidToken, loadActor };
  const actorFromRequest = actorLoader(accounts);

  // The members' side: its own actor loader (member session field or member token), its own sign-in page.
  const signin = memberSignin();

  // API: JSON, bearer tokens, no cookies, so no CSRF.
  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(readYourWrites);
  const memberApi = express.Router();
  mount(memberApi, { loadActor: memberFromRequest }, [...signin.api, ...meApi()]);
  api.use(memberApi);
  mount(api, { loadActor: actorFromRequest }, [
    ...apiRoutes(),
    ...cardApiRoutes(),
    ...eventApiRoutes(checkinLimits),
    ...verifyApi(verifyLimits),
    ...reportApi(),
    ...importApi(),
    ...announcementApi(),
    ...reminderApi(),
    ...userApi(),
    ...libraryApi(),
    ...surveyApi(),
    ...messageApi(),
  ]);
  api.use((_req, _res, next) => next(new AppError('NOT_FOUND')));
  app.use('/api/v1', api);

  // One-click unsubscribe (RFC 8058): before sessions and CSRF, the signed token in the URL is the authorisation.
  const unsubscribe = express.Router();
  mount(unsubscribe, { loadActor: () => Promise.resolve(null) }, unsubscribePages());
  app.use(unsubscribe);

  const secret = opts.sessionSecret ?? config.SESSION_SECRET ?? crypto.randomBytes(32).toString('hex');
  installSessions(app, secret, accounts);
  setKeptFormKey(secret);
  app.use(saveSessionBeforeRedirect);
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.csrfToken = csrf.generateToken(req);
    // When a signed-in session ends without activity (or at the 12-hour limit): shown on every page, so that a
    // long form is sent in time.
    if (req.user && req.session.createdAt) {
      const limit = req.session.createdAt + ABSOLUTE_TIMEOUT_MS;
      res.locals.sessionEndsAt = new Date(Math.min(Date.now() + IDLE_TIMEOUT_MS, limit));
      // The 12-hour limit comes first: extending the session cannot help (public/session.js says so).
      res.locals.sessionEndsByLimit = limit < Date.now() + IDLE_TIMEOUT_MS;
    }
    res.locals.path = req.path;
    // A message for the next page (set while this request redirects, e.g. the 12-hour limit) waits for it.
    if (req.session.flashNext) {
      req.session.flash = req.session.flashNext;
      delete req.session.flashNext;
    } else {
      res.locals.flash = req.session.flash;
      delete req.session.flash;
    }
    next();
  });
  app.use(keptForms);
  app.use(readYourWrites);
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    // Multipart bodies are parsed by the upload route, which checks the token itself (see uploadOne).
    if (req.is('multipart/form-data')) return next();
    requireCsrf(req, res, (err?: unknown) => {
      if (!err) {
        // The page address the CSRF partial adds to every form is for keeping a form only (src/http/kept-form.ts).
        if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>)._page;
        return next();
      }
      // A form sent after its session ended: kept for its author, who signs in again and sees it re-shown.
      keepFormOnCsrfFailure(req, res).then((kept) => (kept ? undefined : next(err)), next);
    });
  });
  const pages = express.Router();
  // Fixed paths before parameterised ones: /members/bulk/exit must not be read as /members/:id/exit.
  const defs: RouteDef[] = [
    ...authPages({ secondFactorRequired: opts.secondFactorRequired ?? true }),
    ...orgPages(),
    ...bulkPages(),
    ...memberPages(),
    ...transferRequestPages(),
    ...userStatusPages(),
    ...userPages(),
    ...auditPages(),
    ...cardPages(),
    ...bonusPages(),
    ...partnerPages(),
    ...eventPages(checkinLimits),
    ...participantPages(),
    ...verifyPages(verifyLimits),
    ...reportPages(),
    ...campaignPages(),
    ...importPages(),
    ...applicationPages(),
    ...customPages(),
    ...libraryPages(),
    ...surveyPages(),
    ...outboxPages(),
    ...memberRequestPages(),
    ...announcementPages(),
    ...receiptPages(),
    ...reminderPages(),
    ...retentionPages(),
    ...auditRetentionPages(),
    ...messagePages(),
  ];
  const selfPages = express.Router();
  mount(selfPages, { loadActor: memberFromRequest, loginPath: '/me/login' }, [
    ...signin.pages,
    ...mePages(),
    ...mePushPages(),
  ]);
  app.use(selfPages);
  mount(pages, { loadActor: actorFromRequest, pageLocals: informingLocals, gate: secondFactorGate }, defs);
  app.use(pages);
  app.use((_req, _res, next) => next(new AppError('NOT_FOUND', 'Страница не найдена')));
  app.use(errorHandler);
  return app;
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; code?: string };
  if (e?.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE');
  if (e?.type === 'entity.parse.failed') return new AppError('BAD_REQUEST', 'Тело запроса не является корректным JSON');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (e?.status === 400 || e?.status === 413 || e?.status === 415)
    return new AppError(
      e.status === 413 ? 'PAYLOAD_TOO_LARGE' : e.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST',
    );
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === 'P2002') return new AppError('CONFLICT');
    if (err.code === 'P2025') return new AppError('NOT_FOUND');
  }
  return new AppError('INTERNAL');
}

async function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): Promise<void> {
  const e = toAppError(err);
  const routePath = (req.route as { path?: string } | undefined)?.path;
  const actor = res.locals.actor as Actor | null | undefined;
  if (e.code === 'INTERNAL' && config.LOG_LEVEL !== 'silent') {
    // Only the error, never the request body: it may hold personal data.
    console.error(`[${new Date().toISOString()}] ${req.method} ${routePath ?? '(no route)'}:`, err);
  }
  if (e.code === 'FORBIDDEN' && actor) {
    const denied = res.locals.auditDenied as { action: string; orgPath: string } | undefined;
    const orgId = denied ? (pathIds(denied.orgPath).pop() ?? null) : null;
    await audit(actor, {
      action: 'access.denied',
      outcome: 'DENIED',
      organisationId: orgId,
      details: { route: routePath ?? '', method: req.method, refused: denied?.action ?? null },
    }).catch(() => undefined);
  }
  if (res.headersSent) return;
  if (req.originalUrl.startsWith('/api/')) {
    res.status(e.status).json({
      error: { code: e.code, message: e.message, ...(e.fields ? { fields: e.fields } : {}), ...(e.extra ?? {}) },
    });
    return;
  }
  try {
    await renderPage(
      res,
      'error',
      { title: e.status === 404 ? 'Не найдено' : 'Ошибка', status: e.status, message: e.message },
      e.status,
    );
  } catch {
    res.status(e.status).type('text').send(e.message);
  }
}

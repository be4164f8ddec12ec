import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { track } from '../lib/background';
import type { Actor } from '../policy/actor';
import { decide, scopePaths } from '../policy/actor';
import type { Action, RouteAction } from '../policy/rules';
import { AppError, fieldErrors } from './errors';
import { assertCleanText } from './text';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** Path parameters as Express gives them (a route with a `params` schema gets its parsed type instead). */
export type PathParams = Record<string, string>;
/**
 * A page form or a query string as the parsers give them (urlencoded, not extended): every field a string, or
 * several strings when the field repeats (checkbox lists). A route with a schema gets its parsed type instead.
 */
export type FormFields = Record<string, string | string[] | undefined>;

/** A handler's context. Helpers that only need the actor, the response or `authorize` take the plain `Ctx`. */
export interface Ctx<P = unknown, Q = unknown, B = unknown> {
  req: Request;
  res: Response;
  actor: Actor;
  params: P;
  query: Q;
  body: B;
  action: RouteAction;
  /** Checks the route's declared action on an organisation: outside the scope 404, no right 403. */
  authorize(orgPath: string): void;
  /** Checks another action (e.g. to compute what the page may offer) without throwing. */
  allows(action: Action, orgPath: string): boolean;
}

export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  path: string;
  /** The policy action. Required: a route without one is refused at boot. */
  action: RouteAction;
  kind: 'page' | 'api';
  summary?: string;
  tag?: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** For API routes the body is validated before the handler (400 with every field). Pages validate
   *  their forms themselves so that they can re-render with what was typed. */
  body?: z.ZodType<B>;
  response?: z.ZodType;
  status?: number;
  /** Extra middleware run before the handler (rate limits, uploads). */
  before?: RequestHandler[];
  /** `false` for a page write mounted before the CSRF check, authorised by a signed token in its URL instead. */
  csrf?: false;
  handler(ctx: Ctx<P, Q, B>): Promise<void> | void;
}

/** Every route defined, for the OpenAPI document and for the test that each declares its action. */
const registry = new Map<string, RouteDef>();
export const ROUTES = {
  all: (): RouteDef[] => [...registry.values()],
  filter: (f: (r: RouteDef) => boolean): RouteDef[] => [...registry.values()].filter(f),
};

export interface RouteDeps {
  loadActor(req: Request): Promise<Actor | null>;
  /** Locals every page of a logged-in user shows (e.g. the unread count in the navigation). */
  pageLocals?(actor: Actor, res: Response): Promise<void>;
  /** Where a page without a signed-in actor sends the visitor (the members' side has its own sign-in). */
  loginPath?: string;
  /** Where a signed-in user must go first (e.g. the second factor's setup), or null: checked before every page. */
  gate?(req: Request): string | null;
}

export function mount(router: Router, deps: RouteDeps, defs: RouteDef[]): void {
  for (const def of defs) {
    if (!def.action) throw new Error(`Route ${def.method.toUpperCase()} ${def.path} declares no policy action`);
    registry.set(`${def.kind} ${def.method} ${def.path}`, def);
    // Each answer is tracked: on SIGTERM the server stops accepting, and the pools close only after the answers
    // in progress are done (one whose client has gone away no longer fails half-way on a closed pool).
    const answer = async (req: Request, res: Response, next: NextFunction) => {
      try {
        assertCleanText({ body: req.body as unknown, query: req.query, params: req.params });
        // The global CSRF check leaves multipart bodies to the upload middleware, which checks the token after parsing
        // (src/http/upload.ts): a multipart page write that met no upload middleware is unchecked (and unparsed).
        if (def.kind === 'page' && def.csrf !== false && !['GET', 'HEAD'].includes(req.method)) {
          if (req.is('multipart/form-data') && res.locals.csrfChecked !== true) throw new AppError('CSRF');
        }
        let actor: Actor | null = null;
        if (def.action !== 'public') {
          actor = await deps.loadActor(req);
          // A member acts only on member routes, and a chair never on them: either way it is "not signed in".
          if (actor && (actor.kind === 'member') !== (def.action === 'member-self')) actor = null;
          if (!actor) {
            if (def.kind === 'page') {
              // A page, not a script's request (the session warning's keep-alive asks for JSON): back here after sign-in.
              if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html')
                req.session.returnTo = req.originalUrl;
              return res.redirect(303, deps.loginPath ?? '/login');
            }
            throw new AppError('UNAUTHENTICATED');
          }
        } else {
          actor = (await deps.loadActor(req).catch(() => null)) ?? null;
        }
        res.locals.actor = actor;
        const gate = actor && def.kind === 'page' && def.action !== 'public' ? (deps.gate?.(req) ?? null) : null;
        if (gate) return res.redirect(303, gate);
        if (actor) {
          const users = scopePaths(actor, 'user.manage');
          const retention = scopePaths(actor, 'retention.manage');
          res.locals.nav = {
            users: users === 'all' || users.length > 0,
            retention: retention === 'all' || retention.length > 0,
          };
          if (def.kind === 'page' && deps.pageLocals && actor.kind === 'user') await deps.pageLocals(actor, res);
        }
        const params = parse(def.params, req.params, 'params');
        const query = parse(def.query, req.query, 'query');
        const raw: unknown = req.body;
        const body = def.kind === 'api' && def.body ? parse(def.body, raw ?? {}, 'body') : raw;
        let authorized = def.action === 'public' || def.action === 'self' || def.action === 'member-self';
        const ctx: Ctx = {
          req,
          res,
          actor: actor as Actor,
          params,
          query,
          body,
          action: def.action,
          authorize(orgPath) {
            if (def.action === 'member-self')
              throw new Error(`Route ${def.path}: a member route has no organisation check`);
            const verdict = decide(actor as Actor, def.action as Action, orgPath);
            if (verdict === 'not_found') throw new AppError('NOT_FOUND');
            if (verdict === 'forbidden') {
              res.locals.auditDenied = { action: def.action, orgPath };
              throw new AppError('FORBIDDEN');
            }
            authorized = true;
          },
          allows(action, orgPath) {
            return decide(actor as Actor, action, orgPath) === 'allow';
          },
        };
        await def.handler(ctx);
        if (!authorized && !res.headersSent)
          throw new Error(`Route ${def.path} answered without checking ${def.action}`);
        if (!authorized) {
          // The response went out without a policy check: a programming error, loud in tests.
          console.error(`SECURITY: route ${def.method.toUpperCase()} ${def.path} did not authorize ${def.action}`);
        }
      } catch (e) {
        next(e);
      }
    };
    router[def.method](def.path, ...(def.before ?? []), (req: Request, res: Response, next: NextFunction) =>
      track(answer(req, res, next)),
    );
  }
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return value as T;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  // A malformed id in the URL is just "not found".
  if (where === 'params') throw new AppError('NOT_FOUND');
  throw new AppError('BAD_REQUEST', undefined, fieldErrors(r.error));
}

/**
 * Declares one route with its handler's params, query and body typed by the route's zod schemas; without a
 * schema, path parameters are strings and the query and a page's form are `FormFields` (the list of routes is
 * untyped, so without this the handler's ctx would know nothing of them).
 */
export function route<P = PathParams, Q = FormFields, B = FormFields>(def: RouteDef<P, Q, B>): RouteDef {
  return def;
}

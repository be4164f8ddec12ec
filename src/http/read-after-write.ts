import type { NextFunction, Request, Response } from 'express';
import { freshReads, hasReadReplica, primaryReads } from '../db';

declare module 'express-session' {
  interface SessionData {
    /** When this session last changed something (ms): its reads stay on the primary (and fresh) for a while after. */
    wroteAt?: number;
    /** When this session last changed registry data (ms; not its own sign-in or profile): fresh figures after. */
    changedAt?: number;
  }
}

/** Longer than any replication lag worth serving: a replica further behind should be taken out of use. */
export const READ_YOUR_WRITES_MS = 10_000;

/** A session that changed something this long ago or less gets today's figures computed, not a snapshot. */
export const FRESH_FIGURES_MS = 5 * 60_000;

/** Writes that change the signed-in account, not the registry: signing in and out, the NDA, the profile. */
const ACCOUNT_ONLY = /^\/(login|logout|nda|profile)(\/|$)/;

/**
 * Reads may go to a replica (readDb/readPool), but never so that someone misses what they have just saved: a
 * request that changes something reads from the primary, and so does the same session for a few seconds after
 * (the page it is redirected to, the list it goes back to). Likewise the union's dashboard may come from a
 * snapshot a couple of minutes old (modules/organisations/snapshots.ts), except for a session that changed
 * something since and for the API. Installed after the body parsers (a parser's stream events would lose the
 * context).
 */
export function readYourWrites(req: Request, _res: Response, next: NextFunction): void {
  const writing = req.method !== 'GET' && req.method !== 'HEAD';
  const s = req.session as typeof req.session | undefined;
  const now = Date.now();
  // Only a signed-in session is marked: marking a visitor's would save it (no session rows for visitors).
  const signedIn = !!(s && ((s as { passport?: { user?: string } }).passport?.user || s.memberPersonId));
  if (writing && s && signedIn) {
    s.wroteAt = now;
    if (!ACCOUNT_ONLY.test(req.path)) s.changedAt = now;
  }
  const onPrimary = hasReadReplica() && (writing || now - (s?.wroteAt ?? 0) < READ_YOUR_WRITES_MS);
  const go = onPrimary ? () => primaryReads(() => next()) : next;
  if (writing || now - (s?.changedAt ?? 0) < FRESH_FIGURES_MS || req.baseUrl.startsWith('/api')) {
    freshReads(go);
    return;
  }
  go();
}

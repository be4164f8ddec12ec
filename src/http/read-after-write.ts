import type { NextFunction, Request, Response } from 'express';
import { hasReadReplica, primaryReads } from '../db';

declare module 'express-session' {
  interface SessionData {
    /** When this session last changed something (ms): its reads stay on the primary for a while after. */
    wroteAt?: number;
  }
}

/** Longer than any replication lag worth serving: a replica further behind should be taken out of use. */
export const READ_YOUR_WRITES_MS = 10_000;

/**
 * Reads may go to a replica (readDb/readPool), but never so that someone misses what they have just saved: a
 * request that changes something reads from the primary, and so does the same session for a few seconds after
 * (the page it is redirected to, the list it goes back to). Installed after the body parsers (a parser's stream
 * events would lose the context). Without a replica it does nothing.
 */
export function readYourWrites(req: Request, _res: Response, next: NextFunction): void {
  if (!hasReadReplica()) return next();
  const writing = req.method !== 'GET' && req.method !== 'HEAD';
  const s = req.session as typeof req.session | undefined;
  if (writing && s) s.wroteAt = Date.now();
  if (writing || (s?.wroteAt && Date.now() - s.wroteAt < READ_YOUR_WRITES_MS)) {
    primaryReads(() => next());
    return;
  }
  next();
}

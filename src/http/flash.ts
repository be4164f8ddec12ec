import type { NextFunction, Request, Response } from 'express';

/**
 * A redirect must leave only after the session is saved: express-session sends the headers first and saves
 * afterwards, so a fast browser followed the redirect before the flash was stored and the confirmation
 * vanished (or showed on the next page). Installed once after the session middleware, it makes every
 * `res.redirect` wait for `req.session.save`.
 */
export function saveSessionBeforeRedirect(req: Request, res: Response, next: NextFunction): void {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  (res as { redirect: (...args: unknown[]) => void }).redirect = (...args: unknown[]) => {
    if (!req.session) return redirect(...args);
    // A confirmation taken for this page but not shown (the page only redirects, e.g. «/» to the only
    // organisation) waits for the next one.
    const unshown = res.locals.flash as string | undefined;
    if (unshown && !req.session.flash) {
      req.session.flash = unshown;
      delete res.locals.flash;
    }
    req.session.save(() => redirect(...args));
  };
  next();
}

/** Sets the confirmation shown on the next page and redirects (303) once the session is stored. */
export function redirectWithFlash(req: Request, res: Response, url: string, message: string): void {
  req.session.flash = message;
  res.redirect(303, url);
}

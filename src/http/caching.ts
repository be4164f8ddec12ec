import type { NextFunction, Request, Response } from 'express';

/**
 * Every dynamic answer (page, export, API) may carry personal data: none is kept by the browser or a proxy,
 * so Back after logging out shows nothing. A route may still set its own header; only the fingerprinted
 * static assets (see assets.ts) are cached, for a year.
 */
export function noStoreByDefault(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  next();
}

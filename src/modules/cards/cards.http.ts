/** What the card pages share: the ids a form sends, and an action answered by a message on the page it came from. */
import { z } from 'zod';
import { AppError } from '../../http/errors';
import type { Ctx } from '../../http/route';

export const ids = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v ? [v] : []).filter(
    (x): x is string => typeof x === 'string' && z.string().uuid().safeParse(x).success,
  );

export function redirectBack(ctx: Ctx, url: string, flash: string): void {
  ctx.req.session.flash = flash;
  ctx.res.redirect(303, url);
}

/** Runs an action and turns its refusal into a message on the page it came from. */
export async function act(ctx: Ctx, back: string, fn: () => Promise<string>) {
  try {
    redirectBack(ctx, back, await fn());
  } catch (e) {
    if (e instanceof AppError && ['UNPROCESSABLE', 'CONFLICT', 'STALE_VERSION', 'BAD_REQUEST'].includes(e.code)) {
      return redirectBack(ctx, back, `Не выполнено: ${e.fields ? Object.values(e.fields).join('; ') : e.message}`);
    }
    throw e;
  }
}

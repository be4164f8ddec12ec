/** What the member pages (and the core API) share: the personal-data gate, the scoped load, form errors. */
import { AppError } from '../../http/errors';
import type { Ctx } from '../../http/route';
import { findMemberVisible, type MemberFull } from './members.repo';

/** Personal data is shown only after the non-disclosure obligation is accepted (152-ФЗ). */
export function ndaGate(ctx: Ctx): boolean {
  if (ctx.actor.ndaAcceptedAt) return true;
  ctx.res.redirect(303, `/nda?returnTo=${encodeURIComponent(ctx.req.originalUrl.split('?')[0])}`);
  return false;
}

export async function loadMemberFor(ctx: Ctx, id: string): Promise<MemberFull> {
  const m = await findMemberVisible(ctx.actor, id);
  if (!m) throw new AppError('NOT_FOUND');
  ctx.authorize(m.organisation.path);
  return m;
}

/** Applies an AppError's field messages to a form, or rethrows what a form cannot show. */
export function formErrors(e: unknown): Record<string, string> {
  if (
    e instanceof AppError &&
    (e.fields || ['STALE_VERSION', 'DUPLICATE_PERSON', 'CONFLICT', 'UNPROCESSABLE'].includes(e.code))
  ) {
    return e.fields ?? { _: e.message };
  }
  throw e;
}

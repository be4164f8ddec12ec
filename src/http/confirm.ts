import type { Ctx } from './route';
import { renderPage } from './render';

/** What a «Проверьте данные» page says before an irreversible step. */
export interface ConfirmPage {
  title: string;
  /** What will happen, in plain words: one paragraph each. */
  lines: string[];
  /** Where the confirmed form goes (the same route). */
  action: string;
  /** The fields the first form sent, carried over unchanged. */
  carry: Record<string, string>;
  button: string;
  /** The page to go back to without doing anything. */
  back: string;
}

/**
 * Irreversible steps are never one tap, with or without JavaScript: the first POST shows this page,
 * and only the second one (with confirmed=yes) acts. Returns true when the step was confirmed.
 */
export async function confirmed(ctx: Ctx, page: ConfirmPage): Promise<boolean> {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  if (body.confirmed === 'yes') return true;
  await renderPage(ctx.res, 'confirm', { ...page });
  return false;
}

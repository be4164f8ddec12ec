import type { Response } from 'express';
import type { Actor } from '../../policy/actor';
import { unreadSummary } from './announcements.repo';

/**
 * For every page of a logged-in user: the unread announcements count (the navigation's «Объявления (N)») and
 * the first few unread (the start page's block). One query.
 */
export async function informingLocals(actor: Actor, res: Response): Promise<void> {
  const s = await unreadSummary(actor, 5);
  res.locals.informing = { unread: s.count, top: s.items };
}

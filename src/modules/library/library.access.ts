import { AppError } from '../../http/errors';
import type { Ctx } from '../../http/route';
import { visibleSql } from '../audience/audience.fields';
import { findDocument, isDocumentVisible, type DocumentFull } from './library.repo';

/**
 * Reading what was published above the user is checked at the user's own organisation: the route's action
 * ('document.read', 'survey.answer') must be held by one of the actor's assignments. Which items are readable
 * is the audience's SQL condition.
 */
export function authorizeReader(ctx: Ctx): void {
  const own = ctx.actor.assignments.find((a) => ctx.allows(ctx.action as never, a.orgPath)) ?? ctx.actor.assignments[0];
  if (!own) throw new AppError('NOT_FOUND');
  ctx.authorize(own.orgPath);
}

/** A document the actor may read (addressed to them, or theirs to publish); otherwise 404. */
export async function loadReadable(ctx: Ctx, id: string): Promise<DocumentFull> {
  const visible = await isDocumentVisible(visibleSql(ctx.actor, 'document.publish'), id);
  const doc = visible ? await findDocument(id) : null;
  if (!doc) throw new AppError('NOT_FOUND');
  authorizeReader(ctx);
  return doc;
}

/** A document the route's publishing action covers (its publisher's subtree); outside → 404, no right → 403. */
export async function loadPublished(ctx: Ctx, id: string): Promise<DocumentFull> {
  const doc = await findDocument(id);
  if (!doc) throw new AppError('NOT_FOUND');
  ctx.authorize(doc.organisation.path);
  return doc;
}

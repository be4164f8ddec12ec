import { Prisma } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import type { Ctx } from '../../http/route';
import type { Actor } from '../../policy/actor';
import { scopePaths } from '../../policy/actor';
import { audienceVisibleSql } from '../audience/audience.sql';
import { authorizeReader } from '../library/library.access';
import { findSurvey, surveyPasses, type SurveyFull } from './surveys.repo';

/** Published and addressed to the actor now (alias s). */
export const addressedSql = (actor: Actor) => audienceVisibleSql('s', actor);

/** Within the subtree where the actor publishes surveys (publisher joined as o): drafts included. */
export function mineSql(actor: Actor): Prisma.Sql {
  const scope = scopePaths(actor, 'survey.publish');
  if (scope === 'all') return Prisma.sql`true`;
  if (!scope.length) return Prisma.sql`false`;
  return Prisma.sql`(${Prisma.join(
    scope.map((p) => Prisma.sql`o.path LIKE ${p} || '%'`),
    ' OR ',
  )})`;
}

/** A published survey addressed to the actor (to answer it); otherwise 404. */
export async function loadAddressed(ctx: Ctx, id: string): Promise<SurveyFull> {
  const ok = await surveyPasses(Prisma.sql`s.status = 'PUBLISHED' AND ${addressedSql(ctx.actor)}`, id);
  const s = ok ? await findSurvey(id) : null;
  if (!s) throw new AppError('NOT_FOUND');
  authorizeReader(ctx);
  return s;
}

/** A survey addressed to the actor or theirs to publish (the survey's page). */
export async function loadViewable(ctx: Ctx, id: string): Promise<SurveyFull> {
  const ok = await surveyPasses(
    Prisma.sql`((s.status = 'PUBLISHED' AND ${addressedSql(ctx.actor)}) OR ${mineSql(ctx.actor)})`,
    id,
  );
  const s = ok ? await findSurvey(id) : null;
  if (!s) throw new AppError('NOT_FOUND');
  authorizeReader(ctx);
  return s;
}

/** A survey under the route's publishing action (results, editing, exports): outside → 404, no right → 403. */
export async function loadOwned(ctx: Ctx, id: string): Promise<SurveyFull> {
  const s = await findSurvey(id);
  if (!s) throw new AppError('NOT_FOUND');
  ctx.authorize(s.organisation.path);
  return s;
}

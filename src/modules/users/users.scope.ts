import { AppError } from '../../http/errors';
import type { Ctx } from '../../http/route';
import { fromDate, today } from '../../lib/dates';
import { findUserWithRoles } from './users.repo';

export const idOf = (ctx: Ctx): string => (ctx.params as { id: string }).id;

/**
 * The user if the caller manages users at one of their organisations (that assignment's path is authorised);
 * a user with no organisation the caller can see is 404. Only the assignments the caller can see are returned.
 */
export async function loadManaged(ctx: Ctx, id: string) {
  const u = await findUserWithRoles(id);
  const visible = u
    ? u.roles.filter(
        (r) => ctx.allows('org.view', r.organisation.path) || ctx.allows('user.manage', r.organisation.path),
      )
    : [];
  if (!u || !visible.length) throw new AppError('NOT_FOUND');
  const managed = visible.find((r) => ctx.allows('user.manage', r.organisation.path)) ?? visible[0];
  ctx.authorize(managed.organisation.path);
  return { u, visible };
}

/**
 * Disabling or re-enabling a user: every organisation the user works in now must be the caller's to manage, so
 * that no one switches off a colleague who also works elsewhere.
 */
export function assertManagesEveryCurrentRole(
  ctx: Ctx,
  u: { roles: { endsOn: Date | null; organisation: { path: string } }[] },
): void {
  const current = u.roles.filter((r) => !r.endsOn || fromDate(r.endsOn) >= today());
  if (!current.every((r) => ctx.allows('user.manage', r.organisation.path)))
    throw new AppError(
      'FORBIDDEN',
      'Пользователь работает и в организациях, где у вас нет права управлять пользователями',
    );
}

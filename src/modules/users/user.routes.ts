import { z } from 'zod';
import { AppError, fieldErrors } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { today } from '../../lib/dates';
import { scopePaths } from '../../policy/actor';
import { findVisible } from '../organisations/organisations.repo';
import { day, idParams, uuid } from '../organisations/organisations.input';
import { findAssignment, findUserWithRoles } from './users.repo';
import { assignRole, endRole } from './users.service';
import { assignmentInput } from './users.input';
import { orgOptions, presentRoles, roleOptions } from './users.http';

/** A user is visible to a manager when one of their assignments lies inside the manager's scope. */
async function loadUserFor(ctx: Ctx, id: string) {
  const u = await findUserWithRoles(id);
  const paths = scopePaths(ctx.actor, 'user.manage');
  const inScope = u?.roles.filter((r) => paths === 'all' || paths.some((p) => r.organisation.path.startsWith(p))) ?? [];
  if (!u || (!inScope.length && u.id !== ctx.actor.userId)) throw new AppError('NOT_FOUND');
  ctx.authorize(inScope[0]?.organisation.path ?? ctx.actor.assignments[0]?.orgPath ?? '/');
  return { user: u, inScope };
}

/** One user: the page with their roles, a role assigned, a role ended. */
export function userRecordPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/users/:id',
      kind: 'page',
      action: 'user.manage',
      params: idParams,
      async handler(ctx) {
        const { user, inScope } = await loadUserFor(ctx, ctx.params.id);
        await renderUser(ctx, user, inScope, {}, { startsOn: today() });
      },
    }),
    route({
      method: 'post',
      path: '/users/:id/roles',
      kind: 'page',
      action: 'user.manage',
      params: idParams,
      async handler(ctx) {
        const { user, inScope } = await loadUserFor(ctx, ctx.params.id);
        const parsed = assignmentInput.safeParse(ctx.body);
        if (!parsed.success) return renderUser(ctx, user, inScope, fieldErrors(parsed.error), ctx.body, 400);
        const org = await findVisible(ctx.actor, parsed.data.organisationId);
        if (!org || !ctx.allows('user.manage', org.path))
          return renderUser(ctx, user, inScope, { organisationId: 'Выберите организацию из списка' }, ctx.body, 400);
        try {
          await assignRole(ctx.actor, user.id, {
            role: parsed.data.role,
            org,
            startsOn: parsed.data.startsOn,
            endsOn: parsed.data.endsOn,
          });
        } catch (e) {
          if (e instanceof AppError && (e.fields || e.code === 'FORBIDDEN'))
            return renderUser(ctx, user, inScope, e.fields ?? { role: e.message }, ctx.body, e.status);
          throw e;
        }
        ctx.req.session.flash = 'Роль назначена';
        ctx.res.redirect(303, `/users/${user.id}`);
      },
    }),
    route({
      method: 'post',
      path: '/users/:id/roles/:roleId/end',
      kind: 'page',
      action: 'user.manage',
      params: z.object({ id: uuid, roleId: uuid }),
      async handler(ctx) {
        const ra = await findAssignment(ctx.params.roleId);
        if (!ra || ra.userId !== ctx.params.id) throw new AppError('NOT_FOUND');
        const org = await findVisible(ctx.actor, ra.organisationId);
        if (!org) throw new AppError('NOT_FOUND');
        ctx.authorize(org.path);
        const d = day.safeParse(ctx.body.endsOn || today());
        try {
          await endRole(ctx.actor, ra, d.success ? d.data : today());
        } catch (e) {
          if (!(e instanceof AppError && e.code === 'CONFLICT')) throw e;
        }
        ctx.req.session.flash = 'Полномочия завершены';
        ctx.res.redirect(303, `/users/${ra.userId}`);
      },
    }),
  ];
}

async function renderUser(
  ctx: Ctx,
  user: NonNullable<Awaited<ReturnType<typeof findUserWithRoles>>>,
  inScope: typeof user.roles,
  errors: Record<string, string>,
  values: Record<string, unknown>,
  status = 200,
) {
  const t = today();
  await renderPage(
    ctx.res,
    'users/show',
    {
      title: user.fullName,
      user: {
        id: user.id,
        login: user.login,
        fullName: user.fullName,
        email: user.email,
        active: user.active,
        ndaAcceptedAt: user.ndaAcceptedAt,
      },
      roles: presentRoles(inScope, t).map((r) => ({ ...r, canEnd: r.active || r.endsOn === null })),
      errors,
      values,
      orgOptions: await orgOptions(ctx),
      roleOptions: roleOptions(ctx.actor),
      today: t,
    },
    status,
  );
}

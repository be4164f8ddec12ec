import { z } from 'zod';
import { AppError, fieldErrors } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { today } from '../../lib/dates';
import { ROLE_KINDS } from '../../policy/rules';
import { findVisible } from '../organisations/organisations.repo';
import { uuid } from '../organisations/organisations.input';
import { usersInSubtree } from './users.repo';
import { createUserWithRole } from './users.service';
import { newUserInput } from './users.input';
import { defaultManageOrg, orgOptions, presentRoles, roleOptions } from './users.http';
import { userRecordPages } from './user.routes';
import { handoverPages } from './handover.routes';

/**
 * The users' pages, in the order they are mounted (/users/new before /users/:id): the list and a new user (here),
 * one user and their roles (user.routes.ts), a chair handing over their powers (handover.routes.ts).
 */
export function userPages(): RouteDef[] {
  return [...userListPages(), ...userRecordPages(), ...handoverPages()];
}

function userListPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/users',
      kind: 'page',
      action: 'user.manage',
      query: z.object({
        org: uuid.optional().catch(undefined),
        page: z.coerce.number().int().min(1).catch(1).default(1),
      }),
      async handler(ctx) {
        const org = ctx.query.org ? await findVisible(ctx.actor, ctx.query.org) : await defaultManageOrg(ctx.actor);
        if (!org) throw new AppError(!ctx.query.org && ctx.actor.assignments.length ? 'FORBIDDEN' : 'NOT_FOUND');
        ctx.authorize(org.path);
        const { items, total } = await usersInSubtree(org.path, ctx.query.page, 50);
        const t = today();
        await renderPage(ctx.res, 'users/list', {
          title: 'Пользователи',
          org: { id: org.id, name: org.shortName ?? org.name },
          users: items.map((u) => ({
            id: u.id,
            login: u.login,
            fullName: u.fullName,
            active: u.active,
            roles: presentRoles(
              u.roles.filter((r) => r.organisation.path.startsWith(org.path)),
              t,
            ),
          })),
          page: ctx.query.page,
          pageSize: 50,
          total,
          handover: ctx.actor.assignments.filter((a) => a.role === 'CHAIR').map((a) => ({ id: a.id, org: a.orgName })),
        });
      },
    }),
    route({
      method: 'get',
      path: '/users/new',
      kind: 'page',
      action: 'user.manage',
      query: z.object({ org: uuid.optional().catch(undefined) }),
      async handler(ctx) {
        const org = ctx.query.org ? await findVisible(ctx.actor, ctx.query.org) : await defaultManageOrg(ctx.actor);
        if (!org) throw new AppError('NOT_FOUND');
        ctx.authorize(org.path);
        await renderNewUser(ctx, { organisationId: org.id, startsOn: today() }, {});
      },
    }),
    route({
      method: 'post',
      path: '/users/new',
      kind: 'page',
      action: 'user.manage',
      async handler(ctx) {
        const parsed = newUserInput.safeParse(ctx.body);
        const org = parsed.success ? await findVisible(ctx.actor, parsed.data.organisationId) : null;
        if (org) ctx.authorize(org.path);
        else ctx.authorize(ctx.actor.assignments[0]?.orgPath ?? '/');
        if (!parsed.success) return renderNewUser(ctx, ctx.body, fieldErrors(parsed.error), 400);
        if (!org || !ctx.allows('user.manage', org.path))
          return renderNewUser(ctx, ctx.body, { organisationId: 'Выберите организацию из списка' }, 400);
        try {
          const u = await createUserWithRole(ctx.actor, parsed.data, {
            role: parsed.data.role,
            org,
            startsOn: parsed.data.startsOn,
            endsOn: parsed.data.endsOn,
          });
          ctx.req.session.flash = 'Пользователь создан. Сообщите ему логин и временный пароль лично.';
          ctx.res.redirect(303, `/users/${u.id}`);
        } catch (e) {
          if (e instanceof AppError && (e.fields || e.code === 'FORBIDDEN'))
            return renderNewUser(ctx, ctx.body, e.fields ?? { role: e.message }, e.status);
          throw e;
        }
      },
    }),
  ];
}

async function renderNewUser(ctx: Ctx, values: Record<string, unknown>, errors: Record<string, string>, status = 200) {
  await renderPage(
    ctx.res,
    'users/new',
    {
      title: 'Новый пользователь',
      values,
      errors,
      orgOptions: await orgOptions(ctx),
      roleOptions: roleOptions(ctx.actor),
      roleKinds: ROLE_KINDS,
    },
    status,
  );
}

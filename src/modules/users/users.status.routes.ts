import { z } from 'zod';
import { AppError } from '../../http/errors';
import { redirectWithFlash } from '../../http/flash';
import { renderPage } from '../../http/render';
import { route, type Ctx, type RouteDef } from '../../http/route';
import { ROLE_LABELS } from '../../policy/rules';
import { uuid } from '../organisations/organisations.input';
import { assertManagesEveryCurrentRole, loadManaged } from './users.scope';
import { disableUserAccount, enableUserAccount } from './users.service';

const params = z.object({ id: uuid });

/** The user, if the caller manages users where the user works now (outside the subtree 404, elsewhere too 403). */
async function loadForStatus(ctx: Ctx, id: string) {
  const { u, visible } = await loadManaged(ctx, id);
  assertManagesEveryCurrentRole(ctx, u);
  return { u, visible };
}

/**
 * Disabling a user (a confirmation step first: it ends their sessions and tokens at once) and enabling them again.
 * The API has the same disable (POST /api/v1/users/:id/disable).
 */
export function userStatusPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/users/:id/disable',
      kind: 'page',
      action: 'user.manage',
      params,
      async handler(ctx) {
        const { u, visible } = await loadForStatus(ctx, ctx.params.id);
        await renderPage(ctx.res, 'users/disable', {
          title: 'Отключить пользователя',
          user: { id: u.id, login: u.login, fullName: u.fullName, active: u.active, self: u.id === ctx.actor.userId },
          roles: visible.map((r) => ({
            role: ROLE_LABELS[r.role],
            org: r.organisation.shortName ?? r.organisation.name,
          })),
        });
      },
    }),
    route({
      method: 'post',
      path: '/users/:id/disable',
      kind: 'page',
      action: 'user.manage',
      params,
      async handler(ctx) {
        const { u, visible } = await loadForStatus(ctx, ctx.params.id);
        if (!u.active) return redirectWithFlash(ctx.req, ctx.res, `/users/${u.id}`, 'Пользователь уже отключён');
        if (u.id === ctx.actor.userId) throw new AppError('CONFLICT', 'Нельзя отключить собственную учётную запись');
        await disableUserAccount(ctx.actor, u, visible[0].organisationId);
        redirectWithFlash(
          ctx.req,
          ctx.res,
          `/users/${u.id}`,
          `Пользователь ${u.login} отключён: его сеансы завершены, токены API отозваны`,
        );
      },
    }),
    route({
      method: 'post',
      path: '/users/:id/enable',
      kind: 'page',
      action: 'user.manage',
      params,
      async handler(ctx) {
        const { u, visible } = await loadForStatus(ctx, ctx.params.id);
        if (u.active) return redirectWithFlash(ctx.req, ctx.res, `/users/${u.id}`, 'Пользователь уже включён');
        await enableUserAccount(ctx.actor, u, visible[0].organisationId);
        redirectWithFlash(
          ctx.req,
          ctx.res,
          `/users/${u.id}`,
          `Пользователь ${u.login} снова может входить. Прежние токены API остаются отозванными`,
        );
      },
    }),
  ];
}

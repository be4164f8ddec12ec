import { z } from 'zod';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { today } from '../../lib/dates';
import { ROLE_LABELS } from '../../policy/rules';
import type { Role } from '../../generated/prisma/client';
import { day, uuid } from '../organisations/organisations.input';
import { findAssignment, findUserByLogin } from './users.repo';
import { handOver } from './users.service';

/** A chair hands their own powers over to a successor from a date. */
export function handoverPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/handover/:roleId',
      kind: 'page',
      action: 'user.manage',
      params: z.object({ roleId: uuid }),
      async handler(ctx) {
        const own = ctx.actor.assignments.find((a) => a.id === ctx.params.roleId);
        if (!own) throw new AppError('NOT_FOUND');
        ctx.authorize(own.orgPath);
        await renderHandover(ctx, own, { date: today() }, {});
      },
    }),
    route({
      method: 'post',
      path: '/handover/:roleId',
      kind: 'page',
      action: 'user.manage',
      params: z.object({ roleId: uuid }),
      async handler(ctx) {
        const own = ctx.actor.assignments.find((a) => a.id === ctx.params.roleId);
        if (!own) throw new AppError('NOT_FOUND');
        ctx.authorize(own.orgPath);
        const date = day.safeParse(ctx.body.date);
        const login = typeof ctx.body.successor === 'string' ? ctx.body.successor : '';
        const successor = login ? await findUserByLogin(login) : null;
        const errors: Record<string, string> = {};
        if (!date.success) errors.date = date.error.issues[0]?.message ?? 'Введите дату';
        if (!successor) errors.successor = 'Пользователь с таким логином не найден. Сначала создайте его.';
        if (Object.keys(errors).length) return renderHandover(ctx, own, ctx.body, errors, 400);
        const ra = await findAssignment(own.id);
        try {
          await handOver(
            ctx.actor,
            { id: own.id, role: own.role, organisationId: own.organisationId, startsOn: ra!.startsOn },
            successor!.id,
            date.data!,
          );
        } catch (e) {
          if (e instanceof AppError && e.fields) return renderHandover(ctx, own, ctx.body, e.fields, 400);
          throw e;
        }
        ctx.req.session.flash = 'Полномочия переданы';
        ctx.res.redirect(303, '/profile');
      },
    }),
  ];
}

async function renderHandover(
  ctx: Ctx,
  own: { id: string; orgName: string; role: Role },
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  await renderPage(
    ctx.res,
    'users/handover',
    {
      title: 'Передача полномочий',
      own: { id: own.id, org: own.orgName, role: ROLE_LABELS[own.role] },
      values,
      errors,
    },
    status,
  );
}

import { z } from 'zod';
import { AppError } from '../../http/errors';
import { route, type RouteDef } from '../../http/route';
import { fromDate } from '../../lib/dates';
import { passwordProblem, passwordRefine } from '../auth/passwords';
import { findVisible } from '../organisations/organisations.repo';
import { idParams, uuid } from '../organisations/organisations.input';
import { assertManagesEveryCurrentRole, idOf, loadManaged } from './users.scope';
import { disableUserAccount, provisionUser } from './users.service';

const T = 'Пользователи';
const ROLE = z.enum(['ADMIN', 'CHAIR', 'REGISTRAR', 'SUBUNIT_CHAIR', 'VIEWER'], {
  message: 'role: ADMIN, CHAIR, REGISTRAR, SUBUNIT_CHAIR или VIEWER',
});
const provisionInput = z
  .object({
    login: z
      .string({ message: 'Укажите логин' })
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9._-]{3,40}$/, { message: 'Логин: 3–40 латинских букв, цифр, точек, дефисов' }),
    fullName: z.string({ message: 'Укажите ФИО' }).trim().min(3, { message: 'Укажите ФИО' }).max(200),
    password: z.string({ message: 'Укажите пароль' }).superRefine(passwordRefine),
    assignments: z
      .array(z.object({ organisationId: uuid, role: ROLE }).strict(), { message: 'Укажите назначения' })
      .min(1, { message: 'Нужно хотя бы одно назначение' })
      .max(20, { message: 'Не больше 20 назначений' }),
  })
  .strict()
  .superRefine((v, ctx) => {
    const p = passwordProblem(v.password, { login: v.login, fullName: v.fullName });
    if (p) ctx.addIssue({ code: 'custom', path: ['password'], message: p });
  });

export function userApi(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/users',
      kind: 'api',
      action: 'user.manage',
      tag: T,
      summary: 'Создать пользователя с назначениями (нужно право управлять пользователями в каждой организации)',
      status: 201,
      body: provisionInput,
      response: z.object({ id: z.string(), login: z.string() }),
      async handler(ctx) {
        const b = ctx.body;
        const targets = [];
        for (const a of b.assignments) {
          const org = await findVisible(ctx.actor, a.organisationId);
          if (!org) throw new AppError('NOT_FOUND');
          ctx.authorize(org.path);
          targets.push({ role: a.role, org });
        }
        const user = await provisionUser(ctx.actor, b, targets);
        ctx.res.status(201).json({ id: user.id, login: user.login });
      },
    }),
    route({
      method: 'get',
      path: '/users/:id',
      kind: 'api',
      action: 'user.manage',
      tag: T,
      summary: 'Пользователь и его назначения (видимые вызывающему)',
      params: idParams,
      async handler(ctx) {
        const { u, visible } = await loadManaged(ctx, idOf(ctx));
        ctx.res.set('Cache-Control', 'no-store').json({
          id: u.id,
          login: u.login,
          fullName: u.fullName,
          active: u.active,
          assignments: visible.map((r) => ({
            id: r.id,
            organisationId: r.organisationId,
            role: r.role,
            startsOn: fromDate(r.startsOn),
            endsOn: r.endsOn ? fromDate(r.endsOn) : null,
          })),
        });
      },
    }),
    route({
      method: 'post',
      path: '/users/:id/disable',
      kind: 'api',
      action: 'user.manage',
      tag: T,
      summary: 'Отключить пользователя (сеансы и токены прекращаются сразу)',
      params: idParams,
      async handler(ctx) {
        const { u } = await loadManaged(ctx, idOf(ctx));
        // Every organisation the user works in now must be the caller's to manage: no one disables a colleague elsewhere.
        assertManagesEveryCurrentRole(ctx, u);
        await disableUserAccount(ctx.actor, u, u.roles[0].organisationId);
        ctx.res.json({ id: u.id, active: false });
      },
    }),
  ];
}

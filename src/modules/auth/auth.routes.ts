import type { NextFunction, Request, RequestHandler, Response } from 'express';
import passport from 'passport';
import { z } from 'zod';
import { asText } from '../../lib/text';
import { AppError } from '../../http/errors';
import { loginLimiters } from '../../http/limits';
import { forgetSignedInUser } from '../../http/kept-form';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { audit } from '../audit/audit.repo';
import { acceptNda, createToken, findUserForLogin, listTokens, revokeToken, setPassword } from './auth.repo';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import { ROLE_LABELS } from '../../policy/rules';
import { afterPassword, secondFactorPages, type SignInOptions } from './second-factor.routes';
import { findSecondFactor, unusedRecoveryCodes } from './second-factor.repo';
import { sessionPages } from './session.routes';

function authenticate(req: Request, res: Response): Promise<{ id: string } | false> {
  return new Promise((resolve, reject) => {
    const fail = (e: unknown) => reject(e instanceof Error ? e : new Error(asText(e)));
    const run = passport.authenticate('local', (err: unknown, user: { id: string } | false) =>
      err ? fail(err) : resolve(user),
    ) as RequestHandler;
    void run(req, res, ((e: unknown) => e && fail(e)) as NextFunction);
  });
}

/** Only local paths: an open redirect would send a chair to a look-alike site. */
export function safeReturnTo(v: unknown): string {
  return typeof v === 'string' && /^\/(?!\/)[^\\\s]*$/.test(v) ? v : '/';
}

const tokenInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, { message: 'Назовите токен, например «Синхронизация с 1С вуза»' })
    .max(100, { message: 'Не длиннее 100 символов' }),
  days: z.coerce
    .number({ message: 'Срок: число дней' })
    .int({ message: 'Срок: целое число дней' })
    .min(1, { message: 'Срок: от 1 до 365 дней' })
    .max(365, { message: 'Срок: от 1 до 365 дней' }),
});

export function authPages(o: SignInOptions = { secondFactorRequired: true }): RouteDef[] {
  return [
    ...secondFactorPages(o),
    ...sessionPages(),
    route({
      method: 'get',
      path: '/login',
      kind: 'page',
      action: 'public',
      async handler({ res, actor }) {
        if (actor) return res.redirect(303, '/');
        await renderPage(res, 'auth/login', { title: 'Вход', values: {}, error: null });
      },
    }),
    route({
      method: 'post',
      path: '/login',
      kind: 'page',
      action: 'public',
      before: loginLimiters(),
      async handler({ req, res, body }) {
        const login = typeof body.login === 'string' ? body.login.slice(0, 100) : '';
        if (!login || typeof body.password !== 'string' || !body.password) {
          return renderPage(
            res,
            'auth/login',
            { title: 'Вход', values: { login }, error: 'Введите логин и пароль' },
            400,
          );
        }
        const user = await authenticate(req, res);
        if (!user)
          return renderPage(
            res,
            'auth/login',
            { title: 'Вход', values: { login }, error: 'Неверный логин или пароль' },
            401,
          );
        await afterPassword(req, res, user.id, safeReturnTo(req.session.returnTo), o);
      },
    }),
    route({
      method: 'post',
      path: '/logout',
      kind: 'page',
      action: 'self',
      async handler({ req, res, actor }) {
        await audit(actor, { action: 'logout' });
        await new Promise<void>((resolve) => req.logout(() => resolve()));
        await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
        res.clearCookie('reestr.sid');
        forgetSignedInUser(req, res);
        res.redirect(303, '/login');
      },
    }),
    route({
      method: 'get',
      path: '/nda',
      kind: 'page',
      action: 'self',
      async handler({ req, res, actor }) {
        await renderPage(res, 'auth/nda', {
          title: 'Обязательство о неразглашении',
          acceptedAt: actor.ndaAcceptedAt,
          returnTo: safeReturnTo(req.query.returnTo),
        });
      },
    }),
    route({
      method: 'post',
      path: '/nda',
      kind: 'page',
      action: 'self',
      async handler({ res, actor, body }) {
        if (body.accept !== 'on') {
          return renderPage(
            res,
            'auth/nda',
            {
              title: 'Обязательство о неразглашении',
              acceptedAt: null,
              returnTo: safeReturnTo(body.returnTo),
              error: 'Отметьте, что принимаете обязательство',
            },
            400,
          );
        }
        if (!actor.ndaAcceptedAt) {
          await acceptNda(actor.userId!);
          await audit(actor, { action: 'nda.accepted' });
        }
        res.redirect(303, safeReturnTo(body.returnTo));
      },
    }),
    route({
      method: 'get',
      path: '/profile',
      kind: 'page',
      action: 'self',
      async handler(ctx) {
        await renderProfile(ctx, {}, {});
      },
    }),
    route({
      method: 'post',
      path: '/profile/password',
      kind: 'page',
      action: 'self',
      async handler(ctx) {
        const { current, next, repeat } = ctx.req.body as Record<string, string>;
        const errors: Record<string, string> = {};
        const user = await findUserForLogin(ctx.actor.login);
        if (!user || typeof current !== 'string' || !(await verifyPassword(user.passwordHash, current)))
          errors.current = 'Текущий пароль введён неверно';
        const p =
          typeof next === 'string'
            ? passwordProblem(next, { login: ctx.actor.login, fullName: ctx.actor.fullName })
            : 'Введите новый пароль';
        if (p) errors.next = p;
        else if (next !== repeat) errors.repeat = 'Пароли не совпадают';
        if (user?.isDemo) errors.current = 'Пароль демонстрационной учётной записи не меняется';
        if (Object.keys(errors).length) return renderProfile(ctx, errors, {}, 400);
        await setPassword(user!.id, await hashPassword(next), ctx.req.sessionID);
        await audit(ctx.actor, { action: 'password.changed' });
        ctx.req.session.flash = 'Пароль изменён. Другие сеансы завершены, токены API отозваны';
        ctx.res.redirect(303, '/profile');
      },
    }),
    route({
      method: 'post',
      path: '/profile/tokens',
      kind: 'page',
      action: 'self',
      async handler(ctx) {
        const parsed = tokenInput.safeParse(ctx.body);
        if (!parsed.success) {
          const errors: Record<string, string> = {};
          for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
          return renderProfile(ctx, errors, ctx.body, 400);
        }
        const { token, row } = await createToken(ctx.actor.userId!, parsed.data.name, parsed.data.days);
        await audit(ctx.actor, { action: 'token.created', entity: 'ApiToken', entityId: row.id });
        await renderProfile(ctx, {}, {}, 201, token);
      },
    }),
    route({
      method: 'post',
      path: '/profile/tokens/:tokenId/revoke',
      kind: 'page',
      action: 'self',
      params: z.object({ tokenId: z.string().uuid() }),
      async handler(ctx) {
        if (!(await revokeToken(ctx.actor.userId!, ctx.params.tokenId))) throw new AppError('NOT_FOUND');
        await audit(ctx.actor, { action: 'token.revoked', entity: 'ApiToken', entityId: ctx.params.tokenId });
        ctx.req.session.flash = 'Токен отозван';
        ctx.res.redirect(303, '/profile');
      },
    }),
  ];
}

async function renderProfile(
  ctx: Ctx,
  errors: Record<string, string>,
  values: Record<string, unknown>,
  status = 200,
  newToken?: string,
) {
  const tokens = await listTokens(ctx.actor.userId!);
  const sf = await findSecondFactor(ctx.actor.userId!);
  await renderPage(
    ctx.res,
    'auth/profile',
    {
      title: 'Профиль',
      errors,
      values,
      newToken,
      me: { login: ctx.actor.login, fullName: ctx.actor.fullName, ndaAcceptedAt: ctx.actor.ndaAcceptedAt },
      roles: ctx.actor.assignments.map((a) => ({ role: ROLE_LABELS[a.role], org: a.orgName, orgId: a.organisationId })),
      secondFactor: sf ? { since: sf.createdAt, codesLeft: await unusedRecoveryCodes(sf.userId) } : null,
      tokens: tokens.map((t) => ({
        id: t.id,
        name: t.name,
        createdAt: t.createdAt,
        expiresAt: t.expiresAt,
        lastUsedAt: t.lastUsedAt,
        active: !t.revokedAt && t.expiresAt > new Date(),
        revokedAt: t.revokedAt,
      })),
    },
    status,
  );
}

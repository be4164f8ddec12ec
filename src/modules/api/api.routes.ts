import { z } from 'zod';
import { AppError } from '../../http/errors';
import { loginLimiters } from '../../http/limits';
import { type RouteDef, route } from '../../http/route';
import { ROUTES } from '../../http/route';
import { ROLE_LABELS } from '../../policy/rules';
import { userActor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { createToken, findUserForLogin } from '../auth/auth.repo';
import { dummyHash, verifyPassword } from '../auth/passwords';
import { checkSecondFactor } from '../auth/second-factor';
import { findSecondFactor } from '../auth/second-factor.repo';
import { config } from '../../config';
import { buildOpenApi } from './openapi';
import { orgApi } from './orgs.api';
import { memberApi } from './members.api';
import { consentApi } from './consents.api';

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});
export { errorSchema };

/**
 * The core API, in the order it is mounted (and listed in the OpenAPI document): the document, tokens and the
 * current user (here), organisations (orgs.api.ts), members (members.api.ts) and their consents (consents.api.ts).
 */
export function apiRoutes(): RouteDef[] {
  return [...accessApi(), ...orgApi(), ...memberApi(), ...consentApi()];
}

function accessApi(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/openapi.json',
      kind: 'api',
      action: 'public',
      tag: 'Служебное',
      summary: 'Этот документ (OpenAPI 3)',
      handler({ res }) {
        res.json(buildOpenApi(ROUTES.filter((r) => r.kind === 'api')));
      },
    }),
    route({
      method: 'post',
      path: '/auth/token',
      kind: 'api',
      action: 'public',
      tag: 'Доступ',
      summary: 'Выпуск токена по логину и паролю',
      status: 201,
      before: loginLimiters(),
      body: z.object({
        login: z.string().min(1, { message: 'Укажите логин' }).max(100),
        password: z.string().min(1, { message: 'Укажите пароль' }).max(200),
        /** Needed when the account has a second factor: the app's 6 digits or a recovery code. */
        code: z.string().max(40).optional(),
      }),
      response: z.object({ token: z.string(), expiresAt: z.string() }),
      async handler({ body, res }) {
        const user = await findUserForLogin(body.login);
        const ok = user
          ? await verifyPassword(user.passwordHash, body.password)
          : (await verifyPassword(await dummyHash(), body.password), false);
        if (!user || !ok || !user.active || (user.isDemo && !config.demoMode)) {
          await audit(null, { action: 'token.failed', outcome: 'FAILED' });
          throw new AppError('UNAUTHENTICATED', 'Неверный логин или пароль');
        }
        if ((await findSecondFactor(user.id)) && !(body.code && (await checkSecondFactor(user.id, body.code)))) {
          await audit(userActor(user.id, 'token'), { action: 'token.failed', outcome: 'FAILED' });
          throw new AppError(
            'UNAUTHENTICATED',
            'Нужен код второго фактора (поле code): 6 цифр из приложения-аутентификатора или резервный код',
          );
        }
        const { token, row } = await createToken(user.id, 'API (выпущен по паролю)', 30);
        await audit(userActor(user.id, 'token'), { action: 'token.created', entity: 'ApiToken', entityId: row.id });
        res.status(201).json({ token, expiresAt: row.expiresAt.toISOString() });
      },
    }),
    route({
      method: 'get',
      path: '/me',
      kind: 'api',
      action: 'self',
      tag: 'Доступ',
      summary: 'Текущий пользователь, его роли и организации',
      handler({ actor, res }) {
        res.json({
          id: actor.userId,
          login: actor.login,
          fullName: actor.fullName,
          ndaAcceptedAt: actor.ndaAcceptedAt?.toISOString() ?? null,
          roles: actor.assignments.map((a) => ({
            id: a.id,
            role: a.role,
            roleLabel: ROLE_LABELS[a.role],
            organisationId: a.organisationId,
          })),
          organisations: actor.assignments.map((a) => ({ id: a.organisationId, name: a.orgName, kind: a.orgKind })),
        });
      },
    }),
  ];
}

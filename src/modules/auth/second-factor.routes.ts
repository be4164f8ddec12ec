import type { Request, Response } from 'express';
import { z } from 'zod';
import { config } from '../../config';
import { redirectWithFlash } from '../../http/flash';
import { keptPageAfterSignIn } from '../../http/kept-form';
import { secondFactorLimiters } from '../../http/limits';
import { renderPage } from '../../http/render';
import { route, type Ctx, type RouteDef } from '../../http/route';
import { audit } from '../audit/audit.repo';
import { findUserForLogin, loadActor } from './auth.repo';
import { verifyPassword } from './passwords';
import {
  checkSecondFactor,
  DEMO_TOTP_SECRET,
  enrolment,
  hashRecoveryCode,
  makeRecoveryCodes,
  newSecret,
  secondFactorRequiredFor,
  totpStep,
} from './second-factor';
import {
  deleteSecondFactor,
  findSecondFactor,
  replaceRecoveryCodes,
  saveSecondFactor,
  unusedRecoveryCodes,
} from './second-factor.repo';
import { userActor } from '../../policy/actor';

/** Between the password and the code: after 5 minutes the password is asked again. */
const CODE_WINDOW_MS = 5 * 60_000;
export const SETUP_PATH = '/profile/second-factor';

export interface SignInOptions {
  /** Central and regional users must set up a second factor (off only in the shared test app, see tests/helpers). */
  secondFactorRequired: boolean;
}

function logIn(req: Request, user: { id: string }): Promise<void> {
  // passport ≥ 0.6 regenerates the session here: a new session id at every login.
  return new Promise((resolve, reject) => req.logIn(user, (err) => (err ? reject(err as Error) : resolve())));
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err as Error) : resolve())));
}

/**
 * After the password: a user with a second factor is asked for the code first (the session holds only who is
 * waiting); otherwise the session is signed in, and a user whose level requires a second factor is led to set it up.
 */
export async function afterPassword(req: Request, res: Response, userId: string, returnTo: string, o: SignInOptions) {
  if (await findSecondFactor(userId)) {
    await regenerate(req);
    req.session.mfaUserId = userId;
    req.session.mfaAt = Date.now();
    req.session.returnTo = returnTo;
    return res.redirect(303, '/login/code');
  }
  await completeSignIn(req, res, userId, returnTo, o, 'password');
}

async function completeSignIn(
  req: Request,
  res: Response,
  userId: string,
  returnTo: string,
  o: SignInOptions,
  via: 'password' | 'totp' | 'recovery',
) {
  await logIn(req, { id: userId });
  req.session.createdAt = Date.now();
  // A form this user sent after the session ended is waiting on its page (another user's is removed here).
  returnTo = (await keptPageAfterSignIn(req, res, userId)) ?? returnTo;
  await audit(userActor(userId, 'session'), { action: 'login', details: { via } });
  if (via === 'recovery') {
    req.session.flash = `Вы вошли по резервному коду. Неиспользованных кодов осталось: ${await unusedRecoveryCodes(userId)}`;
  }
  if (via === 'password' && o.secondFactorRequired) {
    const actor = await loadActor(userId, 'session');
    if (actor && secondFactorRequiredFor(actor)) {
      req.session.mfaEnrol = true;
      req.session.flash =
        'Для работы на уровне ЦС и региона нужен второй фактор входа: подключите его, это займёт минуту';
      return res.redirect(303, SETUP_PATH);
    }
  }
  res.redirect(303, returnTo);
}

/** Pages a user who must set up the second factor may open meanwhile. */
export function secondFactorGate(req: Request): string | null {
  if (!req.session?.mfaEnrol) return null;
  return req.path.startsWith(SETUP_PATH) || req.path === '/logout' ? null : SETUP_PATH;
}

async function demoHint(userId: string | undefined): Promise<string | null> {
  if (!userId || !config.demoMode) return null;
  const sf = await findSecondFactor(userId);
  return sf?.secret === DEMO_TOTP_SECRET ? DEMO_TOTP_SECRET : null;
}

const codeInput = z.object({ code: z.string().trim().max(40).catch('') });
const confirmInput = z.object({ code: z.string().trim().max(20).catch('') });
const passwordInput = z.object({ password: z.string().max(200).catch('') });

export function secondFactorPages(o: SignInOptions): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/login/code',
      kind: 'page',
      action: 'public',
      async handler({ req, res }) {
        const s = req.session;
        if (!s.mfaUserId || Date.now() - (s.mfaAt ?? 0) > CODE_WINDOW_MS) return res.redirect(303, '/login');
        await renderPage(res, 'auth/code', { title: 'Код входа', error: null, demoHint: await demoHint(s.mfaUserId) });
      },
    }),
    route({
      method: 'post',
      path: '/login/code',
      kind: 'page',
      action: 'public',
      before: secondFactorLimiters(),
      async handler({ req, res }) {
        const s = req.session;
        const userId = s.mfaUserId;
        if (!userId || Date.now() - (s.mfaAt ?? 0) > CODE_WINDOW_MS) {
          s.flashNext = 'Время на ввод кода истекло. Войдите снова';
          return res.redirect(303, '/login');
        }
        const { code } = codeInput.parse(req.body);
        const via = code ? await checkSecondFactor(userId, code) : null;
        if (!via) {
          await audit(userActor(userId, 'session'), { action: 'mfa.failed', outcome: 'FAILED' });
          return renderPage(
            res,
            'auth/code',
            {
              title: 'Код входа',
              error: code ? 'Неверный или уже использованный код' : 'Введите код',
              demoHint: await demoHint(userId),
            },
            401,
          );
        }
        if (via === 'recovery') await audit(userActor(userId, 'session'), { action: 'mfa.recovery.used' });
        const returnTo = s.returnTo ?? '/';
        await completeSignIn(req, res, userId, returnTo, o, via);
      },
    }),
    route({
      method: 'get',
      path: SETUP_PATH,
      kind: 'page',
      action: 'self',
      async handler(ctx) {
        await renderSetup(ctx, {});
      },
    }),
    route({
      method: 'post',
      path: SETUP_PATH,
      kind: 'page',
      action: 'self',
      async handler(ctx) {
        const user = await findUserForLogin(ctx.actor.login);
        if (user?.isDemo)
          return renderSetup(ctx, { code: 'Второй фактор демонстрационной учётной записи не меняется' }, 400);
        const secret = ctx.req.session.mfaPendingSecret;
        if (!secret) return redirectWithFlash(ctx.req, ctx.res, SETUP_PATH, 'Отсканируйте код заново');
        const { code } = confirmInput.parse(ctx.req.body);
        const step = code ? await totpStep(secret, code) : null;
        if (step === null)
          return renderSetup(
            ctx,
            {
              code: code
                ? 'Код не подошёл: проверьте время на телефоне и введите новый код'
                : 'Введите 6 цифр из приложения',
            },
            400,
          );
        const codes = makeRecoveryCodes();
        await saveSecondFactor(ctx.actor.userId!, secret, step, codes.map(hashRecoveryCode));
        await audit(ctx.actor, { action: 'mfa.enabled', entity: 'User', entityId: ctx.actor.userId ?? undefined });
        delete ctx.req.session.mfaPendingSecret;
        delete ctx.req.session.mfaEnrol;
        await renderSetup(ctx, {}, 200, codes, 'Второй фактор подключён. Сохраните резервные коды');
      },
    }),
    route({
      method: 'post',
      path: `${SETUP_PATH}/recovery`,
      kind: 'page',
      action: 'self',
      async handler(ctx) {
        if (!(await findSecondFactor(ctx.actor.userId!)))
          return redirectWithFlash(ctx.req, ctx.res, SETUP_PATH, 'Второй фактор не подключён');
        const codes = makeRecoveryCodes();
        await replaceRecoveryCodes(ctx.actor.userId!, codes.map(hashRecoveryCode));
        await audit(ctx.actor, {
          action: 'mfa.enabled',
          entity: 'User',
          entityId: ctx.actor.userId ?? undefined,
          details: { recovery: true },
        });
        await renderSetup(ctx, {}, 200, codes, 'Новые резервные коды выпущены, прежние больше не действуют');
      },
    }),
    route({
      method: 'post',
      path: `${SETUP_PATH}/disable`,
      kind: 'page',
      action: 'self',
      async handler(ctx) {
        const user = await findUserForLogin(ctx.actor.login);
        if (secondFactorRequiredFor(ctx.actor) && o.secondFactorRequired)
          return renderSetup(ctx, { password: 'На уровне ЦС и региона второй фактор обязателен' }, 400);
        if (user?.isDemo)
          return renderSetup(ctx, { password: 'Второй фактор демонстрационной учётной записи не меняется' }, 400);
        const { password } = passwordInput.parse(ctx.req.body);
        if (!user || !(await verifyPassword(user.passwordHash, password)))
          return renderSetup(ctx, { password: 'Пароль введён неверно' }, 400);
        await deleteSecondFactor(user.id);
        await audit(ctx.actor, { action: 'mfa.disabled', entity: 'User', entityId: user.id });
        redirectWithFlash(ctx.req, ctx.res, '/profile', 'Второй фактор отключён: для входа достаточно пароля');
      },
    }),
  ];

  async function renderSetup(
    ctx: Ctx,
    errors: Record<string, string>,
    status = 200,
    recoveryCodes: string[] | null = null,
    done: string | null = null,
  ) {
    const userId = ctx.actor.userId!;
    const sf = await findSecondFactor(userId);
    let setup: { qr: string; secret: string } | null = null;
    if (!sf) {
      ctx.req.session.mfaPendingSecret ??= newSecret();
      setup = await enrolment(ctx.actor.login, ctx.req.session.mfaPendingSecret);
    }
    await renderPage(
      ctx.res,
      'auth/second-factor',
      {
        title: 'Второй фактор входа',
        errors,
        setup,
        enabled: sf ? { since: sf.createdAt, codesLeft: await unusedRecoveryCodes(userId) } : null,
        required: o.secondFactorRequired && secondFactorRequiredFor(ctx.actor),
        mustEnrol: !!ctx.req.session.mfaEnrol,
        recoveryCodes,
        done,
      },
      status,
    );
  }
}

import type { Request } from 'express';
import { z } from 'zod';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type RouteDef, route } from '../../http/route';
import { audit } from '../audit/audit.repo';
import { CONTACT_ERROR, parseContact } from './contacts';
import { codeLimiters, tokenLimiters } from './limits';
import { checkCode, createMemberToken, issueCodeLater } from './signin.service';
import { cutText } from '../../lib/text';

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((e: unknown) => (e ? reject(e instanceof Error ? e : new Error('session')) : resolve())),
  );
}

/** A form field as a string (anything else is empty), cut to `max`. */
function field(req: Request, name: string, max: number): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? cutText(v, max) : '';
}

/** Only the member's own pages: a member is never sent to a chair's page after sign-in. */
function memberReturnTo(v: unknown): string {
  return typeof v === 'string' && /^\/me(\/[\w\-/]*)?$/.test(v) ? v : '/me';
}

const codeBody = z.object({ contact: z.string().max(254) });
const tokenBody = z.object({ contact: z.string().max(254), code: z.string().max(20) });

/** Member sign-in: pages and API. The limiters are shared, so an address gets one allowance for both. */
export function memberSignin() {
  const codeLimits = codeLimiters();
  const tokenLimits = tokenLimiters();
  const pages: RouteDef[] = [
    route({
      method: 'get',
      path: '/me/login',
      kind: 'page',
      action: 'public',
      async handler({ res, actor }) {
        if (actor) return res.redirect(303, '/me');
        await renderPage(res, 'me/login', {
          title: 'Вход для членов Профсоюза',
          values: {},
          error: null,
          scripts: ['/static/me-card.js'],
        });
      },
    }),
    route({
      method: 'post',
      path: '/me/login',
      kind: 'page',
      action: 'public',
      before: codeLimits,
      async handler({ req, res }) {
        const raw = field(req, 'contact', 254);
        const c = parseContact(raw);
        if (!c)
          return renderPage(
            res,
            'me/login',
            { title: 'Вход для членов Профсоюза', values: { contact: raw }, error: CONTACT_ERROR },
            400,
          );
        issueCodeLater(c);
        req.session.memberContact = c.value;
        res.redirect(303, '/me/login/code');
      },
    }),
    route({
      method: 'get',
      path: '/me/login/code',
      kind: 'page',
      action: 'public',
      async handler({ req, res, actor }) {
        if (actor) return res.redirect(303, '/me');
        if (!req.session.memberContact) return res.redirect(303, '/me/login');
        res.setHeader('Cache-Control', 'no-store');
        await renderPage(res, 'me/code', {
          title: 'Введите код',
          contact: req.session.memberContact,
          error: null,
        });
      },
    }),
    route({
      method: 'post',
      path: '/me/login/code',
      kind: 'page',
      action: 'public',
      before: tokenLimits,
      async handler({ req, res }) {
        const contact = req.session.memberContact ? parseContact(req.session.memberContact) : null;
        if (!contact) return res.redirect(303, '/me/login');
        const code = field(req, 'code', 20).replace(/\s/g, '');
        const personId = await checkCode(contact, code);
        if (!personId) {
          res.setHeader('Cache-Control', 'no-store');
          return renderPage(
            res,
            'me/code',
            {
              title: 'Введите код',
              contact: contact.value,
              error:
                'Код не подошёл: он неверный, устарел (действует 10 минут) или исчерпаны 5 попыток. Проверьте код или запросите новый.',
            },
            400,
          );
        }
        const returnTo = memberReturnTo(req.session.returnTo);
        await regenerate(req);
        req.session.memberPersonId = personId;
        req.session.createdAt = Date.now();
        req.session.flash = 'Вы вошли в личный кабинет члена Профсоюза';
        await audit(null, {
          action: 'member.signin',
          entity: 'Person',
          entityId: personId,
          details: { via: 'session' },
        });
        res.redirect(303, returnTo);
      },
    }),
    route({
      method: 'post',
      path: '/me/logout',
      kind: 'page',
      action: 'member-self',
      async handler({ req, res, actor }) {
        await audit(null, { action: 'member.signout', entity: 'Person', entityId: actor.personId });
        await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
        res.clearCookie('reestr.sid');
        res.redirect(303, '/me/login');
      },
    }),
  ];
  const api: RouteDef[] = [
    route({
      method: 'post',
      path: '/member/auth/code',
      kind: 'api',
      action: 'public',
      tag: 'Член Профсоюза',
      summary: 'Прислать код входа на e-mail или телефон (ответ одинаков для известных и неизвестных контактов)',
      before: codeLimits,
      body: codeBody,
      status: 202,
      handler({ res, body }) {
        const c = parseContact(body.contact);
        if (!c) throw new AppError('BAD_REQUEST', CONTACT_ERROR, { contact: CONTACT_ERROR });
        issueCodeLater(c);
        res.status(202).json({ sent: true });
      },
    }),
    route({
      method: 'post',
      path: '/member/auth/token',
      kind: 'api',
      action: 'public',
      tag: 'Член Профсоюза',
      summary: 'Обменять код на токен члена Профсоюза',
      before: tokenLimits,
      body: tokenBody,
      status: 201,
      async handler({ res, body }) {
        const b = body;
        const c = parseContact(b.contact);
        const personId = c ? await checkCode(c, b.code.replace(/\s/g, '')) : null;
        if (!personId) throw new AppError('UNAUTHENTICATED', 'Неверный или устаревший код');
        const t = await createMemberToken(personId);
        await audit(null, { action: 'member.token.created', entity: 'Person', entityId: personId });
        res.setHeader('Cache-Control', 'no-store');
        res.status(201).json({ token: t.token, expiresAt: t.expiresAt.toISOString() });
      },
    }),
  ];
  return { pages, api };
}

import express from 'express';
import { z } from 'zod';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { today } from '../../lib/dates';
import { audit } from '../audit/audit.repo';
import { personExists, withdrawMessaging } from './messages.repo';
import { verifyUnsubscribe } from './unsubscribe';

const tokenParams = z.object({ token: z.string().min(10).max(200) });

async function checked(ctx: Ctx) {
  ctx.res.setHeader('Cache-Control', 'no-store');
  ctx.res.setHeader('Referrer-Policy', 'no-referrer');
  const who = await verifyUnsubscribe((ctx.params as { token: string }).token);
  if (!who || !(await personExists(who.personId))) {
    await renderPage(
      ctx.res,
      'messages/unsubscribe',
      { title: 'Отказ от рассылки', state: 'invalid', token: null },
      404,
    );
    return null;
  }
  return who;
}

/**
 * One-click unsubscribe (RFC 8058): the signed token in the link is the authorisation, so there is no login and no
 * CSRF token (mail clients POST "List-Unsubscribe=One-Click" with nothing else). GET only shows a confirm page:
 * link scanners that open every URL must not unsubscribe anyone.
 */
export function unsubscribePages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/unsubscribe/:token',
      kind: 'page',
      action: 'public',
      params: tokenParams,
      async handler(ctx) {
        if (!(await checked(ctx))) return;
        await renderPage(ctx.res, 'messages/unsubscribe', {
          title: 'Отказ от рассылки',
          state: 'confirm',
          token: ctx.params.token,
        });
      },
    }),
    route({
      method: 'post',
      path: '/unsubscribe/:token',
      kind: 'page',
      action: 'public',
      params: tokenParams,
      // One-click (RFC 8058) comes from a mail service, without a session: the signed token is the authorisation.
      csrf: false,
      // The body (List-Unsubscribe=One-Click) is not needed: the signed token is.
      before: [express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 })],
      async handler(ctx) {
        const who = await checked(ctx);
        if (!who) return;
        const n = await withdrawMessaging(who.personId, today());
        await audit(null, {
          action: 'message.unsubscribed',
          entity: 'Person',
          entityId: who.personId,
          rowCount: n,
          details: { messageId: who.messageId },
        });
        await renderPage(ctx.res, 'messages/unsubscribe', { title: 'Отказ от рассылки', state: 'done', token: null });
      },
    }),
  ];
}

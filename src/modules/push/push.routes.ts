import type { Request } from 'express';
import { AppError } from '../../http/errors';
import type { RouteDef } from '../../http/route';
import { subscribe, unsubscribe } from './push.service';
import { cutText } from '../../lib/text';

const field = (req: Request, name: string): string | null => {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v.trim() ? cutText(v.trim(), 1000) : null;
};

/**
 * Web push on the member's own page (/me, section «Уведомления»). public/me-push.js asks the browser for a
 * subscription and posts it with the page's form; switching off works without JS for every device at once.
 */
export function mePushPages(): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/me/push',
      kind: 'page',
      action: 'member-self',
      async handler({ req, res, actor }) {
        try {
          await subscribe(actor, {
            endpoint: field(req, 'endpoint'),
            p256dh: field(req, 'p256dh'),
            auth: field(req, 'auth'),
          });
          req.session.flash = 'Уведомления на этом устройстве включены';
        } catch (e) {
          if (!(e instanceof AppError) || e.status >= 500) throw e;
          req.session.flash = e.message;
        }
        res.redirect(303, '/me#push');
      },
    },
    {
      method: 'post',
      path: '/me/push/off',
      kind: 'page',
      action: 'member-self',
      async handler({ req, res, actor }) {
        const endpoint = field(req, 'endpoint');
        const n = await unsubscribe(actor, endpoint);
        req.session.flash =
          n === 0
            ? 'Уведомления уже отключены — ничего не изменилось'
            : endpoint
              ? 'Уведомления на этом устройстве отключены'
              : 'Уведомления отключены на всех устройствах';
        res.redirect(303, '/me#push');
      },
    },
  ];
}

import { route, type RouteDef } from '../../http/route';
import { ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS } from '../../http/web';

/** The keep-alive the session warning (public/session.js) calls: any signed-in request extends the idle time. */
export const KEEP_ALIVE_PATH = '/session/keep-alive';

export function sessionPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: KEEP_ALIVE_PATH,
      kind: 'page',
      // The user's own session: no organisation is involved.
      action: 'self',
      handler({ req, res }) {
        const now = Date.now();
        const limit = (req.session.createdAt ?? now) + ABSOLUTE_TIMEOUT_MS;
        const endsAt = Math.min(now + IDLE_TIMEOUT_MS, limit);
        res.json({ msLeft: Math.max(0, endsAt - now), limit: limit <= now + IDLE_TIMEOUT_MS });
      },
    }),
  ];
}

import { renderPage } from '../../http/render';
import type { RouteDef } from '../../http/route';

/** The member's own pages. Every one declares 'member-self' and reads only the signed-in member's person. */
export function mePages(): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/me',
      kind: 'page',
      action: 'member-self',
      async handler({ res, actor }) {
        res.setHeader('Cache-Control', 'no-store');
        await renderPage(res, 'me/home', { title: 'Личный кабинет', name: actor.fullName });
      },
    },
  ];
}

import { z } from 'zod';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type RouteDef, route } from '../../http/route';
import { isAdmin } from '../../policy/actor';
import { findVisible } from './organisations.repo';
import { idParams } from './organisations.input';
import { auditPage } from '../audit/audit.repo';
import { AUDIT_LABELS, auditLabel } from '../audit/labels';

export function auditPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/audit',
      kind: 'page',
      action: 'audit.view',
      params: idParams,
      query: z.object({
        page: z.coerce.number().int().min(1).catch(1).default(1),
        action: z.string().max(40).optional().catch(undefined),
      }),
      async handler(ctx) {
        const org = await findVisible(ctx.actor, ctx.params.id);
        if (!org) throw new AppError('NOT_FOUND');
        ctx.authorize(org.path);
        const action = ctx.query.action && AUDIT_LABELS[ctx.query.action] ? ctx.query.action : undefined;
        // Logins and token events belong to no organisation: only the central administrator sees them.
        const { rows, total } = await auditPage({
          path: org.path,
          includeUnscoped: isAdmin(ctx.actor) && org.kind === 'CENTRAL',
          page: ctx.query.page,
          pageSize: 100,
          action,
        });
        await renderPage(ctx.res, 'audit/list', {
          title: 'Журнал действий',
          org: { id: org.id, name: org.shortName ?? org.name },
          rows: rows.map((r) => ({ ...r, label: auditLabel(r.action) })),
          actions: [
            { value: '', label: 'Все действия' },
            ...Object.entries(AUDIT_LABELS).map(([value, label]) => ({ value, label })),
          ],
          filters: { action: action ?? '' },
          page: ctx.query.page,
          pageSize: 100,
          total,
        });
      },
    }),
  ];
}

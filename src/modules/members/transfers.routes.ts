import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { fullName } from '../../lib/names';
import { SYSTEM_ACTOR, isVisible, scopePaths } from '../../policy/actor';
import { findVisible, orgsById } from '../organisations/organisations.repo';
import { idParams } from '../organisations/organisations.input';
import { decideTransfer } from './transfers.service';
import { findTransferRequest, incomingRequests, outgoingRequests, type TransferListRow } from './transfers.repo';

const STATUS_LABELS = { PENDING: 'ждёт решения', APPROVED: 'одобрен, член Профсоюза переведён', DECLINED: 'отклонён' };

/** Transfer requests between branches: the member's organisation (or a chair above it) decides. */
export function transferRequestPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/transfer-requests',
      kind: 'page',
      // Lists only what the caller's own assignments cover (scoped in the query below).
      action: 'self',
      async handler(ctx) {
        await renderList(ctx);
      },
    }),
    ...(['approve', 'decline'] as const).map((verb) =>
      route({
        method: 'post',
        path: `/transfer-requests/:id/${verb}`,
        kind: 'page',
        action: 'member.transfer',
        params: idParams,
        async handler(ctx) {
          const r = await findTransferRequest(ctx.params.id);
          const from = r ? await findVisible(ctx.actor, r.fromOrgId) : null;
          if (!r || !from) throw new AppError('NOT_FOUND');
          ctx.authorize(from.path);
          const target = await findVisible(SYSTEM_ACTOR, r.toOrgId);
          if (!target) throw new AppError('NOT_FOUND');
          try {
            const result = await decideTransfer(ctx.actor, r.id, verb === 'approve', target);
            ctx.req.session.flash =
              result === 'APPROVED'
                ? `Перевод одобрен: член Профсоюза поставлен на учёт в «${target.shortName ?? target.name}»`
                : 'Запрос на перевод отклонён';
          } catch (e) {
            if (!(e instanceof AppError) || e.status >= 500 || e.status === 404) throw e;
            ctx.req.session.flash = e.message;
          }
          ctx.res.redirect(303, '/transfer-requests');
        },
      }),
    ),
  ];
}

async function renderList(ctx: Ctx) {
  const scope = scopePaths(ctx.actor, 'member.transfer');
  const createScope = scopePaths(ctx.actor, 'member.create');
  const [incoming, outgoing] = await Promise.all([incomingRequests(scope), outgoingRequests(createScope)]);
  const orgs = await orgsById([...new Set([...incoming, ...outgoing].flatMap((r) => [r.fromOrgId, r.toOrgId]))]);
  // The organisations are named only where the caller may see them; the asking side never learns where
  // the member was registered.
  const orgName = (id: string) => {
    const o = orgs.get(id);
    return o && isVisible(ctx.actor, o.path) ? (o.shortName ?? o.name) : 'другая организация';
  };
  const incomingIds = new Set(incoming.map((r) => r.id));
  const view = (r: TransferListRow) => ({
    id: r.id,
    name: fullName(r),
    from: orgName(r.fromOrgId),
    to: orgs.get(r.toOrgId)?.shortName ?? orgs.get(r.toOrgId)?.name ?? '',
    date: r.date,
    createdAt: r.createdAt,
    status: STATUS_LABELS[r.status],
    pending: r.status === 'PENDING',
  });
  await renderPage(ctx.res, 'members/transfer-requests', {
    title: 'Запросы на перевод',
    incoming: incoming.map(view),
    outgoing: outgoing.filter((r) => !incomingIds.has(r.id)).map(view),
  });
}

import { z } from 'zod';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { fullName } from '../../lib/names';
import { audit } from '../audit/audit.repo';
import { issueVirtualCard } from '../cards/cards.service';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import {
  cardRequest,
  closeCardRequest,
  closeCorrection,
  correctionRequest,
  memberForCard,
  openRequests,
  orgPath,
} from './chair.repo';
import { CORRECTION_FIELDS } from './me.service';

const decision = z.object({ id: z.string().uuid(), rid: z.string().uuid(), decision: z.enum(['approve', 'reject']) });

/** Loads the request's organisation and checks the action on it: outside the caller's subtree it is 404. */
async function authorizeAt(ctx: Ctx, organisationId: string | undefined) {
  const path = organisationId ? await orgPath(organisationId) : null;
  if (!path) throw new AppError('NOT_FOUND');
  ctx.authorize(path);
}

/** The chair's side of members' requests: virtual cards to approve, corrections, withdrawals of the processing consent. */
export function memberRequestPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/member-requests',
      kind: 'page',
      action: 'member.view',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const rows = await openRequests(org.path);
        const view = rows.map((r) => ({
          kind: r.kind,
          id: r.id,
          requestedAt: r.requestedAt,
          name: fullName(r),
          org: r.org,
          field: r.field ? (CORRECTION_FIELDS[r.field as keyof typeof CORRECTION_FIELDS] ?? r.field) : null,
          proposed: r.proposed,
        }));
        await renderPage(ctx.res, 'me/chair-requests', {
          title: 'Просьбы членов Профсоюза',
          org: { id: org.id, name: org.shortName ?? org.name },
          cards: view.filter((r) => r.kind === 'card'),
          corrections: view.filter((r) => r.kind === 'correction'),
          withdrawals: view.filter((r) => r.kind === 'withdrawal'),
          canIssue: ctx.allows('card.issue', org.path),
          canUpdate: ctx.allows('member.update', org.path),
        });
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/member-requests/cards/:rid/:decision',
      kind: 'page',
      action: 'card.issue',
      params: decision,
      async handler(ctx) {
        const p = ctx.params;
        const r = await cardRequest(p.rid);
        await authorizeAt(ctx, r?.organisationId);
        if (!r || r.status !== 'OPEN') throw new AppError('CONFLICT', 'Просьба уже рассмотрена');
        let message = 'Просьба отклонена';
        if (p.decision === 'approve') {
          const card = await issueVirtualCard(ctx.actor, await memberForCard(r.memberId));
          await closeCardRequest(r.id, 'DONE', ctx.actor.userId, card.id);
          message = 'Виртуальный билет выдан';
        } else await closeCardRequest(r.id, 'REJECTED', ctx.actor.userId);
        await audit(ctx.actor, {
          action: 'member.request.closed',
          entity: 'VirtualCardRequest',
          entityId: r.id,
          organisationId: r.organisationId,
          details: { decision: p.decision },
        });
        ctx.req.session.flash = message;
        ctx.res.redirect(303, `/orgs/${p.id}/member-requests`);
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/member-requests/corrections/:rid/:decision',
      kind: 'page',
      action: 'member.update',
      params: decision,
      async handler(ctx) {
        const p = ctx.params;
        const r = await correctionRequest(p.rid);
        await authorizeAt(ctx, r?.organisationId);
        if (!r || !(await closeCorrection(r.id, p.decision === 'approve' ? 'DONE' : 'REJECTED', ctx.actor.userId)))
          throw new AppError('CONFLICT', 'Просьба уже рассмотрена');
        await audit(ctx.actor, {
          action: 'member.request.closed',
          entity: 'CorrectionRequest',
          entityId: r.id,
          organisationId: r.organisationId,
          details: { decision: p.decision },
        });
        ctx.req.session.flash = p.decision === 'approve' ? 'Отмечено: данные исправлены' : 'Просьба отклонена';
        ctx.res.redirect(303, `/orgs/${p.id}/member-requests`);
      },
    }),
  ];
}

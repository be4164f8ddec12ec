import { z } from 'zod';
import { AppError, fieldErrors } from '../../http/errors';
import { type RouteDef, route } from '../../http/route';
import { findVisible } from '../organisations/organisations.repo';
import { idParams, uuid } from '../organisations/organisations.input';
import { endPositionInput, positionInput } from './members.input';
import { findPosition } from './members.repo';
import { addPosition, closePosition } from './positions.service';
import { formErrors, loadMemberFor, ndaGate } from './members.http';
import { renderCard } from './member-card';

/** Positions (elected and paid posts) a member holds, added and ended from the member's card. */
export function positionPages(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/members/:id/positions',
      kind: 'page',
      action: 'position.manage',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        const parsed = positionInput.safeParse(ctx.body);
        if (!parsed.success) return renderCard(ctx, m, { position: fieldErrors(parsed.error) }, ctx.body, 400);
        const org = await findVisible(ctx.actor, parsed.data.organisationId);
        if (!org || !ctx.allows('position.manage', org.path))
          return renderCard(ctx, m, { position: { organisationId: 'Выберите организацию из списка' } }, ctx.body, 400);
        await addPosition(ctx.actor, m, org, parsed.data);
        ctx.req.session.flash = 'Должность добавлена';
        ctx.res.redirect(303, `/members/${m.id}#positions`);
      },
    }),
    route({
      method: 'post',
      path: '/members/:id/positions/:positionId/end',
      kind: 'page',
      action: 'position.manage',
      params: z.object({ id: uuid, positionId: uuid }),
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        const pos = await findPosition(ctx.params.positionId);
        if (!pos || pos.personId !== m.personId || !ctx.allows('position.manage', pos.organisation.path))
          throw new AppError('NOT_FOUND');
        const parsed = endPositionInput.safeParse(ctx.body);
        if (!parsed.success) return renderCard(ctx, m, { position: fieldErrors(parsed.error) }, ctx.body, 400);
        try {
          await closePosition(ctx.actor, m, pos, parsed.data.endDate);
        } catch (e) {
          return renderCard(ctx, m, { position: formErrors(e) }, ctx.body, 400);
        }
        ctx.req.session.flash = 'Должность завершена';
        ctx.res.redirect(303, `/members/${m.id}#positions`);
      },
    }),
  ];
}

import { fieldErrors } from '../../http/errors';
import { type RouteDef, route } from '../../http/route';
import { idParams } from '../organisations/organisations.input';
import { consentInput } from './members.input';
import { setConsent } from './consents.service';
import { formErrors, loadMemberFor, ndaGate } from './members.http';
import { renderCard } from './member-card';

/** A consent given or withdrawn, from the member's card. */
export function consentPages(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/members/:id/consents',
      kind: 'page',
      action: 'member.update',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        const parsed = consentInput.safeParse(ctx.body);
        if (!parsed.success) return renderCard(ctx, m, { consent: fieldErrors(parsed.error) }, ctx.body, 400);
        try {
          await setConsent(ctx.actor, m, parsed.data.kind, parsed.data.given, parsed.data.date);
        } catch (e) {
          return renderCard(ctx, m, { consent: formErrors(e) }, ctx.body, 400);
        }
        ctx.req.session.flash = parsed.data.given ? 'Согласие отмечено' : 'Отзыв согласия отмечен';
        ctx.res.redirect(303, `/members/${m.id}#consents`);
      },
    }),
  ];
}

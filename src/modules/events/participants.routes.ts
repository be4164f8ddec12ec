import { z } from 'zod';
import type { Ctx, RouteDef } from '../../http/route';
import { normaliseCardNumber } from '../../lib/cardNumber';
import { idParams } from '../organisations/organisations.input';
import { loadEventFor, renderEvent } from './events.routes';
import { electedBodyMembers, membersByCardNumbers, replaceParticipants } from './participants.repo';

const form = z.object({
  cardNumbers: z.string().max(200_000).optional().default(''),
  electedBody: z.literal('on').optional().catch(undefined),
});

/**
 * The expected participants of an event (the quorum is more than half of them), set on the event page: card
 * numbers, one a line, and/or the holders of elected-body positions of the organisation. Until now only the API
 * could set them.
 */
export function participantPages(): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/events/:id/participants',
      kind: 'page',
      action: 'event.manage',
      params: idParams,
      async handler(ctx: Ctx<{ id: string }>) {
        const { ev, org } = await loadEventFor(ctx, ctx.params.id);
        const parsed = form.safeParse(ctx.body);
        const values = {
          cardNumbers: parsed.success ? parsed.data.cardNumbers : '',
          electedBody: parsed.data?.electedBody,
        };
        const lines = values.cardNumbers.split(/\r?\n/).map((l, i) => ({ n: i + 1, number: normaliseCardNumber(l) }));
        const typed = lines.filter((l) => l.number !== '');
        const found = await membersByCardNumbers(
          org.path,
          typed.map((l) => l.number).filter((n) => /^\d{16}$/.test(n)),
        );
        const missing = typed.filter((l) => !found.has(l.number)).map((l) => l.n);
        if (!parsed.success || missing.length) {
          const errors = {
            cardNumbers: !parsed.success
              ? 'Номера билетов: список слишком длинный'
              : `Номера билетов: в ${missing.length === 1 ? 'строке' : 'строках'} ${missing.slice(0, 20).join(', ')} нет билета члена Профсоюза этой организации`,
          };
          return renderEvent(ctx, ev.id, null, '', 400, { errors, values });
        }
        const ids = new Set(typed.map((l) => found.get(l.number)!));
        if (values.electedBody) for (const id of await electedBodyMembers(org)) ids.add(id);
        await replaceParticipants(ctx.actor, ev, [...ids]);
        ctx.req.session.flash = ids.size
          ? `Ожидаемых участников: ${ids.size}. Кворум — больше половины из них`
          : 'Список ожидаемых участников очищен: кворум не считается';
        ctx.res.redirect(303, `/events/${ev.id}`);
      },
    },
  ];
}

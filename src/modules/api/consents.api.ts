import { type RouteDef, route } from '../../http/route';
import { fromDate } from '../../lib/dates';
import { idParams } from '../organisations/organisations.input';
import { consentInput } from '../members/members.input';
import { consentsOf } from '../members/members.repo';
import { loadMemberFor } from '../members/members.http';
import { setConsent } from '../members/consents.service';
import { requireNda } from './api.http';

/** A member's consents as the API lists them (after a change too). */
async function consentItems(personId: string) {
  const list = await consentsOf(personId);
  return {
    items: list.map((c) => ({
      kind: c.kind,
      givenAt: fromDate(c.givenAt),
      withdrawnAt: c.withdrawnAt ? fromDate(c.withdrawnAt) : null,
      textVersion: c.textVersion,
      active: !c.withdrawnAt,
    })),
  };
}

/** A member's consents: the list, and one given or withdrawn. */
export function consentApi(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/members/:id/consents',
      kind: 'api',
      action: 'member.view',
      tag: 'Согласия',
      summary: 'Согласия члена Профсоюза',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        requireNda(ctx);
        ctx.res.json(await consentItems(m.personId));
      },
    }),
    route({
      method: 'post',
      path: '/members/:id/consents',
      kind: 'api',
      action: 'member.update',
      tag: 'Согласия',
      summary: 'Дать или отозвать согласие',
      status: 201,
      params: idParams,
      body: consentInput,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        requireNda(ctx);
        await setConsent(ctx.actor, m, ctx.body.kind, ctx.body.given, ctx.body.date);
        ctx.res.status(201).json(await consentItems(m.personId));
      },
    }),
  ];
}

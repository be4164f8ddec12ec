import { z } from 'zod';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { audit } from '../audit/audit.repo';
import { idParams, uuid } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { listPartnerKeys, revokePartnerKey } from './partners.repo';
import { createPartnerKey } from './verify';

/** Keys for partners (e.g. a credit cooperative) scoped to the membership check only: the central office issues them. */
async function central(ctx: Ctx, id: string) {
  const org = await loadOrg(ctx, id);
  if (org.kind !== 'CENTRAL') throw new AppError('NOT_FOUND');
  return org;
}

async function show(ctx: Ctx, orgId: string, newKey?: string, error?: string) {
  const keys = await listPartnerKeys();
  await renderPage(
    ctx.res,
    'cards/partners',
    { title: 'Ключи партнёров', orgId, keys, newKey, error },
    error ? 400 : 200,
  );
}

export function partnerPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/partner-keys',
      kind: 'page',
      action: 'user.manage',
      params: idParams,
      async handler(ctx) {
        const org = await central(ctx, ctx.params.id);
        await show(ctx, org.id);
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/partner-keys',
      kind: 'page',
      action: 'user.manage',
      params: idParams,
      async handler(ctx) {
        const org = await central(ctx, ctx.params.id);
        const name = z.string().trim().min(3).max(200).safeParse(ctx.body.name);
        if (!name.success) return show(ctx, org.id, undefined, 'Укажите название партнёра (не короче 3 символов)');
        const { key, row } = await createPartnerKey(name.data);
        await audit(ctx.actor, {
          action: 'token.created',
          entity: 'PartnerKey',
          entityId: row.id,
          organisationId: org.id,
        });
        await show(ctx, org.id, key);
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/partner-keys/:keyId/revoke',
      kind: 'page',
      action: 'user.manage',
      params: z.object({ id: uuid, keyId: uuid }),
      async handler(ctx) {
        const org = await central(ctx, ctx.params.id);
        await revokePartnerKey(ctx.params.keyId);
        await audit(ctx.actor, {
          action: 'token.revoked',
          entity: 'PartnerKey',
          entityId: ctx.params.keyId,
          organisationId: org.id,
        });
        ctx.req.session.flash = 'Ключ отозван';
        ctx.res.redirect(303, `/orgs/${org.id}/partner-keys`);
      },
    }),
  ];
}

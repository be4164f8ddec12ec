import { AppError, fieldErrors } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { today } from '../../lib/dates';
import { fullName } from '../../lib/names';
import { SYSTEM_ACTOR } from '../../policy/actor';
import { ancestors, type OrgRow } from '../organisations/organisations.repo';
import { crumbs } from '../organisations/organisations.presenter';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { createMemberForm, transferInput } from './members.input';
import { findExistingPerson, findMemberVisible, type MemberFull } from './members.repo';
import { categoryOptions, genderOptions } from './members.presenter';
import { createMember } from './members.service';
import { transferMember } from './movements.service';
import { requestTransfer } from './transfers.service';
import { formErrors, ndaGate } from './members.http';

/** A new member in an organisation: the form, and for a person already registered elsewhere, a transfer in. */
export function newMemberPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/members/new',
      kind: 'page',
      action: 'member.create',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        await renderNew(ctx, org, { joinedAt: today(), category: 'WORKING' }, {});
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/members/new',
      kind: 'page',
      action: 'member.create',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        const parsed = createMemberForm.safeParse(ctx.body);
        if (!parsed.success) return renderNew(ctx, org, ctx.body, fieldErrors(parsed.error), 400);
        const v = parsed.data;
        try {
          const m = await createMember(ctx.actor, org, {
            ...v,
            consents: {
              processing: v.consentProcessing,
              bonusProgramme: v.consentBonus,
              messaging: v.consentMessaging,
            },
          });
          ctx.req.session.flash = `${fullName(m.person)} поставлен(а) на учёт`;
          ctx.res.redirect(303, `/members/${m.id}`);
        } catch (e) {
          if (e instanceof AppError && e.code === 'DUPLICATE_PERSON') {
            const existing = e.extra?.existing as {
              memberId: string;
              organisationId?: string;
              organisationName?: string;
            };
            const here = existing.organisationId === org.id;
            return renderNew(ctx, org, ctx.body, {}, 409, {
              message: here ? 'Этот человек уже состоит на учёте в вашей организации' : e.message,
              // Moved directly only within the caller's own subtree; otherwise a request to the member's
              // organisation. Neither needs the member's id on the page: the typed identity finds them.
              canTransfer: !here && ctx.allows('member.transfer', org.path),
              direct: !!existing.organisationId,
              // A link to the card only when the caller may open it.
              cardHref: existing.organisationId ? `/members/${existing.memberId}` : null,
            });
          }
          return renderNew(ctx, org, ctx.body, formErrors(e), e instanceof AppError && e.status === 409 ? 409 : 400);
        }
      },
    }),
    route({
      // The duplicate warning's "transfer here": the person typed on the form moves into this organisation.
      method: 'post',
      path: '/orgs/:id/members/transfer-in',
      kind: 'page',
      action: 'member.transfer',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        const parsed = createMemberForm.safeParse({ ...ctx.body, consentProcessing: 'on' });
        const date = transferInput.shape.date.safeParse(ctx.body.transferDate || today());
        if (!parsed.success || !date.success)
          return renderNew(
            ctx,
            org,
            ctx.body,
            {
              ...(parsed.success ? {} : fieldErrors(parsed.error)),
              ...(date.success ? {} : { transferDate: date.error.issues[0]?.message ?? 'Введите дату' }),
            },
            400,
          );
        // Only the member the typed identity points to can be pulled in: an id alone is not enough.
        const existing = await findExistingPerson(undefined, parsed.data);
        const active = existing?.members[0];
        if (!active) throw new AppError('NOT_FOUND');
        const m = await findMemberVisibleUnscoped(active.id);
        // Outside the caller's own subtree the receiving side cannot move anyone: it asks the member's
        // organisation (its chair or a chair above) to approve.
        if (!ctx.allows('member.transfer', m.organisation.path)) {
          try {
            await requestTransfer(ctx.actor, m, org, date.data);
          } catch (e) {
            return renderNew(ctx, org, ctx.body, formErrors(e), e instanceof AppError ? e.status : 400);
          }
          ctx.req.session.flash =
            'Запрос на перевод отправлен в организацию, где человек состоит на учёте. Перевод совершится после её одобрения';
          return ctx.res.redirect(303, '/transfer-requests');
        }
        try {
          await transferMember(ctx.actor, m, undefined, org, date.data);
        } catch (e) {
          return renderNew(ctx, org, ctx.body, formErrors(e), 400);
        }
        ctx.req.session.flash = `${fullName(m.person)} поставлен(а) на учёт переводом`;
        ctx.res.redirect(303, `/members/${m.id}`);
      },
    }),
  ];
}

/** The duplicate itself may sit outside the caller's scope; it is reached only through the typed identity. */
async function findMemberVisibleUnscoped(id: string): Promise<MemberFull> {
  const m = await findMemberVisible(SYSTEM_ACTOR, id);
  if (!m) throw new AppError('NOT_FOUND');
  return m;
}

async function renderNew(
  ctx: Ctx,
  org: OrgRow,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
  duplicate?: { message: string; canTransfer: boolean; direct: boolean; cardHref: string | null },
) {
  await renderPage(
    ctx.res,
    'members/new',
    {
      title: 'Новый член Профсоюза',
      org: { id: org.id, name: org.shortName ?? org.name },
      values,
      errors,
      duplicate,
      categoryOptions,
      genderOptions,
      crumbs: crumbs(await ancestors(ctx.actor, org), org),
      today: today(),
    },
    status,
  );
}

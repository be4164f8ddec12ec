import { AppError, fieldErrors } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { today } from '../../lib/dates';
import { audit } from '../audit/audit.repo';
import { findVisible, searchVisible } from '../organisations/organisations.repo';
import { idParams } from '../organisations/organisations.input';
import { categoryChangeInput, exitInput, transferInput, updateMemberInput } from './members.input';
import type { MemberFull } from './members.repo';
import { exitOptions, genderOptions, memberFormValues, memberView } from './members.presenter';
import { changeCategory, updateMember } from './members.service';
import { exitMember, transferMember } from './movements.service';
import { formErrors, loadMemberFor, ndaGate } from './members.http';
import { renderCard } from './member-card';
import { cutText } from '../../lib/text';

/** One member: the card, editing the personal data, the category, exit and transfer. */
export function memberRecordPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/members/:id',
      kind: 'page',
      action: 'member.view',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        await audit(ctx.actor, {
          action: 'member.viewed',
          entity: 'Member',
          entityId: m.id,
          organisationId: m.organisationId,
        });
        await renderCard(ctx, m, {});
      },
    }),
    route({
      method: 'get',
      path: '/members/:id/edit',
      kind: 'page',
      action: 'member.update',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        await renderEdit(ctx, m, memberFormValues(m), {});
      },
    }),
    route({
      method: 'post',
      path: '/members/:id/edit',
      kind: 'page',
      action: 'member.update',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        const parsed = updateMemberInput.safeParse(ctx.body);
        if (!parsed.success) return renderEdit(ctx, m, ctx.body, fieldErrors(parsed.error), 400);
        const { version, ...data } = parsed.data;
        try {
          await updateMember(ctx.actor, m, version, {
            ...data,
            middleName: data.middleName ?? null,
            gender: data.gender ?? null,
            phone: data.phone ?? null,
            email: data.email ?? null,
            snils: data.snils ?? null,
            externalId: data.externalId ?? null,
          });
        } catch (e) {
          const errs = formErrors(e);
          return renderEdit(ctx, m, ctx.body, errs, e instanceof AppError ? e.status : 400);
        }
        ctx.req.session.flash = 'Изменения сохранены';
        ctx.res.redirect(303, `/members/${m.id}`);
      },
    }),
    route({
      method: 'post',
      path: '/members/:id/category',
      kind: 'page',
      action: 'member.update',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        const parsed = categoryChangeInput.safeParse(ctx.body);
        const version = Number(ctx.body.version);
        if (!parsed.success) return renderCard(ctx, m, { category: fieldErrors(parsed.error) }, ctx.body, 400);
        try {
          await changeCategory(ctx.actor, m, version, parsed.data.category, parsed.data.date);
        } catch (e) {
          return renderCard(ctx, m, { category: formErrors(e) }, ctx.body, 400);
        }
        ctx.req.session.flash = 'Категория изменена';
        ctx.res.redirect(303, `/members/${m.id}`);
      },
    }),
    route({
      method: 'get',
      path: '/members/:id/exit',
      kind: 'page',
      action: 'member.exit',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        await renderExit(ctx, m, { date: today(), version: String(m.version) }, {});
      },
    }),
    route({
      method: 'post',
      path: '/members/:id/exit',
      kind: 'page',
      action: 'member.exit',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        const parsed = exitInput.safeParse(ctx.body);
        if (!parsed.success) return renderExit(ctx, m, ctx.body, fieldErrors(parsed.error), 400);
        try {
          await exitMember(
            ctx.actor,
            m,
            Number(ctx.body.version),
            parsed.data.reason,
            parsed.data.date,
            parsed.data.note,
          );
        } catch (e) {
          return renderExit(ctx, m, ctx.body, formErrors(e), 400);
        }
        ctx.req.session.flash = 'Снят(а) с учёта';
        ctx.res.redirect(303, `/members/${m.id}`);
      },
    }),
    route({
      method: 'get',
      path: '/members/:id/transfer',
      kind: 'page',
      action: 'member.transfer',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        const q = typeof ctx.req.query.q === 'string' ? cutText(ctx.req.query.q, 60) : '';
        await renderTransfer(ctx, m, { date: today(), version: String(m.version), q }, {});
      },
    }),
    route({
      method: 'post',
      path: '/members/:id/transfer',
      kind: 'page',
      action: 'member.transfer',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        if (!ndaGate(ctx)) return;
        const parsed = transferInput.safeParse(ctx.body);
        if (!parsed.success) return renderTransfer(ctx, m, ctx.body, fieldErrors(parsed.error), 400);
        const target = await findVisible(ctx.actor, parsed.data.toOrgId);
        if (!target || !ctx.allows('member.transfer', target.path))
          return renderTransfer(ctx, m, ctx.body, { toOrgId: 'Выберите организацию из списка' }, 400);
        try {
          await transferMember(ctx.actor, m, Number(ctx.body.version), target, parsed.data.date);
        } catch (e) {
          return renderTransfer(ctx, m, ctx.body, formErrors(e), 400);
        }
        ctx.req.session.flash = `Переведён(а) в «${target.shortName ?? target.name}»`;
        ctx.res.redirect(303, `/members/${m.id}`);
      },
    }),
  ];
}

/** A form about one member (its page, title and options), with what was typed and the errors. */
function memberForm(view: string, title: string, options: Record<string, unknown>) {
  return async (
    ctx: Ctx,
    m: MemberFull,
    values: Record<string, unknown>,
    errors: Record<string, string>,
    status = 200,
  ) => renderPage(ctx.res, view, { title, member: memberView(m), values, errors, ...options }, status);
}

const renderEdit = memberForm('members/edit', 'Изменение данных', { genderOptions });
const renderExit = memberForm('members/exit', 'Снятие с учёта', { exitOptions });

async function renderTransfer(
  ctx: Ctx,
  m: MemberFull,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  const q = typeof values.q === 'string' ? values.q : '';
  const candidates = (await searchVisible(ctx.actor, q, ['PRIMARY', 'PROFBURO', 'PROFGROUP'], 30)).filter(
    (o) => o.id !== m.organisationId && ctx.allows('member.transfer', o.path),
  );
  await renderPage(
    ctx.res,
    'members/transfer',
    {
      title: 'Перевод в другую организацию',
      member: memberView(m),
      values,
      errors,
      orgOptions: [
        { value: '', label: '— выберите —' },
        ...candidates.map((o) => ({ value: o.id, label: o.shortName ?? o.name })),
      ],
      // Nothing to choose: say what to do instead of an empty list (a primary chair has no other organisation).
      noTargets: candidates.length === 0,
      searched: q !== '',
    },
    status,
  );
}

import { z } from 'zod';
import { AppError, fieldErrors } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { fromDate, today } from '../../lib/dates';
import { fullName } from '../../lib/names';
import { cutText } from '../../lib/text';
import { SYSTEM_ACTOR, isVisible, scopePaths, type Actor } from '../../policy/actor';
import { formatCardNumber } from '../../lib/cardNumber';
import { cardsOfMember } from '../cards/cards.repo';
import { BLOCK_REASONS } from '../cards/cards.service';
import { CARD_STATUS_LABELS } from '../cards/labels';
import type { Action } from '../../policy/rules';
import { audit } from '../audit/audit.repo';
import { LEVELS } from '../organisations/levels';
import {
  ancestors,
  findVisible,
  orgsById,
  rootsOf,
  searchVisible,
  type OrgRow,
} from '../organisations/organisations.repo';
import { crumbs } from '../organisations/organisations.presenter';
import { idParams, uuid } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import {
  categoryChangeInput,
  consentInput,
  createMemberForm,
  endPositionInput,
  exitInput,
  listQuery,
  positionInput,
  transferInput,
  updateMemberInput,
} from './members.input';
import {
  consentsOf,
  findExistingPerson,
  findMemberVisible,
  findPosition,
  listMembers,
  movementsOf,
  positionsOf,
  type MemberFull,
} from './members.repo';
import {
  CATEGORY_LABELS,
  CONSENT_LABELS,
  MOVEMENT_LABELS,
  POSITION_LABELS,
  categoryOptions,
  exitOptions,
  genderOptions,
  memberAbilities,
  memberFormValues,
  memberView,
  positionOptions,
} from './members.presenter';
import {
  addPosition,
  changeCategory,
  closePosition,
  createMember,
  exitMember,
  setConsent,
  transferMember,
  updateMember,
} from './members.service';
import { requestTransfer } from './transfers.service';

/** Personal data is shown only after the non-disclosure obligation is accepted (152-ФЗ). */
function ndaGate(ctx: Ctx): boolean {
  if (ctx.actor.ndaAcceptedAt) return true;
  ctx.res.redirect(303, `/nda?returnTo=${encodeURIComponent(ctx.req.originalUrl.split('?')[0])}`);
  return false;
}

export async function loadMemberFor(ctx: Ctx, id: string): Promise<MemberFull> {
  const m = await findMemberVisible(ctx.actor, id);
  if (!m) throw new AppError('NOT_FOUND');
  ctx.authorize(m.organisation.path);
  return m;
}

/** Applies an AppError's field messages to a form, or rethrows what a form cannot show. */
function formErrors(e: unknown): Record<string, string> {
  if (
    e instanceof AppError &&
    (e.fields || ['STALE_VERSION', 'DUPLICATE_PERSON', 'CONFLICT', 'UNPROCESSABLE'].includes(e.code))
  ) {
    return e.fields ?? { _: e.message };
  }
  throw e;
}

async function defaultOrgFor(actor: Actor, action: Action): Promise<OrgRow | null> {
  const paths = scopePaths(actor, action);
  if (paths === 'all') return null;
  const roots = await rootsOf(actor);
  return roots.find((r) => paths.includes(r.path)) ?? null;
}

export function memberPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/members',
      kind: 'page',
      action: 'member.list',
      query: listQuery,
      async handler(ctx) {
        const q = ctx.query;
        const org = q.org ? await findVisible(ctx.actor, q.org) : await defaultOrgFor(ctx.actor, 'member.list');
        if (!org) throw new AppError('NOT_FOUND');
        ctx.authorize(org.path);
        if (!ndaGate(ctx)) return;
        const asOf = q.asOf ?? today();
        const { rows, total } = await listMembers(org.path, { ...q, asOf });
        await audit(ctx.actor, { action: 'member.listed', organisationId: org.id, rowCount: rows.length });
        await renderPage(ctx.res, 'members/list', {
          title: `Члены Профсоюза: ${org.shortName ?? org.name}`,
          org: { id: org.id, name: org.shortName ?? org.name, holdsMembers: LEVELS[org.kind].holdsMembers },
          crumbs: crumbs(await ancestors(ctx.actor, org), org),
          canCreate: LEVELS[org.kind].holdsMembers && ctx.allows('member.create', org.path),
          filters: { org: org.id, q: q.q ?? '', category: q.category ?? '', asOf, sort: q.sort, pageSize: q.pageSize },
          categoryOptions: [{ value: '', label: 'Все категории' }, ...categoryOptions.slice(1)],
          rows: rows.map((r) => ({
            id: r.memberId,
            fullName: fullName(r.member.person),
            birthDate: r.member.person.birthDate,
            category: CATEGORY_LABELS[r.category],
            joinedAt: r.member.joinedAt,
            org: r.organisation.shortName ?? r.organisation.name,
            card: r.member.cards[0]?.number ?? '',
          })),
          page: q.page,
          pageSize: q.pageSize,
          total,
          bulkOps: [
            ['transfer', 'Перевести', 'member.transfer'],
            ['exit', 'Снять с учёта', 'member.exit'],
            ['category', 'Изменить категорию', 'member.update'],
            ['cards', 'Заказать билеты', 'card.order'],
            ['export', 'Выгрузить в Excel', 'member.export'],
          ]
            .filter(([v, , a]) => ctx.allows(a as Action, org.path) && (v !== 'cards' || org.kind === 'PRIMARY'))
            .map(([value, label]) => ({ value, label })),
        });
      },
    }),
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

async function renderEdit(
  ctx: Ctx,
  m: MemberFull,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  await renderPage(
    ctx.res,
    'members/edit',
    { title: 'Изменение данных', member: memberView(m), values, errors, genderOptions },
    status,
  );
}

async function renderExit(
  ctx: Ctx,
  m: MemberFull,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  await renderPage(
    ctx.res,
    'members/exit',
    { title: 'Снятие с учёта', member: memberView(m), values, errors, exitOptions },
    status,
  );
}

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

async function renderCard(
  ctx: Ctx,
  m: MemberFull,
  errors: Record<string, Record<string, string>>,
  values: Record<string, unknown> = {},
  status = 200,
) {
  const [movements, consents, positions, cards] = await Promise.all([
    movementsOf(m.id),
    consentsOf(m.personId),
    positionsOf(m.personId),
    cardsOfMember(m.id),
  ]);
  const names = await orgsById([
    ...new Set(movements.flatMap((x) => [x.organisationId, x.otherOrganisationId].filter(Boolean) as string[])),
  ]);
  const orgLabel = (id: string | null) => {
    if (!id) return '';
    const o = names.get(id);
    return o && ctx.allows('org.view', o.path) ? (o.shortName ?? o.name) : 'другая организация';
  };
  const can = memberAbilities(ctx, m);
  const positionOrgs = can.positions
    ? (await searchVisible(ctx.actor, '', undefined, 200)).filter(
        (o) => m.organisation.path.startsWith(o.path) || o.path.startsWith(m.organisation.path),
      )
    : [];
  await renderPage(
    ctx.res,
    'members/card',
    {
      title: fullName(m.person),
      member: memberView(m),
      can,
      errors,
      values,
      today: today(),
      crumbs: crumbs(await ancestors(ctx.actor, await findVisibleOrThrow(ctx.actor, m.organisationId)), undefined),
      orgHref: `/orgs/${m.organisationId}`,
      movements: movements.map((x) => ({
        date: x.date,
        label: MOVEMENT_LABELS[x.kind] ?? x.kind,
        org: orgLabel(x.organisationId),
        other: orgLabel(x.otherOrganisationId),
        note: x.kind === 'CATEGORY_CHANGE' ? CATEGORY_LABELS[x.note as keyof typeof CATEGORY_LABELS] : '',
      })),
      consents: consents.map((c) => ({
        kind: c.kind,
        label: CONSENT_LABELS[c.kind],
        givenAt: c.givenAt,
        withdrawnAt: c.withdrawnAt,
        textVersion: c.textVersion,
      })),
      consentKinds: Object.entries(CONSENT_LABELS).map(([value, label]) => ({
        value,
        label,
        active: consents.some((c) => c.kind === value && !c.withdrawnAt),
      })),
      // Positions held outside the caller's scope (another region's committee) are not shown at all.
      positions: positions
        .filter((p) => isVisible(ctx.actor, p.organisation.path))
        .map((p) => ({
          id: p.id,
          label: POSITION_LABELS[p.kind],
          title: p.title,
          org: p.organisation.shortName ?? p.organisation.name,
          startDate: p.startDate,
          endDate: p.endDate,
          isPaid: p.isPaid,
          isElected: p.isElected,
        })),
      positionOptions,
      categoryOptions,
      positionOrgOptions: positionOrgs.map((o) => ({ value: o.id, label: o.shortName ?? o.name })),
      registeredAt: m.registrations.find((r) => !r.validTo)?.validFrom ?? null,
      cards: cards.map((c) => ({
        id: c.id,
        number: formatCardNumber(c.number),
        form: c.form,
        formLabel: c.form === 'VIRTUAL' ? 'виртуальный' : 'пластиковый',
        status: CARD_STATUS_LABELS[c.status],
        statusCode: c.status,
        issuedAt: c.issuedAt,
        blockReason: c.blockReason,
        history: c.events.map((e) => ({ date: e.date, status: CARD_STATUS_LABELS[e.status], note: e.note })),
      })),
      cardCan: {
        virtual:
          m.status === 'ACTIVE' &&
          ctx.allows('card.issue', m.organisation.path) &&
          !cards.some((c) => c.status !== 'BLOCKED'),
        block: ctx.allows('card.block', m.organisation.path),
      },
      blockReasons: Object.entries(BLOCK_REASONS).map(([value, label]) => ({ value, label })),
      fromDate,
    },
    status,
  );
}

async function findVisibleOrThrow(actor: Actor, id: string): Promise<OrgRow> {
  const o = await findVisible(actor, id);
  if (!o) throw new AppError('NOT_FOUND');
  return o;
}

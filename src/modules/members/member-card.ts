import { renderPage } from '../../http/render';
import type { Ctx } from '../../http/route';
import { fromDate, today } from '../../lib/dates';
import { fullName } from '../../lib/names';
import { formatCardNumber } from '../../lib/cardNumber';
import { isVisible } from '../../policy/actor';
import { BLOCK_REASONS } from '../cards/cards.service';
import { CARD_STATUS_LABELS } from '../cards/labels';
import { ancestorsFrom, lineVisible, orgsById, pathIds } from '../organisations/organisations.repo';
import { crumbs } from '../organisations/organisations.presenter';
import type { MemberFull } from './members.repo';
import { memberCardExtras } from './member-card.sql';
import {
  CATEGORY_LABELS,
  CONSENT_LABELS,
  MOVEMENT_LABELS,
  POSITION_LABELS,
  categoryOptions,
  memberAbilities,
  memberView,
  positionOptions,
} from './members.presenter';

/** The member's card page; the forms on it (category, consents, positions) re-render it with their errors. */
export async function renderCard(
  ctx: Ctx,
  m: MemberFull,
  errors: Record<string, Record<string, string>>,
  values: Record<string, unknown> = {},
  status = 200,
) {
  const { movements, consents, positions, cards } = await memberCardExtras(m.id, m.personId);
  // The movements' organisations and the breadcrumbs' ancestors in one read.
  const names = await orgsById([
    ...movements.flatMap((x) => [x.organisationId, x.otherOrganisationId].filter(Boolean) as string[]),
    ...pathIds(m.organisation.path),
  ]);
  const orgLabel = (id: string | null) => {
    if (!id) return '';
    const o = names.get(id);
    return o && ctx.allows('org.view', o.path) ? (o.shortName ?? o.name) : 'другая организация';
  };
  const can = memberAbilities(ctx, m);
  const positionOrgs = can.positions ? await lineVisible(ctx.actor, m.organisation.path) : [];
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
      crumbs: crumbs(ancestorsFrom(ctx.actor, m.organisation, names), undefined),
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

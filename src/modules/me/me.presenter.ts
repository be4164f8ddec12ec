import { fromDate } from '../../lib/dates';
import { formatCardNumber } from '../../lib/cardNumber';
import { ROLE_LABELS } from '../../policy/rules';
import { CARD_STATUS_LABELS } from '../cards/labels';
import { CONSENT_KINDS, CONSENT_LABELS, POSITION_LABELS } from '../members/members.input';
import { CATEGORY_LABELS, MOVEMENT_LABELS } from '../members/members.presenter';
import {
  accessLog,
  bonusDisclosures,
  cardsOf,
  consentsOf,
  membershipsOf,
  movementsOf,
  openRequestsOf,
  orgNames,
  personOf,
  positionsOf,
  pushDevicesOf,
  registrationsOf,
} from './me.repo';
import { CORRECTION_FIELDS } from './me.service';

const day = (d: Date | null | undefined) => (d ? fromDate(d) : null);
const orgName = (o: { name: string; shortName: string | null }) => o.shortName ?? o.name;

export const ACCESS_LABELS: Record<string, string> = {
  'member.viewed': 'Просмотр вашей карточки',
  'member.updated': 'Изменение ваших данных',
  'member.exited': 'Снятие с учёта',
  'member.transferred': 'Перевод',
  'card.viewed': 'Просмотр вашего билета',
  'member.exported': 'Выгрузка списка членов организации, где вы состоите на учёте',
};
export const REQUEST_STATUS_LABELS: Record<string, string> = {
  OPEN: 'на рассмотрении',
  DONE: 'выполнено',
  REJECTED: 'отклонено',
  CANCELLED: 'отменено',
};
export const GENDER_TEXT: Record<string, string> = { MALE: 'мужской', FEMALE: 'женский' };

/** The consents, one line per kind: the latest row of that kind (given or withdrawn), with every earlier one. */
export function consentView(rows: Awaited<ReturnType<typeof consentsOf>>) {
  return CONSENT_KINDS.map((kind) => {
    const mine = rows.filter((r) => r.kind === kind);
    const inForce = mine.find((r) => !r.withdrawnAt);
    const latest = inForce ?? mine[0];
    return {
      kind,
      label: CONSENT_LABELS[kind],
      given: !!inForce,
      givenAt: day(latest?.givenAt),
      withdrawnAt: inForce ? null : day(latest?.withdrawnAt),
      textVersion: latest?.textVersion ?? null,
      history: mine.map((r) => ({
        givenAt: day(r.givenAt),
        withdrawnAt: day(r.withdrawnAt),
        textVersion: r.textVersion,
      })),
    };
  });
}

/** Everything the union holds about the member (152-ФЗ ст. 14): the page, the PDF and the API read this one model. */
export async function memberData(personId: string) {
  const [person, memberships, positions, consents, access, bonus, devices] = await Promise.all([
    personOf(personId),
    membershipsOf(personId),
    positionsOf(personId),
    consentsOf(personId),
    accessLog(personId),
    bonusDisclosures(personId),
    pushDevicesOf(personId),
  ]);
  const ids = memberships.map((m) => m.id);
  const [cards, registrations, movements, requests] = await Promise.all([
    cardsOf(ids),
    registrationsOf(ids),
    movementsOf(ids),
    openRequestsOf(personId, ids),
  ]);
  const names = await orgNames([
    ...new Set(movements.flatMap((m) => [m.organisationId, m.otherOrganisationId]).filter((x): x is string => !!x)),
  ]);
  return {
    person: {
      lastName: person.lastName,
      firstName: person.firstName,
      middleName: person.middleName,
      birthDate: day(person.birthDate),
      gender: person.gender,
      phone: person.phone,
      email: person.email,
      snils: person.snils,
      recordedAt: day(person.createdAt),
    },
    memberships: memberships.map((m) => ({
      organisation: orgName(m.organisation),
      category: CATEGORY_LABELS[m.category],
      joinedAt: day(m.joinedAt),
      status: m.status === 'ACTIVE' ? 'состоит на учёте' : 'снят(а) с учёта',
      exitedAt: day(m.exitedAt),
      exitKind: m.exitKind ? (MOVEMENT_LABELS[m.exitKind] ?? m.exitKind) : null,
    })),
    registrations: registrations.map((r) => ({
      organisation: orgName(r.organisation),
      category: CATEGORY_LABELS[r.category],
      from: day(r.validFrom),
      to: day(r.validTo),
    })),
    movements: movements.map((m) => ({
      kind: MOVEMENT_LABELS[m.kind] ?? m.kind,
      date: day(m.date),
      organisation: names.get(m.organisationId) ?? null,
      other: m.otherOrganisationId ? (names.get(m.otherOrganisationId) ?? null) : null,
    })),
    positions: positions.map((p) => ({
      title: p.title ?? POSITION_LABELS[p.kind],
      organisation: orgName(p.organisation),
      from: day(p.startDate),
      to: day(p.endDate),
    })),
    cards: cards.map((c) => ({
      number: formatCardNumber(c.number),
      form: c.form === 'VIRTUAL' ? 'виртуальный' : 'пластиковый',
      status: CARD_STATUS_LABELS[c.status] ?? c.status,
      issuedAt: day(c.issuedAt),
      blockedAt: day(c.blockedAt),
    })),
    consents: consentView(consents),
    /** Web push subscriptions: the day each browser subscribed. */
    pushDevices: devices.map((x) => ({ subscribedAt: day(x.createdAt) })),
    access: access.map((a) => ({
      at: a.at.toISOString(),
      what: ACCESS_LABELS[a.action] ?? a.action,
      role: a.role ? (ROLE_LABELS[a.role as keyof typeof ROLE_LABELS] ?? a.role) : 'Пользователь реестра',
      organisation: a.orgName,
    })),
    disclosures: bonus.map((b) => ({
      at: b.at.toISOString(),
      to: 'Партнёр бонусной программы Профсоюза (оператор бонусной программы)',
      what: 'ФИО, номер профсоюзного билета, телефон, электронная почта',
    })),
    requests: {
      cards: requests.cards.map((r) => ({
        status: REQUEST_STATUS_LABELS[r.status],
        requestedAt: r.requestedAt.toISOString(),
      })),
      processingWithdrawals: requests.withdrawals.map((r) => ({
        status: REQUEST_STATUS_LABELS[r.status],
        requestedAt: r.requestedAt.toISOString(),
      })),
      corrections: requests.corrections.map((r) => ({
        field: CORRECTION_FIELDS[r.field as keyof typeof CORRECTION_FIELDS] ?? r.field,
        proposed: r.proposed,
        status: REQUEST_STATUS_LABELS[r.status],
        requestedAt: r.requestedAt.toISOString(),
      })),
    },
  };
}
export type MemberData = Awaited<ReturnType<typeof memberData>>;

import { fromDate } from '../../lib/dates';
import { fullName } from '../../lib/names';
import { formatSnils } from '../../lib/snils';
import type { Ctx } from '../../http/route';
import { CONSENT_LABELS, EXIT_LABELS, POSITION_LABELS } from './members.input';
import type { MemberFull } from './members.repo';

export const CATEGORY_LABELS = {
  WORKING: 'Работающий',
  STUDENT: 'Обучающийся',
  PENSIONER: 'Неработающий пенсионер',
} as const;
export const GENDER_LABELS = { MALE: 'Мужской', FEMALE: 'Женский' } as const;
export const MOVEMENT_LABELS: Record<string, string> = {
  JOINED: 'Принят в Профсоюз',
  TRANSFER_IN: 'Поставлен на учёт (перевод)',
  TRANSFER_OUT: 'Снят с учёта (перевод)',
  CATEGORY_CHANGE: 'Смена категории',
  ...EXIT_LABELS,
};

export const categoryOptions = [
  { value: '', label: '— выберите —' },
  ...Object.entries(CATEGORY_LABELS).map(([value, label]) => ({ value, label })),
];
export const genderOptions = [
  { value: '', label: '— не указан —' },
  { value: 'FEMALE', label: 'Женский' },
  { value: 'MALE', label: 'Мужской' },
];
export const exitOptions = [
  { value: '', label: '— выберите —' },
  ...Object.entries(EXIT_LABELS).map(([value, label]) => ({ value, label })),
];
export const positionOptions = [
  { value: '', label: '— выберите —' },
  ...Object.entries(POSITION_LABELS).map(([value, label]) => ({ value, label })),
];
export { CONSENT_LABELS, POSITION_LABELS };

export function memberAbilities(ctx: Ctx, m: MemberFull) {
  const path = m.organisation.path;
  const active = m.status === 'ACTIVE';
  return {
    update: ctx.allows('member.update', path),
    exit: active && ctx.allows('member.exit', path),
    transfer: active && ctx.allows('member.transfer', path),
    positions: ctx.allows('position.manage', path),
  };
}

/** The API's view of a member (API.md "Members"). */
export function memberJson(m: MemberFull) {
  const p = m.person;
  const open = m.registrations.find((r) => !r.validTo);
  return {
    id: m.id,
    lastName: p.lastName,
    firstName: p.firstName,
    middleName: p.middleName,
    birthDate: fromDate(p.birthDate),
    gender: p.gender,
    phone: p.phone,
    email: p.email,
    snils: p.snils,
    category: m.category,
    joinedAt: fromDate(m.joinedAt),
    status: m.status,
    organisationId: m.organisationId,
    registeredAt: open ? fromDate(open.validFrom) : null,
    exitedAt: m.exitedAt ? fromDate(m.exitedAt) : null,
    exitReason: m.exitKind ? m.exitKind.replace(/^EXIT_/, '') : null,
    externalId: m.externalId,
    cardNumber: m.cards[0]?.number ?? null,
    version: m.version,
  };
}

export function memberView(m: MemberFull) {
  const p = m.person;
  return {
    id: m.id,
    fullName: fullName(p),
    lastName: p.lastName,
    firstName: p.firstName,
    middleName: p.middleName,
    birthDate: p.birthDate,
    gender: p.gender ? GENDER_LABELS[p.gender] : '',
    phone: p.phone,
    email: p.email,
    snils: p.snils ? formatSnils(p.snils) : '',
    category: CATEGORY_LABELS[m.category],
    categoryCode: m.category,
    joinedAt: m.joinedAt,
    status: m.status,
    exitedAt: m.exitedAt,
    exitReason: m.exitKind ? MOVEMENT_LABELS[m.exitKind] : '',
    exitNote: m.exitNote,
    org: { id: m.organisation.id, name: m.organisation.shortName ?? m.organisation.name },
    externalId: m.externalId,
    card: m.cards[0] ? { number: m.cards[0].number, form: m.cards[0].form, status: m.cards[0].status } : null,
    version: m.version,
  };
}

export function memberFormValues(m: MemberFull): Record<string, string> {
  const p = m.person;
  return {
    lastName: p.lastName,
    firstName: p.firstName,
    middleName: p.middleName ?? '',
    birthDate: fromDate(p.birthDate),
    gender: p.gender ?? '',
    phone: p.phone ?? '',
    email: p.email ?? '',
    snils: p.snils ? formatSnils(p.snils) : '',
    externalId: m.externalId ?? '',
    version: String(m.version),
  };
}

import { fromDate } from '../../lib/dates';
import type { Ctx } from '../../http/route';
import { INSTITUTION_LABELS, KIND_LABELS, LEVELS, childKindsOf } from './levels';
import type { OrgRow } from './organisations.repo';
import type { TodoCounts } from './todo.repo';

export function abilities(ctx: Ctx, org: OrgRow) {
  return {
    update: ctx.allows('org.update', org.path),
    createChild: ctx.allows('org.createChild', org.path) && org.status === 'ACTIVE' && childKindsOf(org).length > 0,
    exclude: ctx.allows('org.exclude', org.path) && org.status === 'ACTIVE' && org.kind !== 'CENTRAL',
    listMembers: ctx.allows('member.list', org.path),
    createMember: ctx.allows('member.create', org.path) && LEVELS[org.kind].holdsMembers && org.status === 'ACTIVE',
    applications:
      ctx.allows('member.create', org.path) &&
      org.status === 'ACTIVE' &&
      org.kind !== 'PROFBURO' &&
      org.kind !== 'PROFGROUP',
    importMembers: ctx.allows('member.import', org.path) && LEVELS[org.kind].holdsMembers && org.status === 'ACTIVE',
    manageUsers: ctx.allows('user.manage', org.path),
    audit: ctx.allows('audit.view', org.path),
    cards: ctx.allows('card.view', org.path),
    events: ctx.allows('event.manage', org.path),
    messages: ctx.allows('message.send', org.path),
    reports: ctx.allows('report.view', org.path) && org.kind !== 'PROFBURO' && org.kind !== 'PROFGROUP',
  };
}

export function presentOrg(org: OrgRow) {
  return {
    id: org.id,
    kind: org.kind,
    kindLabel: KIND_LABELS[org.kind],
    level: LEVELS[org.kind],
    name: org.name,
    shortName: org.shortName,
    title: org.shortName ?? org.name,
    hasTerritorialRights: org.hasTerritorialRights,
    institutionName: org.institutionName,
    institutionInn: org.institutionInn,
    institutionType: org.institutionType,
    institutionTypeLabel: org.institutionType ? INSTITUTION_LABELS[org.institutionType] : '',
    address: org.address,
    phone: org.phone,
    email: org.email,
    employeesCount: org.employeesCount,
    studentsCount: org.studentsCount,
    foundedAt: org.foundedAt,
    status: org.status,
    excludedAt: org.excludedAt,
    excludedReason: org.excludedReason,
    version: org.version,
  };
}

/** The passport as form values (strings), for the edit form. */
export function passportFormValues(org: OrgRow): Record<string, string> {
  return {
    name: org.name,
    shortName: org.shortName ?? '',
    institutionName: org.institutionName ?? '',
    institutionInn: org.institutionInn ?? '',
    institutionType: org.institutionType ?? '',
    address: org.address ?? '',
    phone: org.phone ?? '',
    email: org.email ?? '',
    employeesCount: org.employeesCount?.toString() ?? '',
    studentsCount: org.studentsCount?.toString() ?? '',
    foundedAt: org.foundedAt ? fromDate(org.foundedAt) : '',
    hasTerritorialRights: org.hasTerritorialRights ? 'on' : '',
    version: String(org.version),
  };
}

export function crumbs(
  ancestors: { id: string; name: string; shortName: string | null; visible: boolean }[],
  org?: OrgRow,
) {
  const list = ancestors.map((a) => ({ name: a.shortName ?? a.name, href: a.visible ? `/orgs/${a.id}` : null }));
  if (org) list.push({ name: org.shortName ?? org.name, href: `/orgs/${org.id}` });
  return list;
}

export const institutionOptions = [
  { value: '', label: '— не указан —' },
  ...Object.entries(INSTITUTION_LABELS).map(([value, label]) => ({ value, label })),
];

/** A placeholder child of a path: the rules of an action on the organisation's children (e.g. accepting their reports). */
const CHILD_PATH = (path: string) => `${path}00000000-0000-0000-0000-000000000000/`;

export interface TodoItem {
  label: string;
  count: number;
  href: string;
}

/**
 * The start page's «Что нужно сделать»: each count shown only to someone who may act on it, each with a link to
 * where it is done. Unread announcements are the actor's own (shown on the organisation they are assigned to).
 */
export function todoItems(ctx: Ctx, org: OrgRow, c: TodoCounts, unreadAnnouncements: number): TodoItem[] {
  const reports = org.kind !== 'PROFBURO' && org.kind !== 'PROFGROUP';
  const items: (TodoItem & { show: boolean })[] = [
    {
      show: reports && ctx.allows('report.fill', org.path),
      label: 'Отчёты, возвращённые на исправление',
      count: c.returned,
      href: c.returnedCampaign ? `/orgs/${org.id}/reports/${c.returnedCampaign}` : `/orgs/${org.id}/reports`,
    },
    {
      show: reports && ctx.allows('report.accept', CHILD_PATH(org.path)),
      label: 'Отчёты входящих организаций ждут приёма',
      count: c.toAccept,
      href: `/orgs/${org.id}/reports`,
    },
    {
      show: ctx.allows('card.forward', org.path),
      label: 'Заказы билетов ждут передачи дальше',
      count: c.orders,
      href: `/orgs/${org.id}/cards`,
    },
    {
      show: abilities(ctx, org).applications,
      label: 'Заявления о вступлении ждут решения',
      count: c.applications,
      href: `/orgs/${org.id}/applications`,
    },
    {
      show: ctx.allows('member.transfer', org.path),
      label: 'Запросы на перевод ждут решения',
      count: c.transfers,
      href: '/transfer-requests',
    },
    {
      show: ctx.actor.assignments.some((a) => a.organisationId === org.id),
      label: 'Непрочитанные объявления',
      count: unreadAnnouncements,
      href: '/announcements?unread=1',
    },
  ];
  return items.filter((i) => i.show && i.count > 0).map(({ label, count, href }) => ({ label, count, href }));
}

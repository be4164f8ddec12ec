import type { InstitutionType, OrgKind } from '../../generated/prisma/enums';

/** What differs between organisation levels, so that one template serves them all. */
export interface LevelDescriptor {
  kind: OrgKind;
  label: string;
  childLabel: string;
  /** Kinds that may be created directly under this one. */
  childKinds: OrgKind[];
  /** Members are registered here (primary organisations and their sub-units). */
  holdsMembers: boolean;
}

export const LEVELS: Record<OrgKind, LevelDescriptor> = {
  CENTRAL: {
    kind: 'CENTRAL',
    label: 'Центральный Совет Профсоюза',
    childLabel: 'Региональные организации',
    childKinds: ['REGIONAL'],
    holdsMembers: false,
  },
  REGIONAL: {
    kind: 'REGIONAL',
    label: 'Региональная организация',
    childLabel: 'Территориальные и первичные организации',
    childKinds: ['TERRITORIAL', 'PRIMARY'],
    holdsMembers: false,
  },
  TERRITORIAL: {
    kind: 'TERRITORIAL',
    label: 'Территориальная организация',
    childLabel: 'Организации',
    childKinds: ['TERRITORIAL', 'PRIMARY'],
    holdsMembers: false,
  },
  PRIMARY: {
    kind: 'PRIMARY',
    label: 'Первичная профсоюзная организация',
    childLabel: 'Профбюро и профгруппы',
    childKinds: ['PROFBURO', 'PROFGROUP'],
    holdsMembers: true,
  },
  PROFBURO: {
    kind: 'PROFBURO',
    label: 'Профбюро',
    childLabel: 'Профбюро и профгруппы',
    childKinds: ['PROFBURO', 'PROFGROUP'],
    holdsMembers: true,
  },
  PROFGROUP: { kind: 'PROFGROUP', label: 'Профгруппа', childLabel: '', childKinds: [], holdsMembers: true },
};

export const KIND_LABELS: Record<OrgKind, string> = {
  CENTRAL: 'Центральный Совет',
  REGIONAL: 'Региональная',
  TERRITORIAL: 'Территориальная',
  PRIMARY: 'Первичная (ППО)',
  PROFBURO: 'Профбюро',
  PROFGROUP: 'Профгруппа',
};

export const INSTITUTION_LABELS: Record<InstitutionType, string> = {
  DOO: 'ДОО (детский сад)',
  OO: 'ОО (школа)',
  UDO: 'УДО (доп. образование)',
  POO: 'ПОО (колледж)',
  OOVO: 'ООВО (вуз)',
  SCIENCE: 'Научная организация',
  AUTHORITY: 'Орган управления образованием',
  OTHER: 'Прочие',
};

/** A kind must fit its parent (SPEC "Организации"); a ППО with territorial rights may hold ППО-like sub-units. */
export function kindFitsParent(kind: OrgKind, parent: { kind: OrgKind; hasTerritorialRights: boolean }): boolean {
  if (kind === 'PRIMARY' && parent.kind === 'PRIMARY') return parent.hasTerritorialRights;
  return LEVELS[parent.kind].childKinds.includes(kind);
}

export function childKindsOf(parent: { kind: OrgKind; hasTerritorialRights: boolean }): OrgKind[] {
  const kinds = [...LEVELS[parent.kind].childKinds];
  if (parent.kind === 'PRIMARY' && parent.hasTerritorialRights) kinds.unshift('PRIMARY');
  return kinds;
}

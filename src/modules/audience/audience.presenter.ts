import type { OrgKind, Role } from '../../generated/prisma/enums';
import { ROLE_LABELS } from '../../policy/rules';
import { KIND_LABELS, LEVELS } from '../organisations/levels';
import { ORG_KINDS, ROLES } from './audience.input';

/** Roles an audience may name (the central administrator is not an audience). */
const AUDIENCE_ROLES: Role[] = ROLES.filter((r) => r !== 'ADMIN');

/** Kinds that exist below (or at) an organisation of this kind. */
function kindsUnder(kind: OrgKind): OrgKind[] {
  const out = new Set<OrgKind>([kind]);
  const walk = (k: OrgKind) => {
    for (const c of LEVELS[k].childKinds)
      if (!out.has(c)) {
        out.add(c);
        walk(c);
      }
  };
  walk(kind);
  return ORG_KINDS.filter((k) => out.has(k));
}

export interface AudienceFormModel {
  kinds: { value: string; label: string; checked: boolean }[];
  roles: { value: string; label: string; checked: boolean }[];
  children: { id: string; name: string; checked: boolean }[];
  members: { allowed: boolean; checked: boolean };
  errors: Record<string, string>;
}

function asList(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/**
 * The view-model of views/partials/audience-fields.ejs: what was typed (form fields audienceKinds,
 * audienceRoles, audienceOrgIds, audienceMembers) shown back, with the field errors of audienceInput
 * (keys kinds, roles, orgIds, members).
 */
export function audienceForm(
  publisher: { kind: OrgKind },
  children: { id: string; name: string; shortName: string | null }[],
  values: Record<string, unknown>,
  errors: Record<string, string>,
  o: { members?: boolean } = {},
): AudienceFormModel {
  const kinds = asList(values.audienceKinds);
  const roles = asList(values.audienceRoles);
  const orgIds = asList(values.audienceOrgIds);
  const pick = (k: string) => errors[k] ?? errors[`audience.${k}`];
  return {
    kinds: kindsUnder(publisher.kind).map((k) => ({ value: k, label: KIND_LABELS[k], checked: kinds.includes(k) })),
    roles: AUDIENCE_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r], checked: roles.includes(r) })),
    children: children.map((c) => ({ id: c.id, name: c.shortName ?? c.name, checked: orgIds.includes(c.id) })),
    members: { allowed: o.members ?? false, checked: ['on', 'true', '1'].includes(String(values.audienceMembers)) },
    errors: Object.fromEntries(
      ['kinds', 'roles', 'orgIds', 'members'].map((k) => [k, pick(k)]).filter(([, v]) => v),
    ) as Record<string, string>,
  };
}

/** A one-line Russian description of an audience, for lists and the item's page. */
export function describeAudience(a: { kinds: OrgKind[]; roles: Role[]; orgIds: string[]; members: boolean }): string {
  if (a.members) {
    const where = a.kinds.length ? ` (${a.kinds.map((k) => KIND_LABELS[k]).join(', ')})` : '';
    return `Члены Профсоюза${where}${a.orgIds.length ? `, выбранных организаций: ${a.orgIds.length}` : ''}`;
  }
  const who = a.roles.length ? a.roles.map((r) => ROLE_LABELS[r]).join(', ') : 'Все пользователи';
  const kinds = a.kinds.length ? `; организации: ${a.kinds.map((k) => KIND_LABELS[k]).join(', ')}` : '';
  const orgs = a.orgIds.length ? `; выбранных организаций: ${a.orgIds.length}` : '';
  return `${who}${kinds}${orgs}`;
}

/** What the users' pages share: the default organisation, the choices on the forms, the roles as shown. */
import type { Ctx } from '../../http/route';
import { scopePaths, type Actor } from '../../policy/actor';
import { ROLE_LABELS } from '../../policy/rules';
import type { Role } from '../../generated/prisma/client';
import { rootsOf, searchVisible, type OrgRow } from '../organisations/organisations.repo';
import { ROLES } from './users.input';

export async function defaultManageOrg(actor: Actor): Promise<OrgRow | null> {
  const paths = scopePaths(actor, 'user.manage');
  if (paths === 'all' || !paths.length) return null;
  return (await rootsOf(actor)).find((r) => paths.includes(r.path)) ?? null;
}

export async function orgOptions(ctx: Ctx, q = '') {
  const orgs = (await searchVisible(ctx.actor, q, undefined, 300)).filter((o) => ctx.allows('user.manage', o.path));
  return [{ value: '', label: '— выберите —' }, ...orgs.map((o) => ({ value: o.id, label: o.shortName ?? o.name }))];
}

export const roleOptions = (actor: Actor) => [
  { value: '', label: '— выберите —' },
  ...ROLES.filter((r) => r !== 'ADMIN' || actor.assignments.some((a) => a.role === 'ADMIN')).map((r) => ({
    value: r,
    label: ROLE_LABELS[r],
  })),
];

export function presentRoles(
  roles: {
    id: string;
    role: Role;
    startsOn: Date;
    endsOn: Date | null;
    organisation: { id: string; name: string; shortName: string | null };
  }[],
  t: string,
) {
  return roles.map((r) => ({
    id: r.id,
    role: ROLE_LABELS[r.role],
    org: r.organisation.shortName ?? r.organisation.name,
    orgId: r.organisation.id,
    startsOn: r.startsOn,
    endsOn: r.endsOn,
    active: r.startsOn.toISOString().slice(0, 10) <= t && (!r.endsOn || r.endsOn.toISOString().slice(0, 10) >= t),
  }));
}

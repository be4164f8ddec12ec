import type { OrgKind, Role } from '../generated/prisma/enums';
import { CONDITIONS, RULES, type Action } from './rules';

export interface Assignment {
  id: string;
  role: Role;
  organisationId: string;
  orgPath: string;
  orgKind: OrgKind;
  orgName: string;
}

export interface Actor {
  /** 'member': a union member on their own pages (/me, /api/v1/member): no assignments, so no chair right at all. */
  kind: 'user' | 'system' | 'member';
  userId: string | null;
  login: string;
  fullName: string;
  ndaAcceptedAt: Date | null;
  /** Assignments in force today. */
  assignments: Assignment[];
  via: 'session' | 'token' | 'system';
  /** The member's own person, for kind 'member' only. */
  personId?: string;
}

export const SYSTEM_ACTOR: Actor = {
  kind: 'system',
  userId: null,
  login: 'system',
  fullName: 'Система',
  ndaAcceptedAt: new Date(0),
  assignments: [],
  via: 'system',
};

/** The actor an audit row names when only the user id is known yet (at login, at token issue). */
export function userActor(userId: string, via: Actor['via']): Actor {
  return { kind: 'user', userId, login: '', fullName: '', ndaAcceptedAt: null, assignments: [], via };
}

export type Decision = 'allow' | 'forbidden' | 'not_found';

/** The verdict for an action on an organisation given by its materialised path. */
export function decide(actor: Actor, action: Action, orgPath: string): Decision {
  if (actor.kind === 'system') return 'allow';
  if (actor.kind === 'member') return 'not_found';
  const covering = actor.assignments.filter((a) => orgPath.startsWith(a.orgPath));
  if (covering.length === 0) return 'not_found';
  for (const a of covering) {
    if (!RULES[a.role].has(action)) continue;
    const cond = CONDITIONS[action];
    if (cond && !cond({ atRoot: a.orgPath === orgPath })) continue;
    return 'allow';
  }
  return 'forbidden';
}

export function can(actor: Actor, action: Action, orgPath: string): boolean {
  return decide(actor, action, orgPath) === 'allow';
}

/** Path prefixes the actor may read for `action`: the scope every repo query adds. */
export function scopePaths(actor: Actor, action: Action): string[] | 'all' {
  if (actor.kind === 'system') return 'all';
  const paths = actor.assignments.filter((a) => RULES[a.role].has(action)).map((a) => a.orgPath);
  // Drop paths already covered by a shorter one.
  return paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
}

/** Paths the actor can see at all (any assignment): outside them everything is 404. */
export function visiblePaths(actor: Actor): string[] {
  const paths = actor.assignments.map((a) => a.orgPath);
  return paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
}

export function isVisible(actor: Actor, orgPath: string): boolean {
  return actor.kind === 'system' || actor.assignments.some((a) => orgPath.startsWith(a.orgPath));
}

export function isAdmin(actor: Actor): boolean {
  return actor.assignments.some((a) => a.role === 'ADMIN');
}

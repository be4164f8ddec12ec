import { z } from 'zod';
import type { OrgKind, Role } from '../../generated/prisma/enums';

/**
 * Who an announcement, a document or a survey is for, inside the publishing organisation's subtree
 * (the organisation itself included): users holding one of `roles` (all when empty) at organisations of one
 * of `kinds` (all when empty) under one of `orgIds` (the whole subtree when empty). `members: true` addresses
 * the members of the union themselves (news on the member's page) instead of users; roles are then ignored.
 */
export interface Audience {
  kinds: OrgKind[];
  roles: Role[];
  orgIds: string[];
  members: boolean;
}

export const ORG_KINDS = ['CENTRAL', 'REGIONAL', 'TERRITORIAL', 'PRIMARY', 'PROFBURO', 'PROFGROUP'] as const;
export const ROLES = ['ADMIN', 'CHAIR', 'REGISTRAR', 'SUBUNIT_CHAIR', 'VIEWER'] as const;

/** A form sends one value as a string and several as an array; an absent field is an empty list. */
const list = <T extends z.ZodTypeAny>(item: T, max: number, tooMany: string) =>
  z.preprocess(
    (v): unknown[] =>
      v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v.filter((x: unknown) => x !== '') : [v],
    z.array(item).max(max, { message: tooMany }),
  );

export const audienceInput = z
  .object({
    kinds: list(
      z.enum(ORG_KINDS, { message: `Вид организации: одно из ${ORG_KINDS.join(', ')}` }),
      ORG_KINDS.length,
      'Слишком много видов организаций',
    ).optional(),
    roles: list(
      z.enum(ROLES, { message: `Роль: одно из ${ROLES.join(', ')}` }),
      ROLES.length,
      'Слишком много ролей',
    ).optional(),
    orgIds: list(
      z.string().uuid({ message: 'Неверный идентификатор организации' }),
      500,
      'Не больше 500 организаций',
    ).optional(),
    members: z
      .preprocess((v) => (v === 'on' || v === 'true' || v === '1' ? true : v === '' ? false : v), z.boolean())
      .optional(),
  })
  .strict()
  // Roles select users; members hold none, so a members' audience ignores them (API.md does not forbid the pair).
  .transform((a): Audience => ({
    kinds: [...new Set(a.kinds ?? [])],
    roles: a.members ? [] : [...new Set(a.roles ?? [])],
    orgIds: [...new Set(a.orgIds ?? [])],
    members: a.members ?? false,
  }));

export type AudienceInput = z.input<typeof audienceInput>;

/** The form's fields (audienceKinds, audienceRoles, audienceOrgIds, audienceMembers) as an audience object. */
export function audienceFromForm(body: Record<string, unknown>): Record<string, unknown> {
  return {
    kinds: body.audienceKinds,
    roles: body.audienceRoles,
    orgIds: body.audienceOrgIds,
    members: body.audienceMembers === undefined ? undefined : body.audienceMembers,
  };
}

/** The audience as stored on an item (columns audienceKinds, audienceRoles, audienceOrgIds, audienceMembers). */
export function audienceColumns(a: Audience) {
  return {
    audienceKinds: a.kinds,
    audienceRoles: a.roles,
    audienceOrgIds: a.orgIds,
    audienceMembers: a.members,
  };
}

export function audienceOf(row: {
  audienceKinds: OrgKind[];
  audienceRoles: Role[];
  audienceOrgIds: string[];
  audienceMembers: boolean;
}): Audience {
  return {
    kinds: row.audienceKinds,
    roles: row.audienceRoles,
    orgIds: row.audienceOrgIds,
    members: row.audienceMembers,
  };
}

/** Rounded half up to one decimal, exactly (integer arithmetic); 0 when nobody is addressed. */
export function percentOf(done: number, addressed: number): number {
  if (addressed <= 0) return 0;
  return Math.floor((2000 * done + addressed) / (2 * addressed)) / 10;
}

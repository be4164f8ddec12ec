/**
 * The audience of library documents and surveys from form or multipart fields (the shared audience input): parsing the form or
 * multipart fields, and "visible to the actor" = addressed to them now, or within what they may publish.
 */
import { fieldErrors } from '../../http/errors';
import { Prisma } from '../../generated/prisma/client';
import type { Actor } from '../../policy/actor';
import { scopePaths } from '../../policy/actor';
import type { Action } from '../../policy/rules';
import { audienceFromForm, audienceInput, type Audience } from './audience.input';
import { audienceOrgsError } from './audience.repo';
import { audienceVisibleSql } from './audience.sql';

/** Multipart API fields come as "A,B" comma lists; form checkboxes as repeated fields. */
function splitLists(body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  for (const k of ['audienceKinds', 'audienceRoles', 'audienceOrgIds']) {
    const v = out[k];
    if (typeof v === 'string')
      out[k] = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  }
  return out;
}

/**
 * The audience of a library document or a survey from form/multipart fields: users only (members are not
 * addressed by documents and surveys); chosen organisations must lie in the publisher's subtree.
 * Errors come keyed by the form's field names.
 */
export async function audienceFromFields(
  body: Record<string, unknown>,
  publisher: { path: string },
): Promise<{ audience: Audience } | { errors: Record<string, string> }> {
  const parsed = audienceInput.safeParse(audienceFromForm(splitLists(body)));
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const [k, v] of Object.entries(fieldErrors(parsed.error)))
      errors[`audience${k.charAt(0).toUpperCase()}${k.slice(1).split('.')[0]}`] = v;
    return { errors };
  }
  if (parsed.data.members) return { errors: { audienceMembers: 'Адресуется пользователям, а не членам Профсоюза' } };
  const orgs = await audienceOrgsError(publisher, parsed.data);
  if (orgs) return { errors: { audienceOrgIds: orgs } };
  return { audience: parsed.data };
}

/**
 * Items (alias `d`, publisher joined as `o`) the actor may see: addressed to them now (the audience's SQL), or
 * published within the subtree where they hold the publishing action (they see what is there, and its figures).
 */
export function visibleSql(actor: Actor, publish: Action, alias = 'd'): Prisma.Sql {
  if (actor.kind === 'system') return Prisma.sql`true`;
  const scope = scopePaths(actor, publish);
  const publisher =
    scope === 'all'
      ? Prisma.sql`true`
      : scope.length
        ? Prisma.join(
            scope.map((p) => Prisma.sql`o.path LIKE ${p} || '%'`),
            ' OR ',
          )
        : Prisma.sql`false`;
  return Prisma.sql`(${audienceVisibleSql(alias, actor)} OR ${publisher})`;
}

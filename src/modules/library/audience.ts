/**
 * INTERIM adapter between the library/surveys and the shared audience module (src/modules/audience, branch h9a).
 * Until that module lands: an audience is {kinds?, roles?, orgIds?, members?}; the addressed users are counted
 * live from the role assignments; "visible" = published at or above one of the actor's organisations, or within
 * what the actor may publish. Replaced by the audience module's functions when it is merged.
 */
import type { Tx } from '../../db';
import { Prisma } from '../../generated/prisma/client';
import type { OrgKind, Role } from '../../generated/prisma/enums';
import type { Actor } from '../../policy/actor';
import { scopePaths } from '../../policy/actor';
import type { Action } from '../../policy/rules';

export interface AudienceValue {
  kinds?: OrgKind[];
  roles?: Role[];
  orgIds?: string[];
  members?: boolean;
}

const KINDS: OrgKind[] = ['CENTRAL', 'REGIONAL', 'TERRITORIAL', 'PRIMARY', 'PROFBURO', 'PROFGROUP'];

/** `audienceKinds` as a comma list (API multipart, form checkboxes). */
export function audienceFromKinds(raw: unknown): AudienceValue | { error: string } {
  const list = (Array.isArray(raw) ? raw.map((v) => String(v)) : typeof raw === 'string' ? raw.split(',') : [])
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const bad = list.filter((k) => !KINDS.includes(k as OrgKind));
  if (bad.length) return { error: `Неизвестный вид организации: ${bad.join(', ')}` };
  return list.length ? { kinds: [...new Set(list)] as OrgKind[] } : {};
}

/** The users the audience holds now, frozen as the count `addressed`. */
export async function publishAudience(
  tx: Tx,
  _subject: { kind: 'DOCUMENT' | 'SURVEY'; id: string },
  org: { path: string },
  a: AudienceValue,
): Promise<number> {
  const r = await tx.$queryRaw<{ n: bigint }[]>`
    SELECT count(DISTINCT ra."userId") AS n FROM "RoleAssignment" ra JOIN "Organisation" o ON o.id = ra."organisationId"
    WHERE o.path LIKE ${org.path} || '%' AND ra."startsOn" <= current_date AND (ra."endsOn" IS NULL OR ra."endsOn" >= current_date)
      ${a.kinds?.length ? Prisma.sql`AND o.kind::text = ANY(${a.kinds}::text[])` : Prisma.empty}
      ${a.roles?.length ? Prisma.sql`AND ra.role::text = ANY(${a.roles}::text[])` : Prisma.empty}`;
  return Number(r[0].n);
}

/** Every ancestor path (itself included) of the actor's organisations. */
function ancestorPaths(actor: Actor): string[] {
  const out = new Set<string>();
  for (const a of actor.assignments) {
    const parts = a.orgPath.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) out.add(`/${parts.slice(0, i).join('/')}/`);
  }
  return [...out];
}

/** Condition on `o` (the publishing organisation): addressed to the actor, or within the actor's publishing scope. */
export function visibleSql(actor: Actor, publish: Action): Prisma.Sql {
  if (actor.kind === 'system') return Prisma.sql`true`;
  const scope = scopePaths(actor, publish);
  const paths = ancestorPaths(actor);
  const publisher =
    scope === 'all'
      ? Prisma.sql`true`
      : scope.length
        ? Prisma.join(
            scope.map((p) => Prisma.sql`o.path LIKE ${p} || '%'`),
            ' OR ',
          )
        : Prisma.sql`false`;
  return Prisma.sql`(o.path = ANY(${paths}::text[]) OR ${publisher})`;
}

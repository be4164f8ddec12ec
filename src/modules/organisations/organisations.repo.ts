import crypto from 'node:crypto';
import { db, prepared, sqlPool, type Tx } from '../../db';
import { Prisma, type OrgKind } from '../../generated/prisma/client';
import { nameKey } from '../../lib/names';
import { toDate } from '../../lib/dates';
import { isUuid } from '../../lib/ids';
import { isVisible, visiblePaths, type Actor } from '../../policy/actor';
import type { PassportInput } from './organisations.input';

export type OrgRow = Prisma.OrganisationGetPayload<object>;

/** Ids along a materialised path, root first. */
export function pathIds(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** SQL: the ids along the materialised path in `column` (the organisation and everything above it), as uuid rows. */
export function pathIdsSql(column: string): Prisma.Sql {
  return Prisma.raw(`unnest(string_to_array(trim(both '/' from ${column}), '/')::uuid[])`);
}

/**
 * SQL: the registrations valid on `asOf` in the subtree at `path`, counted per organisation (one row per
 * organisation with its path and the given `counts` over r); an index-only pass over Registration_asof_idx.
 */
export function perOrgSql(path: string, asOf: string, counts: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT o.path, ${counts} FROM "Organisation" o JOIN "Registration" r ON r."organisationId" = o.id
    WHERE o.path LIKE ${path} || '%' AND r."validFrom" <= ${asOf}::date AND (r."validTo" IS NULL OR r."validTo" > ${asOf}::date)
    GROUP BY o.id`;
}

/** The organisation's children that existed on the date (also those excluded since), by name. */
export async function childrenOn(orgId: string, asOf: string) {
  const { rows } = await sqlPool().query<{ id: string; name: string; shortName: string | null; kind: OrgKind }>(
    `SELECT id, name, "shortName", kind::text AS kind FROM "Organisation"
     WHERE "parentId" = $1::uuid AND (status = 'ACTIVE' OR "excludedAt" > $2::date) ORDER BY "nameKey"`,
    [orgId, asOf],
  );
  return rows;
}

/**
 * Every column of Organisation as the ORM types it (enums as text, dates as UTC instants): read on nearly every
 * page, so in plain SQL (an ORM query costs its compilation each time; see docs/SCALING.md).
 */
const ORG_COLUMNS = `id, kind::text AS kind, "parentId", path, "unitId", depth, name, "shortName", "nameKey",
    "hasTerritorialRights", "virtualCardsAtOnce", "institutionName", "institutionInn",
    "institutionType"::text AS "institutionType", address, phone, email, "employeesCount", "studentsCount",
    "foundedAt"::timestamp AT TIME ZONE 'UTC' AS "foundedAt", status::text AS status,
    "excludedAt"::timestamp AT TIME ZONE 'UTC' AS "excludedAt", "excludedReason", version,
    "createdAt" AT TIME ZONE 'UTC' AS "createdAt", "updatedAt" AT TIME ZONE 'UTC' AS "updatedAt"`;
const ORG_ROW_SQL = `SELECT ${ORG_COLUMNS} FROM "Organisation" WHERE id = $1::uuid`;
/** A page of an organisation's children by name ($2: the excluded too), with their count. */
const CHILDREN_SQL = `SELECT ${ORG_COLUMNS}, count(*) OVER ()::int AS total FROM "Organisation"
  WHERE "parentId" = $1::uuid AND ($2 OR status = 'ACTIVE') ORDER BY "nameKey", id LIMIT $3::int OFFSET $4::int`;

/** The organisation if the actor may see it at all; otherwise null (the caller answers 404). */
export async function findVisible(actor: Actor, id: string): Promise<OrgRow | null> {
  if (!isUuid(id)) return null;
  const org = (await sqlPool().query<OrgRow>(prepared(ORG_ROW_SQL, [id]))).rows[0];
  return org && isVisible(actor, org.path) ? org : null;
}

const ORGS_BY_ID_SQL = `SELECT id, name, "shortName", path, kind::text AS kind, "parentId" FROM "Organisation"
  WHERE id = ANY($1::uuid[])`;

/** Organisations by id (names, paths, kinds), for lists that mention several. */
export async function orgsById(ids: string[]) {
  const unique = [...new Set(ids)].filter(isUuid);
  if (!unique.length) return new Map<string, OrgBrief>();
  const { rows } = await sqlPool().query<OrgBrief>(prepared(ORGS_BY_ID_SQL, [unique]));
  return new Map(rows.map((r) => [r.id, r]));
}
export interface OrgBrief {
  id: string;
  name: string;
  shortName: string | null;
  path: string;
  kind: OrgKind;
  parentId: string | null;
}

/** Ancestors (root first) with a flag telling whether the actor may open each. */
export async function ancestors(actor: Actor, org: Pick<OrgRow, 'path'>) {
  const ids = pathIds(org.path).slice(0, -1);
  if (!ids.length) return [];
  return ancestorsFrom(actor, org, await orgsById(ids));
}

/** The same from organisations already read (orgsById with at least the path's ids): one query less on a page. */
export function ancestorsFrom(actor: Actor, org: Pick<OrgRow, 'path'>, byId: Map<string, OrgBrief>) {
  const ids = pathIds(org.path).slice(0, -1);
  return ids
    .map((id) => byId.get(id)!)
    .filter(Boolean)
    .map((r) => ({
      id: r.id,
      name: r.name,
      shortName: r.shortName,
      kind: r.kind,
      path: r.path,
      visible: isVisible(actor, r.path),
    }));
}

export async function childrenPage(
  actor: Actor,
  parent: OrgRow,
  opts: { page: number; pageSize: number; includeExcluded?: boolean },
) {
  if (!isVisible(actor, parent.path)) return { items: [], total: 0 };
  const all = !!opts.includeExcluded;
  const { rows } = await sqlPool().query<OrgRow & { total?: number }>(
    prepared(CHILDREN_SQL, [parent.id, all, opts.pageSize, (opts.page - 1) * opts.pageSize]),
  );
  // Past the last page the window has no row to carry the count: count apart (rare).
  const total =
    rows[0]?.total ??
    (opts.page > 1
      ? (
          await sqlPool().query<{ n: number }>(
            `SELECT count(*)::int AS n FROM "Organisation" WHERE "parentId" = $1::uuid AND ($2 OR status = 'ACTIVE')`,
            [parent.id, all],
          )
        ).rows[0].n
      : 0);
  const items = rows.map(({ total: _t, ...o }) => o);
  return { items, total };
}

/** Organisations the actor's assignments sit at: their starting points in the tree. */
export async function rootsOf(actor: Actor) {
  const paths = visiblePaths(actor);
  if (!paths.length) return [];
  return db().organisation.findMany({ where: { path: { in: paths } }, orderBy: { nameKey: 'asc' } });
}

/** Search by name within the actor's visible subtree (for pickers: transfer target, role assignment). */
/**
 * The active organisations on the line of `path` that the actor may see: its ancestors and its own subtree, by
 * name (the organisations a member's position may be held in). One plain statement.
 */
export async function lineVisible(actor: Actor, path: string, take = 200) {
  const { rows } = await sqlPool().query<{ id: string; name: string; shortName: string | null; path: string }>(
    `SELECT id, name, "shortName", path FROM "Organisation"
     WHERE status = 'ACTIVE' AND (id = ANY($1::uuid[]) OR path LIKE $2 || '%')
     ORDER BY "nameKey" LIMIT $3::int`,
    [pathIds(path), path, take],
  );
  return rows.filter((o) => isVisible(actor, o.path));
}

export async function searchVisible(actor: Actor, q: string, kinds: OrgKind[] | undefined, take = 20) {
  const paths = visiblePaths(actor);
  if (!paths.length) return [];
  return db().organisation.findMany({
    where: {
      status: 'ACTIVE',
      OR: paths.map((p) => ({ path: { startsWith: p } })),
      ...(kinds ? { kind: { in: kinds } } : {}),
      ...(q ? { nameKey: { contains: nameKey(q) } } : {}),
    },
    orderBy: { nameKey: 'asc' },
    take,
  });
}

function passportData(input: PassportInput) {
  return {
    name: input.name,
    shortName: input.shortName ?? null,
    nameKey: nameKey(input.shortName ?? input.name),
    institutionName: input.institutionName ?? null,
    institutionInn: input.institutionInn ?? null,
    institutionType: input.institutionType ?? null,
    address: input.address ?? null,
    phone: input.phone ?? null,
    email: input.email ?? null,
    employeesCount: input.employeesCount ?? null,
    studentsCount: input.studentsCount ?? null,
    foundedAt: input.foundedAt ? toDate(input.foundedAt) : null,
    hasTerritorialRights: input.hasTerritorialRights ?? false,
  };
}

export async function insertChild(
  tx: Tx,
  parent: { id: string; path: string; depth: number } | null,
  kind: OrgKind,
  input: PassportInput,
) {
  const id = crypto.randomUUID();
  return tx.organisation.create({
    data: {
      id,
      kind,
      parentId: parent?.id ?? null,
      path: `${parent?.path ?? '/'}${id}/`,
      depth: (parent?.depth ?? -1) + 1,
      ...passportData(input),
    },
  });
}

/** Optimistic update: false when the version moved on. */
export async function updatePassport(tx: Tx, id: string, version: number, input: PassportInput): Promise<boolean> {
  const r = await tx.organisation.updateMany({
    where: { id, version },
    data: { ...passportData(input), version: { increment: 1 } },
  });
  return r.count === 1;
}

export async function markExcluded(tx: Tx, id: string, date: string, reason: string) {
  await tx.organisation.update({
    where: { id },
    data: { status: 'EXCLUDED', excludedAt: toDate(date), excludedReason: reason, version: { increment: 1 } },
  });
}

export async function activeContent(tx: Tx, org: OrgRow) {
  const [children, members] = await Promise.all([
    tx.organisation.count({ where: { parentId: org.id, status: 'ACTIVE' } }),
    tx.member.count({ where: { status: 'ACTIVE', organisation: { path: { startsWith: org.path } } } }),
  ]);
  return { children, members };
}

export async function memberCountsByOrg(ids: string[], asOf: string): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const rows = await db().$queryRaw<{ id: string; n: bigint }[]>`
    SELECT c.id::text AS id, count(r.id) AS n
    FROM "Organisation" c
    JOIN "Organisation" o ON o.path LIKE c.path || '%'
    JOIN "Registration" r ON r."organisationId" = o.id
    WHERE c.id = ANY(${ids}::uuid[]) AND r."validFrom" <= ${asOf}::date AND (r."validTo" IS NULL OR r."validTo" > ${asOf}::date)
    GROUP BY c.id`;
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

// The member list: one page of the members registered in a subtree on a date, searched, filtered and sorted.
import { prepared, readPool, sqlPool, sqlRows } from '../../db';
import type { Category } from '../../generated/prisma/client';
import { Prisma } from '../../generated/prisma/client';
import { orgCountsSql } from '../organisations/counts.sql';
import { readSnapshot, snapshotApplies } from '../organisations/snapshots';
import type { Summary } from '../organisations/summary.repo';
import { nameKey } from '../../lib/names';
import type { ListQuery } from './members.input';

/** Above this many registrations in scope, the page is found by walking the sort's index rather than sorting them all. */
const WALK_FROM = 100_000;
/**
 * Sorted by name, the walk reads about (offset + page size) × (all registrations / those in scope) rows before it
 * has the page; up to this many it beats sorting the scope (a region of 50,000 in a union of 4 million: 4,000 rows).
 */
const WALK_ROWS = 20_000;
/** The same for a territorial or primary organisation's list by name, its scope checked inside the name index. */
const WALK_ROWS_SCOPED = 40_000;

const ASC = Prisma.sql`ASC`;
const DESC = Prisma.sql`DESC`;

/** The upper bound of a prefix range: the prefix with its last character moved one code point on. */
function prefixEnd(prefix: string): string {
  const last = prefix.codePointAt(prefix.length - 1)!;
  return prefix.slice(0, -1) + String.fromCodePoint(last + 1);
}

/** Whether the subtree at `path` is the whole registry (the only root): then a search needs no scope filter. */
async function wholeRegistry(path: string): Promise<boolean> {
  if (path.split('/').length !== 3) return false;
  const roots = await sqlRows<{ path: string }>(
    sqlPool(),
    Prisma.sql`SELECT path FROM "Organisation" WHERE "parentId" IS NULL LIMIT 2`,
  );
  return roots.length === 1 && roots[0].path === path;
}

/** The ids of the organisations of the subtree at `path` (a territorial organisation's: tens to a few hundred). */
async function subtreeIds(path: string): Promise<string[]> {
  const { rows } = await readPool().query<{ id: string }>(
    `SELECT id::text AS id FROM "Organisation" WHERE path LIKE $1 || '%'`,
    [path],
  );
  return rows.map((r) => r.id);
}

/** The planner's estimate of all registrations (the walk's cost scale); null before the first ANALYZE. */
async function registrationsEstimate(): Promise<number | null> {
  const [{ n }] = await sqlRows<{ n: number }>(
    sqlPool(),
    Prisma.sql`
    SELECT reltuples::float8 AS n FROM pg_class WHERE oid = '"Registration"'::regclass`,
  );
  return n > 0 ? n : null;
}

/**
 * Members registered in the subtree at `path` on the date, searched, filtered, sorted and paged: raw SQL for the
 * count and the page of ids (the rows are then loaded by id). Three ways to the page, chosen by cost:
 * - a surname search in a region or the union sorted by name reads one range of the name index on Registration
 *   (the person's name copied by triggers; byte-wise order, exact in any collation) for the page and for the count;
 *   sorted otherwise, it starts from the people with that surname and counts them in the same pass;
 * - a small scope (a school, a territorial organisation) or any other search is filtered first and then sorted;
 * - a large scope (the union; by name also a region) is paged by walking the name (join date, birth date) index in
 *   order, which stops after the page.
 * `walkFrom` (tests) forces the choice between the last two: walk when more than that many are in scope.
 * Everything the user typed is bound as a parameter.
 */
export async function listMembers(path: string, q: ListQuery & { asOf: string }, walkFrom?: number) {
  // Lists and searches may lag a little behind the primary: the replica when there is one (see readPool).
  const search = q.q?.trim();
  const byCard = !!search && /^\d[\d\s]*$/.test(search);
  const cardPrefix = byCard ? search.replace(/\s/g, '') : null;
  const namePrefix = search && !byCard ? nameKey(search).replace(/[^А-ЯA-Z' -]/g, '') : null;
  const regWhere = Prisma.sql`o.path LIKE ${path} || '%' AND r."validFrom" <= ${q.asOf}::date AND (r."validTo" IS NULL OR r."validTo" > ${q.asOf}::date)
    ${q.category ? Prisma.sql`AND r.category = ${q.category}::"Category"` : Prisma.empty}
    ${cardPrefix !== null ? Prisma.sql`AND EXISTS (SELECT 1 FROM "Card" k WHERE k."memberId" = r."memberId" AND k.number LIKE ${cardPrefix} || '%')` : Prisma.empty}`;
  const nameWhere =
    namePrefix === null
      ? Prisma.empty
      : namePrefix === ''
        ? Prisma.sql`AND p."lastNameKey" LIKE '%'`
        : Prisma.sql`AND p."lastNameKey" ~>=~ ${namePrefix} AND p."lastNameKey" ~<~ ${prefixEnd(namePrefix)}
            AND p."lastNameKey" LIKE ${namePrefix} || '%'`;
  // The same name condition on the copy of the name each registration carries (kept by triggers): a search in a
  // school or a territorial organisation filters its registrations without joining the people (the join made
  // the planner start from every person of that surname in the union: ~1 s for «Смирнова»).
  const regNameWhere =
    namePrefix === null
      ? Prisma.empty
      : namePrefix === ''
        ? Prisma.sql`AND r."lastNameKey" LIKE '%'`
        : Prisma.sql`AND r."lastNameKey" COLLATE "C" >= ${namePrefix} AND r."lastNameKey" COLLATE "C" < ${prefixEnd(namePrefix)}`;
  const regFrom = Prisma.sql`"Registration" r JOIN "Organisation" o ON o.id = r."organisationId"`;
  const people = Prisma.sql`JOIN "Member" m ON m.id = r."memberId" JOIN "Person" p ON p.id = m."personId"`;
  const dir = q.sort.startsWith('-') ? DESC : ASC;
  const byName = !q.sort.endsWith('joined') && !q.sort.endsWith('birth');
  const order = q.sort.endsWith('joined')
    ? Prisma.sql`m."joinedAt" ${dir}, p."lastNameKey" ASC, r."memberId" ASC`
    : q.sort.endsWith('birth')
      ? Prisma.sql`p."birthDate" ${dir}, p."lastNameKey" ASC, r."memberId" ASC`
      : Prisma.sql`p."lastNameKey" ${dir}, p."firstName" ${dir}, p."middleName" ${dir}, r."memberId" ASC`;
  const depth = path.split('/').length - 3;
  const limit = Prisma.sql`LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`;
  const count = async () => {
    // The whole list (no search, no card number) of the union or a region: counted without a pass over millions
    // of registrations.
    const wholeList = walkFrom === undefined && namePrefix === null && cardPrefix === null;
    if (wholeList && snapshotApplies({ path }, q.asOf)) {
      // The union today: the dashboard's snapshot has the count (snapshots.ts).
      const snap = await readSnapshot<Summary>({ id: path.split('/')[1] }, 'summary', q.asOf);
      if (snap) return snap.data.members[q.category ?? 'total'];
    }
    if (wholeList && depth <= 2) {
      // The per-organisation counters: equal to counting the registrations valid on the date (counts.sql.ts).
      const column = { WORKING: Prisma.sql`w`, STUDENT: Prisma.sql`s`, PENSIONER: Prisma.sql`p` };
      const [{ n }] = await sqlRows<{ n: string | null }>(
        readPool(),
        Prisma.sql`
        SELECT sum(${q.category ? column[q.category] : Prisma.sql`n`})::bigint AS n FROM (${orgCountsSql(path, q.asOf)}) c`,
      );
      return Number(n ?? 0);
    }
    const [{ n }] = await sqlRows<{ n: string }>(
      readPool(),
      Prisma.sql`SELECT count(*) AS n FROM ${regFrom} WHERE ${regWhere} ${regNameWhere}`,
    );
    return Number(n);
  };
  let total: number;
  let page: { id: string }[];
  if (walkFrom === undefined && namePrefix && depth <= 1 && byName) {
    // One range of the name index on Registration (the copies of the name): scope, date and category are read
    // from the index; the page stops after its rows, the count reads the range once.
    const named = Prisma.sql`FROM "Registration" r
      WHERE r."lastNameKey" COLLATE "C" >= ${namePrefix} AND r."lastNameKey" COLLATE "C" < ${prefixEnd(namePrefix)}
        AND r."validFrom" <= ${q.asOf}::date AND (r."validTo" IS NULL OR r."validTo" > ${q.asOf}::date)
        ${q.category ? Prisma.sql`AND r.category = ${q.category}::"Category"` : Prisma.empty}
        ${(await wholeRegistry(path)) ? Prisma.empty : Prisma.sql`AND r."organisationId" IN (SELECT id FROM "Organisation" WHERE path LIKE ${path} || '%')`}`;
    const [hits, [{ n }]] = await Promise.all([
      sqlRows<{ id: string }>(
        readPool(),
        Prisma.sql`SELECT r.id::text AS id ${named}
        ORDER BY r."lastNameKey" COLLATE "C" ${dir}, r."firstName" COLLATE "C" ${dir}, r."middleName" COLLATE "C" ${dir}, r."memberId" ASC ${limit}`,
      ),
      sqlRows<{ n: string }>(readPool(), Prisma.sql`SELECT count(*) AS n ${named}`),
    ]);
    page = hits;
    total = Number(n);
  } else if (
    walkFrom === undefined &&
    namePrefix === null &&
    cardPrefix === null &&
    byName &&
    (depth >= 2 || dir === ASC)
  ) {
    // The whole list by name, from the name copied onto each registration (no join to the people):
    // - a region or the union: the name index on Registration in order, scope, date and category read from the
    //   index; it stops after the page (a region of 50,000 in 4 million: ~4,000 entries). The scope as a join (the
    //   planner sees its size and walks the index; an id array from a subquery it takes for a few rows and sorts
    //   the whole region instead);
    // - a primary organisation: its registrations on the date sorted (a join by path, as for a region);
    // - a territorial organisation: its organisations' ids as a list. A large one walks the name index
    //   checking the list inside it (the organisation id is in the index): 11,000 members in 4 million ~6 ms, where
    //   the join by path cost a lookup per entry (~90 ms); a small one sorts its registrations (1,500: ~5 ms).
    const dateAndCategory = Prisma.sql`r."validFrom" <= ${q.asOf}::date AND (r."validTo" IS NULL OR r."validTo" > ${q.asOf}::date)
        ${q.category ? Prisma.sql`AND r.category = ${q.category}::"Category"` : Prisma.empty}`;
    const byNameOrder = Prisma.sql`ORDER BY r."lastNameKey" COLLATE "C" ${dir}, r."firstName" COLLATE "C" ${dir},
        r."middleName" COLLATE "C" ${dir}, r."memberId" ${limit}`;
    if (depth === 2) {
      // Walk the index while it reaches the page within WALK_ROWS_SCOPED entries (a large territorial organisation),
      // else sort the scope's registrations (a small one: walking for 1,500 members read ~150,000 entries, 48 ms).
      total = await count();
      const all = total > 0 ? await registrationsEstimate() : null;
      const walk = all !== null && (q.page * q.pageSize * all) / total <= WALK_ROWS_SCOPED;
      const ids = await subtreeIds(path);
      page = !total
        ? []
        : walk
          ? await sqlRows<{ id: string }>(
              readPool(),
              Prisma.sql`SELECT r.id::text AS id FROM "Registration" r
                WHERE r."organisationId" = ANY(${ids}::uuid[]) AND ${dateAndCategory} ${byNameOrder}`,
            )
          : await sqlRows<{ id: string }>(
              readPool(),
              Prisma.sql`WITH r AS MATERIALIZED (SELECT r.id, r."lastNameKey", r."firstName", r."middleName", r."memberId"
                  FROM "Registration" r WHERE r."organisationId" = ANY(${ids}::uuid[]) AND ${dateAndCategory})
                SELECT r.id::text AS id FROM r ${byNameOrder}`,
            );
    } else {
      page = await sqlRows<{ id: string }>(
        readPool(),
        Prisma.sql`SELECT r.id::text AS id FROM ${(await wholeRegistry(path)) ? Prisma.sql`"Registration" r WHERE true` : Prisma.sql`${regFrom} WHERE o.path LIKE ${path} || '%'`}
          AND ${dateAndCategory} ${byNameOrder}`,
      );
      total = await count();
    }
  } else if (walkFrom === undefined && namePrefix && depth <= 1) {
    const hits = await sqlRows<{ id: string; total: string }>(
      readPool(),
      Prisma.sql`
      WITH named AS MATERIALIZED (SELECT p.id, p."lastNameKey", p."firstName", p."middleName", p."birthDate"
        FROM "Person" p WHERE true ${nameWhere})
      SELECT r.id::text AS id, count(*) OVER () AS total
      FROM named p JOIN "Member" m ON m."personId" = p.id JOIN "Registration" r ON r."memberId" = m.id
        JOIN "Organisation" o ON o.id = r."organisationId"
      WHERE ${regWhere} ORDER BY ${order} ${limit}`,
    );
    page = hits;
    total = hits.length ? Number(hits[0].total) : q.page > 1 ? await count() : 0;
  } else {
    total = await count();
    const all = walkFrom === undefined && byName && total > 0 ? await registrationsEstimate() : null;
    const walk =
      walkFrom !== undefined
        ? total > walkFrom
        : all !== null
          ? (q.page * q.pageSize * all) / total <= WALK_ROWS
          : total > WALK_FROM;
    page =
      total === 0
        ? []
        : walk
          ? await sqlRows<{ id: string }>(
              readPool(),
              Prisma.sql`SELECT r.id::text AS id FROM ${regFrom} ${people} WHERE ${regWhere} ${nameWhere} ORDER BY ${order} ${limit}`,
            )
          : await sqlRows<{ id: string }>(
              readPool(),
              Prisma.sql`WITH hit AS MATERIALIZED (SELECT r.id, r."memberId" FROM ${regFrom} WHERE ${regWhere} ${regNameWhere})
        SELECT r.id::text AS id FROM hit r ${people} WHERE true ${nameWhere} ORDER BY ${order} ${limit}`,
            );
  }
  const found = await listedRows(page.map((x) => x.id));
  const byId = new Map(found.map((r) => [r.id, r]));
  return { rows: page.map((x) => byId.get(x.id)).filter((r) => r !== undefined), total };
}

/**
 * A page's rows in one statement (was five ORM queries: registration, organisation, member, person, cards): the
 * columns the list page and the API show, dates as UTC instants as the ORM gives them, the newest card not blocked.
 */
const LISTED_SQL = `SELECT r.id, r."memberId", r."organisationId", r.category::text AS category,
    o.name AS "orgName", o."shortName" AS "orgShortName", m."joinedAt"::timestamp AT TIME ZONE 'UTC' AS "joinedAt",
    p."lastName", p."firstName", p."middleName", p."lastNameKey", p."birthDate"::timestamp AT TIME ZONE 'UTC' AS "birthDate",
    (SELECT c.number FROM "Card" c WHERE c."memberId" = m.id AND c.status <> 'BLOCKED'
      ORDER BY c."createdAt" DESC LIMIT 1) AS card
  FROM "Registration" r JOIN "Organisation" o ON o.id = r."organisationId" JOIN "Member" m ON m.id = r."memberId"
    JOIN "Person" p ON p.id = m."personId"
  WHERE r.id = ANY($1::uuid[])`;

export interface ListedRow {
  id: string;
  memberId: string;
  organisationId: string;
  category: Category;
  organisation: { id: string; name: string; shortName: string | null };
  member: {
    joinedAt: Date;
    person: { lastName: string; firstName: string; middleName: string | null; lastNameKey: string; birthDate: Date };
    cards: { number: string }[];
  };
}

async function listedRows(ids: string[]): Promise<ListedRow[]> {
  if (!ids.length) return [];
  const { rows } = await readPool().query<{
    id: string;
    memberId: string;
    organisationId: string;
    category: Category;
    orgName: string;
    orgShortName: string | null;
    joinedAt: Date;
    lastName: string;
    firstName: string;
    middleName: string | null;
    lastNameKey: string;
    birthDate: Date;
    card: string | null;
  }>(prepared(LISTED_SQL, [ids]));
  return rows.map((r) => ({
    id: r.id,
    memberId: r.memberId,
    organisationId: r.organisationId,
    category: r.category,
    organisation: { id: r.organisationId, name: r.orgName, shortName: r.orgShortName },
    member: {
      joinedAt: r.joinedAt,
      person: {
        lastName: r.lastName,
        firstName: r.firstName,
        middleName: r.middleName,
        lastNameKey: r.lastNameKey,
        birthDate: r.birthDate,
      },
      cards: r.card ? [{ number: r.card }] : [],
    },
  }));
}

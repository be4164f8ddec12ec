import { childrenOn, pathIdsSql } from './organisations.repo';
import { orgCountsSql } from './counts.sql';
import { readDb } from '../../db';
import { readSnapshot, registerSnapshots, snapshotApplies, writeSnapshot } from './snapshots';

export interface CategoryCounts {
  WORKING: number;
  STUDENT: number;
  PENSIONER: number;
  total: number;
}
export interface SummaryRow {
  id: string;
  name: string;
  kind: string;
  members: CategoryCounts;
  primaryOrgs: number;
  primaryOrgsWithoutMembers: number;
}

const zero = (): CategoryCounts => ({ WORKING: 0, STUDENT: 0, PENSIONER: 0, total: 0 });

/**
 * The dashboard's figures for an organisation's subtree as of a date, from the per-organisation counters kept by
 * triggers (counts.sql.ts: no pass over the registrations, whatever the size of the subtree): members by
 * category per child; primary organisations and those with no member registered on the date (in their whole
 * subtree) per child; and, with `emptyList`, the first of those by name. Raw SQL with the subtree bound.
 */
async function liveSummary(org: { id: string; path: string }, asOf: string, opts: { emptyList?: number } = {}) {
  const prefixLen = org.path.length;
  // A dashboard may lag a little: the replica when there is one.
  const rows = await readDb().$queryRaw<
    {
      part: string;
      child: string;
      name: string | null;
      w: bigint | null;
      s: bigint | null;
      p: bigint | null;
      n: bigint | null;
      total: bigint | null;
      empty: bigint | null;
    }[]
  >`
    WITH per_org AS MATERIALIZED (${orgCountsSql(org.path, asOf)}),
    -- Every organisation above (and including) one with members has members in its subtree (the unit alone is not
    -- enough: a university's ППО with territorial rights holds whole primary organisations, each its own unit).
    busy AS (SELECT DISTINCT a AS id FROM per_org CROSS JOIN LATERAL ${pathIdsSql('per_org.path')} AS a),
    prims AS (
      SELECT o.id, o.path, coalesce(o."shortName", o.name) AS name, o."nameKey", o.status, b.id IS NULL AS empty
      FROM "Organisation" o LEFT JOIN busy b ON b.id = o.id
      WHERE o.path LIKE ${org.path} || '%' AND o.kind = 'PRIMARY' AND coalesce(o."foundedAt", o."createdAt"::date) <= ${asOf}::date
        AND (o.status = 'ACTIVE' OR o."excludedAt" > ${asOf}::date))
    SELECT 'm' AS part, split_part(substr(path, ${prefixLen + 1}::int), '/', 1) AS child, NULL AS name, sum(w)::bigint AS w, sum(s)::bigint AS s, sum(p)::bigint AS p, sum(n)::bigint AS n,
           NULL::bigint AS total, NULL::bigint AS empty
    FROM per_org GROUP BY 2
    UNION ALL
    SELECT 'p', split_part(substr(path, ${prefixLen + 1}::int), '/', 1), NULL, NULL, NULL, NULL, NULL, count(*), count(*) FILTER (WHERE empty)
    FROM prims GROUP BY 2
    UNION ALL
    (SELECT 'e', id::text, name, NULL, NULL, NULL, NULL, NULL, NULL FROM prims
     WHERE empty AND status = 'ACTIVE' AND id <> ${org.id}::uuid ORDER BY "nameKey" LIMIT ${opts.emptyList ?? 0})`;
  const children = await childrenOn(org.id, asOf);
  const total = zero();
  const byChild = new Map<string, SummaryRow>(
    children.map((c) => [
      c.id,
      {
        id: c.id,
        name: c.shortName ?? c.name,
        kind: c.kind,
        members: zero(),
        primaryOrgs: 0,
        primaryOrgsWithoutMembers: 0,
      },
    ]),
  );
  let primaryOrgs = 0;
  let primaryOrgsWithoutMembers = 0;
  const emptyList: { id: string; name: string }[] = [];
  for (const r of rows) {
    const c = byChild.get(r.child);
    if (r.part === 'm') {
      const add = { WORKING: Number(r.w), STUDENT: Number(r.s), PENSIONER: Number(r.p), total: Number(r.n) };
      for (const k of Object.keys(add) as (keyof CategoryCounts)[]) {
        total[k] += add[k];
        if (c) c.members[k] += add[k];
      }
    } else if (r.part === 'p') {
      primaryOrgs += Number(r.total);
      primaryOrgsWithoutMembers += Number(r.empty);
      if (c) {
        c.primaryOrgs += Number(r.total);
        c.primaryOrgsWithoutMembers += Number(r.empty);
      }
    } else emptyList.push({ id: r.child, name: r.name ?? '' });
  }
  return {
    members: total,
    primaryOrgs,
    primaryOrgsWithoutMembers,
    children: [...byChild.values()],
    emptyPrimaries: emptyList,
  };
}

export type Summary = Awaited<ReturnType<typeof liveSummary>> & {
  /** When the figures were computed, for a snapshot (the union's dashboard); absent for live figures. */
  snapshotAt?: Date;
};

/** The longest list of organisations without members a snapshot keeps (the dashboard shows 30). */
const SNAPSHOT_EMPTY_LIST = 30;

/** The figures above; the union's for today from the snapshot when there is a usable one (snapshots.ts). */
export async function subtreeSummary(
  org: { id: string; path: string },
  asOf: string,
  opts: { emptyList?: number } = {},
): Promise<Summary> {
  if ((opts.emptyList ?? 0) <= SNAPSHOT_EMPTY_LIST && snapshotApplies(org, asOf)) {
    const snap = await readSnapshot<Summary>(org, 'summary', asOf);
    if (snap)
      return {
        ...snap.data,
        emptyPrimaries: snap.data.emptyPrimaries.slice(0, opts.emptyList ?? 0),
        snapshotAt: snap.at,
      };
  }
  return liveSummary(org, asOf, opts);
}

registerSnapshots(async (org, asOf) =>
  writeSnapshot(org, 'summary', asOf, await liveSummary(org, asOf, { emptyList: SNAPSHOT_EMPTY_LIST })),
);

import { childrenOn } from './organisations.repo';
import { SUBTREE_SUMMARY_SQL } from './summary.sql';
import { readPool, sqlRows } from '../../db';
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
  // A dashboard may lag a little: the replica when there is one.
  // Counts come as text through the plain pool; each is read through Number() below.
  const rows = await sqlRows<{
    part: string;
    child: string;
    name: string | null;
    w: string | null;
    s: string | null;
    p: string | null;
    n: string | null;
    total: string | null;
    empty: string | null;
  }>(readPool(), SUBTREE_SUMMARY_SQL(org, asOf, opts.emptyList ?? 0));
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

import { childrenOn } from '../organisations/organisations.repo';
import { orgCountsSql } from '../organisations/counts.sql';
import { NOT_STARTED_SQL } from './progress.sql';
import { db } from '../../db';
import { readSnapshot, registerSnapshots, snapshotApplies, writeSnapshot } from '../organisations/snapshots';
import { pct } from '../reports/formula';

export interface ProgressRow {
  id: string;
  name: string;
  kind: string;
  members: number;
  plastic: number;
  virtual: number;
  cards: number;
  percent: number;
}

/** Rounded half up to one decimal, from the sums (never averaged): the forms' own rule, 0 for no members. */
export function percent(part: number, whole: number): number {
  return pct(part, whole) ?? 0;
}

/**
 * Card exchange progress as of a date for an organisation and each child, in one pass over the registrations (the
 * covering as-of index with the card periods copied onto each registration): members registered on the date and,
 * of them, those holding a card issued on or before the date and not blocked by then, by form.
 */
async function liveProgress(org: { id: string; path: string }, asOf: string) {
  const prefixLen = org.path.length;
  const rows = await db().$queryRaw<{ child: string; members: bigint; plastic: bigint; virtual: bigint }[]>`
    -- One card per member on any date (the older is blocked before a reissue); a virtual one wins a tie.
    WITH per_org AS (SELECT path, n AS members, plastic, virtual FROM (${orgCountsSql(org.path, asOf)}) c)
    SELECT split_part(substr(path, ${prefixLen + 1}::int), '/', 1) AS child, sum(members)::bigint AS members, sum(plastic)::bigint AS plastic, sum(virtual)::bigint AS virtual
    FROM per_org GROUP BY 1`;
  // The children that existed on the date, also those excluded since.
  const children = await childrenOn(org.id, asOf);
  const by = new Map(rows.map((r) => [r.child, r]));
  const mk = (
    id: string,
    name: string,
    kind: string,
    r?: { members: bigint; plastic: bigint; virtual: bigint },
  ): ProgressRow => {
    const members = Number(r?.members ?? 0);
    const plastic = Number(r?.plastic ?? 0);
    const virtual = Number(r?.virtual ?? 0);
    return {
      id,
      name,
      kind,
      members,
      plastic,
      virtual,
      cards: plastic + virtual,
      percent: percent(plastic + virtual, members),
    };
  };
  const childRows = children.map((c) => mk(c.id, c.shortName ?? c.name, c.kind, by.get(c.id)));
  const own = by.get('');
  const sum = (k: 'members' | 'plastic' | 'virtual') => rows.reduce((s, r) => s + Number(r[k]), 0);
  const members = sum('members');
  const plastic = sum('plastic');
  const virtual = sum('virtual');
  return {
    asOf,
    total: { members, plastic, virtual, cards: plastic + virtual, percent: percent(plastic + virtual, members) },
    children: childRows,
    ownMembers: own ? Number(own.members) : 0,
  };
}

/**
 * Primary organisations with members registered on the date (anywhere in their subtree) but no card ordered or
 * issued at all by then, from the per-organisation counters (counts.sql.ts): an indexed read, not a pass over the
 * registrations and cards.
 */
async function liveNotStarted(org: { path: string }, asOf: string, limit = 100) {
  return db().$queryRaw<{ id: string; name: string; members: bigint }[]>(NOT_STARTED_SQL(org.path, asOf, limit));
}

export type Progress = Awaited<ReturnType<typeof liveProgress>> & { snapshotAt?: Date };

/** The progress above; the union's for today from the snapshot when there is a usable one (snapshots.ts). */
export async function cardProgress(org: { id: string; path: string }, asOf: string): Promise<Progress> {
  if (snapshotApplies(org, asOf)) {
    const snap = await readSnapshot<Progress>(org, 'progress', asOf);
    if (snap) return { ...snap.data, snapshotAt: snap.at };
  }
  return liveProgress(org, asOf);
}

/** The longest "not started" list a snapshot keeps (the progress page shows 100). */
const SNAPSHOT_NOT_STARTED = 100;
type NotStartedRow = { id: string; name: string; members: bigint };

/** The list above; the union's for today from the snapshot when there is a usable one (members kept as text). */
export async function notStarted(
  org: { id: string; path: string },
  asOf: string,
  limit = SNAPSHOT_NOT_STARTED,
): Promise<NotStartedRow[]> {
  if (limit <= SNAPSHOT_NOT_STARTED && snapshotApplies(org, asOf)) {
    const snap = await readSnapshot<{ id: string; name: string; members: string }[]>(org, 'notStarted', asOf);
    if (snap) return snap.data.slice(0, limit).map((r) => ({ ...r, members: BigInt(r.members) }));
  }
  return liveNotStarted(org, asOf, limit);
}

registerSnapshots(async (org, asOf) => {
  await writeSnapshot(org, 'progress', asOf, await liveProgress(org, asOf));
  const rows = await liveNotStarted(org, asOf, SNAPSHOT_NOT_STARTED);
  await writeSnapshot(
    org,
    'notStarted',
    asOf,
    rows.map((r) => ({ ...r, members: String(r.members) })),
  );
});

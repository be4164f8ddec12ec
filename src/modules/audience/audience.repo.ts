import { db, type Tx } from '../../db';
import type { AudienceItem, OrgKind } from '../../generated/prisma/enums';
import { today } from '../../lib/dates';
import { percentOf, type Audience } from './audience.input';
import {
  type ChildFilter,
  countMembersSql,
  freezeNotDoneSql,
  freezeUsersSql,
  notDoneSql,
  rollupSql,
} from './audience.sql';

export interface ItemRef {
  type: AudienceItem;
  id: string;
}

/**
 * The audience's orgIds must lie inside the publisher's subtree (the publisher itself allowed). Returns the
 * field error, or null. Absent and outside organisations get the same answer: nothing about them leaks.
 */
export async function audienceOrgsError(publisher: { path: string }, a: Audience): Promise<string | null> {
  if (!a.orgIds.length) return null;
  const inside = await db().organisation.count({
    where: { id: { in: a.orgIds }, path: { startsWith: publisher.path } },
  });
  return inside === a.orgIds.length ? null : 'Выбранные организации должны входить в структуру публикующей организации';
}

/**
 * Resolves the audience at publication and freezes it for the statistics, inside the caller's transaction:
 * users into AudienceMember (one row each), or for a members-only audience the count of active members.
 * Returns `addressed`.
 */
export async function freezeAudience(tx: Tx, item: ItemRef, publisher: { path: string }, a: Audience): Promise<number> {
  if (a.members) {
    const [row] = await tx.$queryRaw<{ n: number }[]>(countMembersSql(publisher.path, a));
    return row?.n ?? 0;
  }
  return tx.$executeRaw(freezeUsersSql(item, publisher.path, a, today()));
}

/** Freezes, as the audience of `target`, the users of `source` who have not yet read/downloaded/answered it. */
export async function freezeNotDone(tx: Tx, target: ItemRef, source: ItemRef): Promise<number> {
  return tx.$executeRaw(freezeNotDoneSql(target, source));
}

/** Marks the user's part done (read, downloaded, answered) once; a user outside the frozen audience is ignored. */
export async function markDone(tx: Tx, item: ItemRef, userId: string): Promise<void> {
  await tx.audienceMember.updateMany({
    where: { itemType: item.type, itemId: item.id, userId, doneAt: null },
    data: { doneAt: new Date() },
  });
}

export interface RollupChild {
  id: string;
  name: string;
  kind: OrgKind;
  addressed: number;
  done: number;
  percent: number;
}
export interface Rollup {
  addressed: number;
  done: number;
  percent: number;
  /** The publisher's own users (not under any child). */
  own: { addressed: number; done: number; percent: number } | null;
  children: RollupChild[];
}

/** Addressed, done and percent in total and per direct child of the publisher: one SQL aggregate. */
export async function rollup(item: ItemRef): Promise<Rollup> {
  const rows = await db().$queryRaw<
    {
      childId: string | null;
      addressed: number;
      done: number;
      name: string | null;
      shortName: string | null;
      kind: OrgKind | null;
    }[]
  >(rollupSql(item));
  let addressed = 0;
  let done = 0;
  let own: Rollup['own'] = null;
  const children: RollupChild[] = [];
  for (const r of rows) {
    addressed += r.addressed;
    done += r.done;
    const figures = { addressed: r.addressed, done: r.done, percent: percentOf(r.done, r.addressed) };
    if (r.childId === null) own = figures;
    else children.push({ id: r.childId, name: r.shortName ?? r.name ?? '', kind: r.kind as OrgKind, ...figures });
  }
  return { addressed, done, percent: percentOf(done, addressed), own, children };
}

export interface NotDoneRow {
  userId: string;
  fullName: string;
  organisation: { id: string; name: string };
}

/** The users who have not yet done their part, within `withinPath` (the viewer's scope), paged, by name. */
export async function notDone(
  item: ItemRef,
  q: { withinPath: string; child?: ChildFilter; page: number; pageSize: number },
): Promise<{ items: NotDoneRow[]; total: number }> {
  const rows = await db().$queryRaw<
    { userId: string; fullName: string; orgId: string; orgName: string; orgShortName: string | null; total: number }[]
  >(
    notDoneSql(item, {
      withinPath: q.withinPath,
      child: q.child ?? null,
      take: q.pageSize,
      skip: (q.page - 1) * q.pageSize,
    }),
  );
  let total = rows[0]?.total ?? 0;
  if (!rows.length && q.page > 1) {
    // Past the last page: the total still has to be known.
    const again = await notDone(item, { ...q, page: 1, pageSize: 1 });
    total = again.total;
  }
  return {
    total,
    items: rows.map((r) => ({
      userId: r.userId,
      fullName: r.fullName,
      organisation: { id: r.orgId, name: r.orgShortName ?? r.orgName },
    })),
  };
}

/** The direct children of the publisher, for the audience form's list of organisations. */
export async function audienceChildren(publisherId: string) {
  return db().organisation.findMany({
    where: { parentId: publisherId, status: 'ACTIVE' },
    select: { id: true, name: true, shortName: true, kind: true },
    orderBy: [{ nameKey: 'asc' }, { id: 'asc' }],
    take: 1000,
  });
}

import { db, prepared, sqlPool, type Tx } from '../../db';
import { Prisma } from '../../generated/prisma/client';
import { toDate, today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { audienceColumns, type Audience } from '../audience/audience.input';
import { feedSql, memberNewsSql, unreadSql, visibleToUserSql } from './announcements.sql';

export type AnnouncementRow = Prisma.AnnouncementGetPayload<object>;

export async function findAnnouncement(id: string): Promise<AnnouncementRow | null> {
  return db().announcement.findUnique({ where: { id } });
}

/** Whether the user is addressed by the announcement today (the audience evaluated now). */
export async function isVisibleTo(actor: Actor, id: string): Promise<boolean> {
  if (actor.kind !== 'user') return false;
  const rows = await db().$queryRaw<{ one: number }[]>(
    Prisma.sql`SELECT 1 AS one FROM "Announcement" a WHERE a.id = ${id}::uuid AND ${visibleToUserSql(actor, today())}`,
  );
  return rows.length > 0;
}

export interface FeedItem {
  id: string;
  title: string;
  important: boolean;
  publishedAt: Date;
  organisation: { id: string; name: string };
  readAt: Date | null;
}

/** The announcements addressed to the user, unread (important first) before read, paged. */
export async function feed(
  actor: Actor,
  q: { unreadOnly: boolean; page: number; pageSize: number },
): Promise<{ items: FeedItem[]; total: number }> {
  if (actor.kind !== 'user') return { items: [], total: 0 };
  const rows = await db().$queryRaw<
    {
      id: string;
      title: string;
      important: boolean;
      publishedAt: Date;
      organisationId: string;
      orgName: string;
      orgShortName: string | null;
      readAt: Date | null;
      total: number;
    }[]
  >(feedSql(actor, today(), { unreadOnly: q.unreadOnly, take: q.pageSize, skip: (q.page - 1) * q.pageSize }));
  let total = rows[0]?.total ?? 0;
  if (!rows.length && q.page > 1) total = (await feed(actor, { ...q, page: 1, pageSize: 1 })).total;
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      important: r.important,
      publishedAt: r.publishedAt,
      organisation: { id: r.organisationId, name: r.orgShortName ?? r.orgName },
      readAt: r.readAt,
    })),
  };
}

/** How many announcements the user has not read, and the first few of them (important first). */
export async function unreadSummary(actor: Actor, take = 5) {
  if (actor.kind !== 'user' || !actor.assignments.length) return { count: 0, items: [] };
  const q = unreadSql(actor, today(), take);
  const { rows } = await sqlPool().query<{
    id: string;
    title: string;
    important: boolean;
    publishedAt: Date;
    total: number;
  }>(prepared(q.text, q.values));
  return {
    count: rows[0]?.total ?? 0,
    items: rows.map((r) => ({ id: r.id, title: r.title, important: r.important, publishedAt: r.publishedAt })),
  };
}

/** Records the read receipt once (the first opening); returns the time of the first reading. */
export async function recordRead(tx: Tx, announcementId: string, userId: string): Promise<Date> {
  await tx.$executeRaw`INSERT INTO "AnnouncementRead" ("announcementId", "userId") VALUES (${announcementId}::uuid, ${userId}::uuid)
    ON CONFLICT DO NOTHING`;
  const r = await tx.announcementRead.findUniqueOrThrow({
    where: { announcementId_userId: { announcementId, userId } },
  });
  return r.readAt;
}

export async function insertAnnouncement(
  tx: Tx,
  d: {
    organisationId: string;
    title: string;
    body: string;
    important: boolean;
    publishOn?: string;
    expiresOn?: string;
    attachmentId?: string | null;
    audience: Audience;
    reminderOfId?: string;
    frozenOnly?: boolean;
    createdById: string | null;
  },
) {
  return tx.announcement.create({
    data: {
      organisationId: d.organisationId,
      title: d.title,
      body: d.body,
      important: d.important,
      publishOn: toDate(d.publishOn ?? today()),
      expiresOn: d.expiresOn ? toDate(d.expiresOn) : null,
      attachmentId: d.attachmentId ?? null,
      reminderOfId: d.reminderOfId ?? null,
      frozenOnly: d.frozenOnly ?? false,
      createdById: d.createdById,
      ...audienceColumns(d.audience),
    },
  });
}

/** Publishes a draft (only a draft: a concurrent second publish changes nothing). */
export async function markPublished(tx: Tx, id: string, addressed: number): Promise<boolean> {
  const r = await tx.announcement.updateMany({
    where: { id, status: 'DRAFT' },
    data: { status: 'PUBLISHED', publishedAt: new Date(), addressed },
  });
  return r.count === 1;
}

/**
 * Archives, in one statement, every published announcement whose last day of showing is before `day`;
 * returns them (for the audit). Run by the nightly job; the pages already treat them as archived.
 */
export async function archiveExpired(tx: Tx, day: string): Promise<{ id: string; organisationId: string }[]> {
  return tx.$queryRaw<{ id: string; organisationId: string }[]>`
    UPDATE "Announcement" SET status = 'ARCHIVED', "archivedAt" = now(), "updatedAt" = now()
    WHERE status = 'PUBLISHED' AND "expiresOn" < ${day}::date
    RETURNING id, "organisationId"`;
}

export async function markArchived(tx: Tx, id: string): Promise<boolean> {
  const r = await tx.announcement.updateMany({
    where: { id, status: 'PUBLISHED' },
    data: { status: 'ARCHIVED', archivedAt: new Date() },
  });
  return r.count === 1;
}

/**
 * Changes the text (and, for a draft, the audience); for a published announcement the text before the change is
 * kept as a version first.
 * Optimistic: `version` must still be the one the editor saw, else nothing changes (false).
 */
export async function updateText(
  tx: Tx,
  a: AnnouncementRow,
  version: number,
  d: {
    title: string;
    body: string;
    important: boolean;
    publishOn?: string;
    expiresOn?: string;
    attachmentId?: string | null;
  },
  editorId: string | null,
  audience?: Audience,
): Promise<boolean> {
  const r = await tx.announcement.updateMany({
    // A new audience is for a draft only: a concurrent publication makes the edit stale.
    where: { id: a.id, version, ...(audience ? { status: 'DRAFT' as const } : {}) },
    data: {
      ...(audience ? audienceColumns(audience) : {}),
      title: d.title,
      body: d.body,
      important: d.important,
      ...(a.status === 'DRAFT' && d.publishOn ? { publishOn: toDate(d.publishOn) } : {}),
      expiresOn: d.expiresOn ? toDate(d.expiresOn) : null,
      attachmentId: d.attachmentId ?? null,
      version: { increment: 1 },
    },
  });
  if (r.count !== 1) return false;
  if (a.status !== 'DRAFT')
    await tx.announcementVersion.create({
      data: {
        announcementId: a.id,
        version: a.version,
        title: a.title,
        body: a.body,
        important: a.important,
        expiresOn: a.expiresOn,
        editedById: editorId,
      },
    });
  return true;
}

export async function versionsOf(id: string) {
  return db().announcementVersion.findMany({ where: { announcementId: id }, orderBy: { version: 'desc' }, take: 100 });
}

/** The publisher's announcements, newest first, with the frozen audience's read count (one grouped query). */
export async function publishedBy(orgId: string, q: { page: number; pageSize: number }) {
  const where = { organisationId: orgId };
  const [rows, total] = await Promise.all([
    db().announcement.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: q.pageSize,
      skip: (q.page - 1) * q.pageSize,
    }),
    db().announcement.count({ where }),
  ]);
  const reads = rows.length
    ? await db().audienceMember.groupBy({
        by: ['itemId'],
        where: { itemType: 'ANNOUNCEMENT', itemId: { in: rows.map((r) => r.id) }, doneAt: { not: null } },
        _count: { _all: true },
      })
    : [];
  const readBy = new Map(reads.map((r) => [r.itemId, r._count._all]));
  return { total, items: rows.map((r) => ({ ...r, read: readBy.get(r.id) ?? 0 })) };
}

export interface MemberNewsItem {
  id: string;
  title: string;
  body: string;
  important: boolean;
  publishedAt: Date;
  organisation: { id: string; name: string };
}

/**
 * Union news for a member (the member's page and GET /api/v1/member/news): published, unexpired announcements
 * addressed to members (audience `members: true`) published at an organisation on the member's organisation
 * path (`orgPath`, the organisation the member is registered at), newest first, paged.
 */
export async function newsForMember(
  orgPath: string,
  q: { page: number; pageSize: number } = { page: 1, pageSize: 20 },
): Promise<{ items: MemberNewsItem[]; total: number }> {
  const rows = await db().$queryRaw<
    {
      id: string;
      title: string;
      body: string;
      important: boolean;
      publishedAt: Date;
      organisationId: string;
      orgName: string;
      orgShortName: string | null;
      total: number;
    }[]
  >(memberNewsSql(orgPath, today(), { take: q.pageSize, skip: (q.page - 1) * q.pageSize }));
  let total = rows[0]?.total ?? 0;
  if (!rows.length && q.page > 1) total = (await newsForMember(orgPath, { page: 1, pageSize: 1 })).total;
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      body: r.body,
      important: r.important,
      publishedAt: r.publishedAt,
      organisation: { id: r.organisationId, name: r.orgShortName ?? r.orgName },
    })),
  };
}

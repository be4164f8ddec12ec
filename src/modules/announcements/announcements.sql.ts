import { Prisma } from '../../generated/prisma/client';
import type { Actor } from '../../policy/actor';
import { audienceVisibleSql, memberVisibleSql } from '../audience/audience.sql';

/**
 * Announcements (alias `a`) a user sees today: published, within their dates, addressed by the audience
 * (evaluated now) — and a reminder only to the users it was frozen for (the not-yet-read of its original).
 */
export function visibleToUserSql(actor: Actor, day: string): Prisma.Sql {
  return Prisma.sql`a.status = 'PUBLISHED' AND a."publishOn" <= ${day}::date
    AND (a."expiresOn" IS NULL OR a."expiresOn" >= ${day}::date)
    AND ${audienceVisibleSql('a', actor)}
    AND ((a."reminderOfId" IS NULL AND NOT a."frozenOnly") OR EXISTS (
      SELECT 1 FROM "AudienceMember" m
      WHERE m."itemType" = 'ANNOUNCEMENT' AND m."itemId" = a.id AND m."userId" = ${actor.userId}::uuid))`;
}

/**
 * The user's feed, a page at a time: unread important ones first, then unread, then read; newest first within
 * each. The read receipt comes along; `total` is the count of the (filtered) list.
 */
export function feedSql(actor: Actor, day: string, q: { unreadOnly: boolean; take: number; skip: number }): Prisma.Sql {
  return Prisma.sql`
    SELECT a.id, a.title, a.important, a."publishedAt", a."organisationId", o.name AS "orgName",
           o."shortName" AS "orgShortName", r."readAt", count(*) OVER ()::int AS total
    FROM "Announcement" a
    JOIN "Organisation" o ON o.id = a."organisationId"
    LEFT JOIN "AnnouncementRead" r ON r."announcementId" = a.id AND r."userId" = ${actor.userId}::uuid
    WHERE ${visibleToUserSql(actor, day)} ${q.unreadOnly ? Prisma.sql`AND r."userId" IS NULL` : Prisma.empty}
    ORDER BY (r."userId" IS NULL AND a.important) DESC, (r."userId" IS NULL) DESC, a."publishedAt" DESC, a.id
    LIMIT ${q.take}::int OFFSET ${q.skip}::int`;
}

/**
 * The unread count and the first few unread (important first) for the navigation of every page. Its text is the
 * same for every user (the audience's assignments are arrays), so it runs as a named statement; the time comes as
 * a UTC instant for the plain driver.
 */
export function unreadSql(actor: Actor, day: string, take: number): Prisma.Sql {
  return Prisma.sql`
    SELECT a.id, a.title, a.important, a."publishedAt" AT TIME ZONE 'UTC' AS "publishedAt", count(*) OVER ()::int AS total
    FROM "Announcement" a
    WHERE ${visibleToUserSql(actor, day)}
      AND NOT EXISTS (SELECT 1 FROM "AnnouncementRead" r WHERE r."announcementId" = a.id AND r."userId" = ${actor.userId}::uuid)
    ORDER BY a.important DESC, a."publishedAt" DESC, a.id
    LIMIT ${take}::int`;
}

/** Union news for a member registered at `orgPath`: members-only announcements published above, newest first. */
export function memberNewsSql(orgPath: string, day: string, q: { take: number; skip: number }): Prisma.Sql {
  return Prisma.sql`
    SELECT a.id, a.title, a.body, a.important, a."publishedAt", a."organisationId", o.name AS "orgName",
           o."shortName" AS "orgShortName", count(*) OVER ()::int AS total
    FROM "Announcement" a JOIN "Organisation" o ON o.id = a."organisationId"
    WHERE a.status = 'PUBLISHED' AND a."publishOn" <= ${day}::date
      AND (a."expiresOn" IS NULL OR a."expiresOn" >= ${day}::date)
      AND ${memberVisibleSql('a', orgPath)}
    ORDER BY a."publishedAt" DESC, a.id
    LIMIT ${q.take}::int OFFSET ${q.skip}::int`;
}

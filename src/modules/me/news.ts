import { newsForMember, type MemberNewsItem } from '../announcements/announcements.repo';

/**
 * Union news on the member's page: announcements addressed to members (audience «члены Профсоюза») published at the
 * member's organisation or above it, newest first (the announcements module selects them).
 */
export type NewsItem = MemberNewsItem;

export async function memberNews(
  orgPath: string,
  page: number,
  pageSize: number,
): Promise<{ items: NewsItem[]; total: number; page: number; pageSize: number }> {
  const r = await newsForMember(orgPath, { page, pageSize });
  return { ...r, page, pageSize };
}

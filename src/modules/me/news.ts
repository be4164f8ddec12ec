/**
 * Union news on the member's page: announcements addressed to members (audience «члены Профсоюза») of the
 * member's subtree, newest first. The announcements module provides them; until it is part of the registry the
 * section shows its empty state.
 */
export interface NewsItem {
  id: string;
  title: string;
  body: string;
  important: boolean;
  publishedAt: Date;
  organisation: { id: string; name: string };
}

export function memberNews(
  _orgPath: string,
  page: number,
  pageSize: number,
): Promise<{ items: NewsItem[]; total: number; page: number; pageSize: number }> {
  return Promise.resolve({ items: [], total: 0, page, pageSize });
}

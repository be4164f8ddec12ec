import { fromDate } from '../../lib/dates';

export type AnnouncementStatus = 'DRAFT' | 'PUBLISHED' | 'ARCHIVED';

/**
 * The status as people see it on `day`: a published announcement past its last day of showing is archived,
 * even before the nightly job (`announcement.expire`) has written that down.
 */
export function effectiveStatus(
  a: { status: AnnouncementStatus; expiresOn: Date | null },
  day: string,
): AnnouncementStatus {
  return a.status === 'PUBLISHED' && a.expiresOn && fromDate(a.expiresOn) < day ? 'ARCHIVED' : a.status;
}

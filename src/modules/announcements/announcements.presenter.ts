import { fromDate, today } from '../../lib/dates';
import { audienceOf } from '../audience/audience.input';
import { describeAudience } from '../audience/audience.presenter';
import { effectiveStatus } from './announcements.lifecycle';
import type { AnnouncementRow } from './announcements.repo';
import { formatBody } from './announcements.text';

export const STATUS_LABELS = { DRAFT: 'Черновик', PUBLISHED: 'Опубликовано', ARCHIVED: 'Снято' } as const;

/** «Снято», and why when it was the expiry date that took it down. */
export function statusLabel(a: Pick<AnnouncementRow, 'status' | 'expiresOn'>): string {
  const s = effectiveStatus(a, today());
  return s === 'ARCHIVED' && a.status === 'PUBLISHED' ? 'Снято: срок показа истёк' : STATUS_LABELS[s];
}

/** The announcement's page: the text cut into escaped parts, the dates, the audience in words. */
export function presentAnnouncement(a: AnnouncementRow, org: { id: string; name: string }) {
  const status = effectiveStatus(a, today());
  return {
    id: a.id,
    title: a.title,
    paragraphs: formatBody(a.body),
    important: a.important,
    status,
    statusLabel: statusLabel(a),
    publishOn: fromDate(a.publishOn),
    expiresOn: a.expiresOn ? fromDate(a.expiresOn) : null,
    publishedAt: a.publishedAt,
    version: a.version,
    addressed: a.addressed,
    members: a.audienceMembers,
    reminder: a.reminderOfId !== null,
    attachmentId: a.attachmentId,
    audience: describeAudience(audienceOf(a)),
    organisation: org,
  };
}

/** The form's values from a stored announcement. */
export function formValues(a: AnnouncementRow): Record<string, unknown> {
  return {
    title: a.title,
    body: a.body,
    important: a.important ? 'on' : '',
    publishOn: fromDate(a.publishOn),
    expiresOn: a.expiresOn ? fromDate(a.expiresOn) : '',
    attachmentId: a.attachmentId ?? '',
    version: a.version,
    audienceKinds: a.audienceKinds,
    audienceRoles: a.audienceRoles,
    audienceOrgIds: a.audienceOrgIds,
    audienceMembers: a.audienceMembers ? 'on' : '',
  };
}

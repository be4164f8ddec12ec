import { db } from '../../db';
import { AppError } from '../../http/errors';
import { fromDate, today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { orgsById } from '../organisations/organisations.repo';
import { audienceOf, type Audience } from '../audience/audience.input';
import { audienceOrgsError, freezeAudience, freezeNotDone, markDone } from '../audience/audience.repo';
import { isAttachable } from '../library/library.repo';
import type { AnnouncementData } from './announcements.input';
import { effectiveStatus } from './announcements.lifecycle';
import {
  archiveExpired,
  insertAnnouncement,
  markArchived,
  markPublished,
  recordRead,
  updateText,
  type AnnouncementRow,
} from './announcements.repo';
import { cutText } from '../../lib/text';

const ref = (id: string) => ({ type: 'ANNOUNCEMENT' as const, id });

/** The attached document must come from the library of the publisher or an organisation above it. */
async function checkAttachment(publisher: { path: string }, attachmentId: string | null | undefined) {
  if (attachmentId && !(await isAttachable(publisher.path, attachmentId)))
    throw new AppError('BAD_REQUEST', undefined, {
      attachmentId: 'Выберите документ из библиотеки публикующей организации или вышестоящих',
    });
}

/**
 * Creates an announcement of `org` (a draft, or published at once): the row, its frozen audience and the audit
 * row in one transaction. The chosen organisations must lie in the publisher's subtree.
 */
export async function createAnnouncement(
  actor: Actor,
  org: { id: string; path: string },
  input: { data: AnnouncementData; audience: Audience },
  publish: boolean,
  opts: { refusePastExpiry?: boolean } = {},
): Promise<{ id: string; addressed: number }> {
  const orgsError = await audienceOrgsError(org, input.audience);
  if (orgsError) throw new AppError('BAD_REQUEST', undefined, { 'audience.orgIds': orgsError });
  // The form refuses to publish what would be archived at once (the API keeps its contract: it accepts it).
  if (publish && opts.refusePastExpiry && input.data.expiresOn && input.data.expiresOn < today())
    throw new AppError('BAD_REQUEST', undefined, { expiresOn: EXPIRED });
  await checkAttachment(org, input.data.attachmentId);
  return db().$transaction(async (tx) => {
    const a = await insertAnnouncement(tx, {
      ...input.data,
      organisationId: org.id,
      audience: input.audience,
      createdById: actor.userId,
    });
    let addressed = 0;
    if (publish) {
      addressed = await freezeAudience(tx, ref(a.id), org, input.audience);
      await markPublished(tx, a.id, addressed);
    }
    await audit(
      actor,
      {
        action: publish ? 'announcement.published' : 'announcement.drafted',
        entity: 'Announcement',
        entityId: a.id,
        organisationId: org.id,
        rowCount: addressed,
      },
      tx,
    );
    return { id: a.id, addressed };
  });
}

const EXPIRED = 'Срок показа уже прошёл: измените дату «Показывать до» или оставьте её пустой';

/** Publishes a draft: its audience is frozen now. */
export async function publishAnnouncement(actor: Actor, org: { id: string; path: string }, a: AnnouncementRow) {
  if (a.status === 'DRAFT' && effectiveStatus({ ...a, status: 'PUBLISHED' }, today()) === 'ARCHIVED')
    throw new AppError('UNPROCESSABLE', EXPIRED);
  return db().$transaction(async (tx) => {
    const addressed = await freezeAudience(tx, ref(a.id), org, audienceOf(a));
    if (!(await markPublished(tx, a.id, addressed)))
      throw new AppError('CONFLICT', 'Объявление уже опубликовано или снято');
    await audit(
      actor,
      {
        action: 'announcement.published',
        entity: 'Announcement',
        entityId: a.id,
        organisationId: org.id,
        rowCount: addressed,
      },
      tx,
    );
    return addressed;
  });
}

/**
 * Edits the text; a published announcement keeps its previous text as a version. A draft's audience may change
 * too (it is frozen only at publication); its chosen organisations must lie in the publisher's subtree.
 */
export async function editAnnouncement(
  actor: Actor,
  a: AnnouncementRow,
  version: number,
  data: AnnouncementData,
  draft?: { publisher: { path: string }; audience: Audience },
) {
  if (effectiveStatus(a, today()) === 'ARCHIVED') throw new AppError('CONFLICT', 'Снятое объявление не редактируется');
  if (data.attachmentId && data.attachmentId !== a.attachmentId)
    await checkAttachment(
      (await orgsById([a.organisationId])).get(a.organisationId) ?? { path: '/-/' },
      data.attachmentId,
    );
  if (draft) {
    const orgsError = await audienceOrgsError(draft.publisher, draft.audience);
    if (orgsError) throw new AppError('BAD_REQUEST', undefined, { 'audience.orgIds': orgsError });
  }
  await db().$transaction(async (tx) => {
    if (!(await updateText(tx, a, version, data, actor.userId, draft?.audience))) throw new AppError('STALE_VERSION');
    await audit(
      actor,
      {
        action: 'announcement.edited',
        entity: 'Announcement',
        entityId: a.id,
        organisationId: a.organisationId,
        details: { version: a.version + 1 },
      },
      tx,
    );
  });
}

export async function archiveAnnouncement(actor: Actor, a: AnnouncementRow) {
  await db().$transaction(async (tx) => {
    if (!(await markArchived(tx, a.id))) throw new AppError('CONFLICT', 'Снять можно только опубликованное объявление');
    await audit(
      actor,
      { action: 'announcement.archived', entity: 'Announcement', entityId: a.id, organisationId: a.organisationId },
      tx,
    );
  });
}

/**
 * The nightly job: published announcements past their expiry date become archived (draft → published →
 * archived), each with its audit row, in one transaction. They had already left the start pages and the unread
 * count on their last day; the publisher still opens them from the organisation's list.
 */
export async function archiveExpiredAnnouncements(actor: Actor, day = today()): Promise<number> {
  return db().$transaction(async (tx) => {
    const rows = await archiveExpired(tx, day);
    for (const r of rows)
      await audit(
        actor,
        {
          action: 'announcement.archived',
          entity: 'Announcement',
          entityId: r.id,
          organisationId: r.organisationId,
          details: { reason: 'expired' },
        },
        tx,
      );
    return rows.length;
  });
}

/** The user opened the announcement: the read receipt (first time only) and their mark in the frozen audience. */
export async function readAnnouncement(
  actor: Actor,
  a: { id: string; reminderOfId: string | null },
): Promise<Date | null> {
  if (actor.kind !== 'user' || !actor.userId) return null;
  const userId = actor.userId;
  return db().$transaction(async (tx) => {
    const at = await recordRead(tx, a.id, userId);
    await markDone(tx, ref(a.id), userId);
    // Reading the reminder is reading the original.
    if (a.reminderOfId) {
      await recordRead(tx, a.reminderOfId, userId);
      await markDone(tx, ref(a.reminderOfId), userId);
    }
    return at;
  });
}

/**
 * A reminder: a new published announcement with the same text, addressed to the users of the original's
 * frozen audience who have not read it yet (and only to them).
 */
export async function remindAnnouncement(actor: Actor, a: AnnouncementRow): Promise<{ id: string; addressed: number }> {
  if (effectiveStatus(a, today()) !== 'PUBLISHED' || a.audienceMembers)
    throw new AppError('CONFLICT', 'Напомнить можно только об опубликованном объявлении для пользователей');
  return db().$transaction(async (tx) => {
    const r = await insertAnnouncement(tx, {
      organisationId: a.organisationId,
      title: a.title.startsWith('Напоминание: ') ? a.title : cutText(`Напоминание: ${a.title}`, 300),
      body: a.body,
      important: a.important,
      expiresOn: a.expiresOn ? fromDate(a.expiresOn) : undefined,
      attachmentId: a.attachmentId,
      audience: audienceOf(a),
      reminderOfId: a.id,
      createdById: actor.userId,
    });
    const addressed = await freezeNotDone(tx, ref(r.id), ref(a.id));
    if (addressed === 0)
      throw new AppError('UNPROCESSABLE', 'Все адресаты уже прочитали объявление: напоминать некому');
    await markPublished(tx, r.id, addressed);
    await audit(
      actor,
      {
        action: 'announcement.reminded',
        entity: 'Announcement',
        entityId: r.id,
        organisationId: a.organisationId,
        rowCount: addressed,
        details: { reminderOf: a.id },
      },
      tx,
    );
    return { id: r.id, addressed };
  });
}

/**
 * A reminder about a document or a survey: a published announcement of the item's publisher addressed to the
 * users of the item's frozen audience who have not yet downloaded / answered it (and only to them).
 */
export async function remindNotDone(
  actor: Actor,
  source: { type: 'DOCUMENT' | 'SURVEY'; id: string; organisationId: string },
  text: { title: string; body: string; attachmentId?: string },
): Promise<{ id: string; addressed: number }> {
  return db().$transaction(async (tx) => {
    const r = await insertAnnouncement(tx, {
      organisationId: source.organisationId,
      title: cutText(text.title, 300),
      body: text.body,
      important: true,
      attachmentId: text.attachmentId ?? null,
      audience: { kinds: [], roles: [], orgIds: [], members: false },
      frozenOnly: true,
      createdById: actor.userId,
    });
    const addressed = await freezeNotDone(tx, ref(r.id), { type: source.type, id: source.id });
    if (addressed === 0) throw new AppError('UNPROCESSABLE', 'Напоминать некому: все адресаты уже сделали это');
    await markPublished(tx, r.id, addressed);
    await audit(
      actor,
      {
        action: 'announcement.reminded',
        entity: 'Announcement',
        entityId: r.id,
        organisationId: source.organisationId,
        rowCount: addressed,
        details: { reminderOf: source.id, type: source.type },
      },
      tx,
    );
    return { id: r.id, addressed };
  });
}

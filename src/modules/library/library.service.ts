import crypto from 'node:crypto';
import { db } from '../../db';
import { AppError } from '../../http/errors';
import { toDate } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { detectFileType, FILE_TYPES, safeFileName } from './files';
import { numberKey, type DocumentInput } from './library.input';
import {
  findOrCreateSection,
  findSection,
  insertDownload,
  insertVersion,
  lockDocument,
  type DocumentFull,
} from './library.repo';
import { extractText } from './text';
import { audienceColumns, type Audience } from '../audience/audience.input';
import { freezeAudience, markDone } from '../audience/audience.repo';

export interface Upload {
  buffer: Buffer;
  originalname?: string;
}

/** Checks the file by content and reads its text before any write: a refused file leaves nothing behind. */
async function prepare(file: Upload | undefined) {
  if (!file) throw new AppError('BAD_REQUEST', 'Выберите файл', { file: 'Выберите файл' });
  const type = await detectFileType(file.buffer);
  const text = await extractText(file.buffer, type);
  return {
    type,
    text,
    fileName: safeFileName(file.originalname, type),
    mime: FILE_TYPES[type].mime,
    sha256: crypto.createHash('sha256').update(file.buffer).digest('hex'),
    data: file.buffer,
  };
}

/** A section given by id must belong to the publishing organisation; a name is found or created at the top. */
async function sectionIdFor(orgId: string, section: string | undefined): Promise<string | null | { name: string }> {
  if (!section) return null;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(section)) {
    const s = await findSection(section);
    if (!s || s.organisationId !== orgId)
      throw new AppError('BAD_REQUEST', undefined, { section: 'Раздел не найден в библиотеке этой организации' });
    return s.id;
  }
  return { name: section };
}

export async function publishDocument(
  actor: Actor,
  org: { id: string; path: string },
  input: DocumentInput,
  audience: Audience,
  file: Upload | undefined,
): Promise<{ id: string; version: number; addressed: number }> {
  const section = await sectionIdFor(org.id, input.section);
  const f = await prepare(file);
  return db().$transaction(
    async (tx) => {
      const sectionId =
        section === null || typeof section === 'string'
          ? section
          : (await findOrCreateSection(tx, org.id, section.name)).id;
      const doc = await tx.document.create({
        data: {
          organisationId: org.id,
          sectionId,
          title: input.title,
          kind: input.kind,
          number: input.number ?? null,
          numberKey: numberKey(input.number),
          docDate: input.date ? toDate(input.date) : null,
          description: input.description ?? null,
          ...audienceColumns(audience),
          bodyText: f.text,
          createdById: actor.userId,
        },
        select: { id: true },
      });
      await insertVersion(tx, { documentId: doc.id, version: 1, note: null, uploadedById: actor.userId, ...f });
      const addressed = await freezeAudience(tx, { type: 'DOCUMENT', id: doc.id }, org, audience);
      await tx.document.update({ where: { id: doc.id }, data: { addressed } });
      await audit(
        actor,
        {
          action: 'document.published',
          entity: 'Document',
          entityId: doc.id,
          organisationId: org.id,
          rowCount: addressed,
          details: { type: f.type, size: f.data.length },
        },
        tx,
      );
      return { id: doc.id, version: 1, addressed };
    },
    { timeout: 30_000 },
  );
}

/** A new version: the old ones stay; the document's text (search) follows the newest. */
export async function addVersion(
  actor: Actor,
  doc: Pick<DocumentFull, 'id' | 'organisationId'>,
  note: string,
  file: Upload | undefined,
): Promise<{ id: string; version: number }> {
  const f = await prepare(file);
  return db().$transaction(
    async (tx) => {
      const locked = await lockDocument(tx, doc.id);
      if (!locked) throw new AppError('NOT_FOUND');
      const version = locked.version + 1;
      await insertVersion(tx, { documentId: doc.id, version, note, uploadedById: actor.userId, ...f });
      await tx.document.update({
        where: { id: doc.id },
        data: { version, bodyText: f.text, updatedAt: new Date() },
      });
      await audit(
        actor,
        {
          action: 'document.versioned',
          entity: 'Document',
          entityId: doc.id,
          organisationId: doc.organisationId,
          details: { version, type: f.type, size: f.data.length },
        },
        tx,
      );
      return { id: doc.id, version };
    },
    { timeout: 30_000 },
  );
}

/**
 * Marks a document as replaced by another current document of the same library, or plainly outdated (byId
 * null with `clear` false), or clears the mark. A replacement that is itself superseded is refused, so the
 * marks never form a cycle.
 */
export async function markSuperseded(
  actor: Actor,
  doc: Pick<DocumentFull, 'id' | 'organisationId'>,
  change: { by: string | null } | { clear: true },
) {
  const byId = 'by' in change ? change.by : null;
  if (byId === doc.id) throw new AppError('BAD_REQUEST', undefined, { by: 'Документ не заменяет сам себя' });
  return db().$transaction(async (tx) => {
    if (byId) {
      const by = await tx.document.findUnique({
        where: { id: byId },
        select: { organisationId: true, supersededAt: true },
      });
      if (!by || by.organisationId !== doc.organisationId)
        throw new AppError('BAD_REQUEST', undefined, { by: 'Выберите документ из библиотеки той же организации' });
      if (by.supersededAt)
        throw new AppError('BAD_REQUEST', undefined, { by: 'Выбранный документ сам заменён: выберите действующий' });
    }
    const locked = await lockDocument(tx, doc.id);
    if (!locked) throw new AppError('NOT_FOUND');
    const superseded = !('clear' in change);
    await tx.document.update({
      where: { id: doc.id },
      data: superseded
        ? { supersededAt: new Date(), supersededById: byId }
        : { supersededAt: null, supersededById: null },
    });
    await audit(
      actor,
      {
        action: superseded ? 'document.superseded' : 'document.unsuperseded',
        entity: 'Document',
        entityId: doc.id,
        organisationId: doc.organisationId,
        details: { by: byId },
      },
      tx,
    );
    return { superseded, by: byId };
  });
}

export async function createSection(actor: Actor, orgId: string, name: string, parentId: string | undefined) {
  if (parentId) {
    const p = await findSection(parentId);
    if (!p || p.organisationId !== orgId)
      throw new AppError('BAD_REQUEST', undefined, { parentId: 'Раздел не найден в библиотеке этой организации' });
  }
  return db().$transaction(async (tx) => {
    const s = await tx.librarySection.create({
      data: { organisationId: orgId, name, parentId: parentId ?? null },
      select: { id: true },
    });
    await audit(
      actor,
      { action: 'library.section', entity: 'LibrarySection', entityId: s.id, organisationId: orgId },
      tx,
    );
    return s;
  });
}

/** A download: the row (document, version, user, time), and the user's part of the audience marked done. */
export async function recordDownload(documentId: string, version: number, userId: string) {
  await db().$transaction(async (tx) => {
    await insertDownload(tx, documentId, version, userId);
    await markDone(tx, { type: 'DOCUMENT', id: documentId }, userId);
  });
}

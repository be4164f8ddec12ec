import { db, sqlPool, type Tx } from '../../db';
import { isUuid } from '../../lib/ids';
import { Prisma } from '../../generated/prisma/client';
import type { DocumentKind } from '../../generated/prisma/enums';
import { foldYo, numberKey, type SearchQuery } from './library.input';

export interface DocumentRow {
  id: string;
  title: string;
  kind: DocumentKind;
  number: string | null;
  docDate: Date | null;
  version: number;
  updatedAt: Date;
  organisationId: string;
  orgName: string;
  sectionId: string | null;
  sectionName: string | null;
  superseded: boolean;
  /** The caller downloaded an earlier version than the current one. */
  updatedForMe: boolean;
  downloadedByMe: boolean;
}

/** A prefix tsquery from the words of a query (letters and digits only, so nothing of tsquery syntax leaks in). */
export function prefixTsQuery(q: string): string | null {
  const words = foldYo(q.toLowerCase()).match(/[\p{L}\p{N}]+/gu) ?? [];
  if (!words.length) return null;
  return words
    .slice(0, 8)
    .map((w) => `${w}:*`)
    .join(' & ');
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One page of the documents the `visible` condition (on alias d) admits, newest first or by relevance.
 * The text matches the generated tsvector (GIN) with a prefix query; a number matches its key's prefix
 * (text_pattern_ops index). The section filter takes the section and its sub-sections.
 */
const SEARCH_SQL = (visible: Prisma.Sql, userId: string | null, q: SearchQuery) => {
  const ts = q.q ? prefixTsQuery(q.q) : null;
  const nk = q.q ? numberKey(q.q) : null;
  const tsq = ts ? Prisma.sql`to_tsquery('russian'::regconfig, ${ts})` : null;
  const match =
    q.q && (tsq || nk)
      ? Prisma.sql`AND (${tsq ? Prisma.sql`d.search @@ ${tsq}` : Prisma.sql`false`}
          ${nk ? Prisma.sql`OR d."numberKey" LIKE ${likeEscape(nk) + '%'}` : Prisma.empty})`
      : q.q
        ? Prisma.sql`AND false`
        : Prisma.empty;
  return Prisma.sql`
    WITH RECURSIVE sect AS (
      SELECT id FROM "LibrarySection" WHERE id = ${q.section ?? null}::uuid
      UNION ALL SELECT s.id FROM "LibrarySection" s JOIN sect ON s."parentId" = sect.id
    )
    SELECT d.id, d.title, d.kind, d.number, d."docDate", d.version, d."updatedAt", d."organisationId",
           coalesce(o."shortName", o.name) AS "orgName", d."sectionId", s.name AS "sectionName",
           d."supersededAt" IS NOT NULL AS superseded,
           coalesce(my.v < d.version, false) AS "updatedForMe", my.v IS NOT NULL AS "downloadedByMe",
           count(*) OVER () AS total
    FROM "Document" d
    JOIN "Organisation" o ON o.id = d."organisationId"
    LEFT JOIN "LibrarySection" s ON s.id = d."sectionId"
    LEFT JOIN LATERAL (
      SELECT max(dl.version) AS v FROM "DocumentDownload" dl WHERE dl."documentId" = d.id AND dl."userId" = ${userId}::uuid
    ) my ON true
    WHERE ${visible}
      ${match}
      ${q.kind ? Prisma.sql`AND d.kind = ${q.kind}::"DocumentKind"` : Prisma.empty}
      ${q.section ? Prisma.sql`AND d."sectionId" IN (SELECT id FROM sect)` : Prisma.empty}
      ${q.year ? Prisma.sql`AND d."docDate" >= make_date(${q.year}::int, 1, 1) AND d."docDate" < make_date(${q.year}::int + 1, 1, 1)` : Prisma.empty}
    ORDER BY ${tsq ? Prisma.sql`ts_rank(d.search, ${tsq}) DESC,` : Prisma.empty} d."updatedAt" DESC, d.id
    LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`;
};

export async function searchDocuments(
  visible: Prisma.Sql,
  userId: string | null,
  q: SearchQuery,
): Promise<{ rows: DocumentRow[]; total: number }> {
  const rows = await db().$queryRaw<(DocumentRow & { total: bigint })[]>(SEARCH_SQL(visible, userId, q));
  return { rows, total: rows.length ? Number(rows[0].total) : 0 };
}

/** Whether one document passes the `visible` condition. */
export async function isDocumentVisible(visible: Prisma.Sql, id: string): Promise<boolean> {
  const r = await db().$queryRaw<{ ok: boolean }[]>`
    SELECT true AS ok FROM "Document" d JOIN "Organisation" o ON o.id = d."organisationId"
    WHERE d.id = ${id}::uuid AND ${visible}`;
  return r.length > 0;
}

/** The document with its versions' metadata (never the bytes). */
export async function findDocument(id: string) {
  return db().document.findUnique({
    where: { id },
    select: {
      id: true,
      organisationId: true,
      sectionId: true,
      title: true,
      kind: true,
      number: true,
      docDate: true,
      description: true,
      audienceKinds: true,
      audienceRoles: true,
      audienceOrgIds: true,
      audienceMembers: true,
      addressed: true,
      version: true,
      supersededById: true,
      supersededAt: true,
      createdAt: true,
      updatedAt: true,
      organisation: { select: { id: true, name: true, shortName: true, path: true } },
      section: { select: { id: true, name: true } },
      supersededBy: { select: { id: true, title: true } },
      versions: {
        orderBy: { version: 'desc' },
        select: { id: true, version: true, fileName: true, mime: true, size: true, note: true, uploadedAt: true },
      },
    },
  });
}
export type DocumentFull = NonNullable<Awaited<ReturnType<typeof findDocument>>>;

/** Documents of one library that may replace `exceptId`: current ones (not superseded themselves), by title. */
export async function replacementCandidates(organisationId: string, exceptId: string) {
  return db().document.findMany({
    where: { organisationId, supersededAt: null, id: { not: exceptId } },
    select: { id: true, title: true, number: true },
    orderBy: [{ title: 'asc' }, { id: 'asc' }],
    take: 300,
  });
}

/**
 * Documents an announcement of the organisation at `orgPath` may attach: published there or above (so its
 * audience, inside that subtree, can reach the library), current ones first, newest first.
 */
export async function attachableDocuments(orgPath: string, take = 300) {
  const ids = orgPath.split('/').filter(Boolean);
  return db().document.findMany({
    where: { organisationId: { in: ids } },
    select: { id: true, title: true, number: true, supersededAt: true },
    orderBy: [{ updatedAt: 'desc' }, { id: 'asc' }],
    take,
  });
}

/** Whether the document may be attached by the organisation at `orgPath` (see attachableDocuments). */
export async function isAttachable(orgPath: string, documentId: string): Promise<boolean> {
  const ids = orgPath.split('/').filter(Boolean);
  return (await db().document.count({ where: { id: documentId, organisationId: { in: ids } } })) === 1;
}

export async function lockDocument(tx: Tx, id: string): Promise<{ version: number } | null> {
  const r = await tx.$queryRaw<{ version: number }[]>`SELECT version FROM "Document" WHERE id = ${id}::uuid FOR UPDATE`;
  return r[0] ?? null;
}

export async function insertVersion(
  tx: Tx,
  v: {
    documentId: string;
    version: number;
    fileName: string;
    mime: string;
    data: Buffer;
    sha256: string;
    note: string | null;
    uploadedById: string | null;
  },
) {
  const row = await tx.documentVersion.create({
    data: {
      documentId: v.documentId,
      version: v.version,
      fileName: v.fileName,
      mime: v.mime,
      size: v.data.length,
      sha256: v.sha256,
      note: v.note,
      uploadedById: v.uploadedById,
    },
    select: { id: true },
  });
  // Nothing read back: the ORM's adapter would hand the file back as an array of numbers (one per byte).
  await tx.documentFile.create({
    data: { versionId: row.id, data: new Uint8Array(v.data) },
    select: { versionId: true },
  });
  return row;
}

/**
 * A version's file with its bytes, through the plain driver (a Buffer as stored). The ORM's driver adapter hands a
 * bytea back as an array of numbers, one per byte: a 20 MB document cost seconds of the event loop and ~300 MB.
 */
export async function fileOf(documentId: string, version: number) {
  if (!isUuid(documentId) || !Number.isSafeInteger(version)) return null;
  const { rows } = await sqlPool().query<{
    id: string;
    version: number;
    fileName: string;
    mime: string;
    size: number;
    data: Buffer;
  }>(
    `SELECT v.id, v.version, v."fileName", v.mime, v.size, f.data
     FROM "DocumentVersion" v JOIN "DocumentFile" f ON f."versionId" = v.id
     WHERE v."documentId" = $1::uuid AND v.version = $2::int`,
    [documentId, version],
  );
  return rows[0] ?? null;
}

export async function insertDownload(tx: Tx, documentId: string, version: number, userId: string) {
  await tx.documentDownload.create({ data: { documentId, version, userId } });
}

/** The highest version of a document the user has downloaded (null: never). */
export async function lastDownloaded(documentId: string, userId: string): Promise<number | null> {
  const r = await db().documentDownload.aggregate({ where: { documentId, userId }, _max: { version: true } });
  return r._max.version;
}

export async function sectionsOf(orgIds: string[]) {
  return db().librarySection.findMany({
    where: { organisationId: { in: orgIds } },
    select: { id: true, name: true, parentId: true, organisationId: true },
    orderBy: { name: 'asc' },
    take: 1000,
  });
}

export async function findSection(id: string) {
  return db().librarySection.findUnique({ where: { id }, select: { id: true, organisationId: true, name: true } });
}

export async function findOrCreateSection(tx: Tx, organisationId: string, name: string) {
  const found = await tx.librarySection.findFirst({
    where: { organisationId, parentId: null, name: { equals: name, mode: 'insensitive' } },
    select: { id: true },
  });
  return found ?? tx.librarySection.create({ data: { organisationId, name }, select: { id: true } });
}

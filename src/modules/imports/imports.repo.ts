import { db, sqlPool } from '../../db';
import type { Prisma } from '../../generated/prisma/client';

/**
 * A new job with its file, through pg directly: the ORM turned a 20 MB file into a 1.2 GB, 9-second insert that held
 * the event loop (measured by tests/imports/big-csv.test.ts); pg sends the bytes as one bytea parameter.
 */
const INSERT_JOB_SQL = `
  INSERT INTO "ImportJob" ("organisationId", "userId", "mode", "fileName", "file", "fileHash", "mapping")
  VALUES ($1::uuid, $2::uuid, $3::"ImportMode", $4, $5, $6, $7::jsonb)
  RETURNING "id", "mapping"`;

export async function insertImportJob(data: {
  organisationId: string;
  userId: string | null;
  mode: 'ADD' | 'SYNC';
  fileName: string;
  file: Uint8Array;
  fileHash: string;
  mapping: Prisma.InputJsonValue;
}): Promise<{ id: string; mapping: Prisma.JsonValue }> {
  const file = Buffer.from(data.file.buffer, data.file.byteOffset, data.file.byteLength);
  const r = await sqlPool().query<{ id: string; mapping: Prisma.JsonValue }>(INSERT_JOB_SQL, [
    data.organisationId,
    data.userId,
    data.mode,
    data.fileName,
    file,
    data.fileHash,
    JSON.stringify(data.mapping),
  ]);
  return r.rows[0];
}
/**
 * A job with its file: the row through the ORM without the file, the file through pg (the ORM took 14 s and
 * +600 MB to read a 20 MB file back, see tests/imports/big-csv.test.ts).
 */
export async function findImportJob(id: string) {
  const job = await db().importJob.findUnique({ where: { id }, omit: { file: true } });
  if (!job) return null;
  // In pieces of 2 MB: bytea comes as hex text, and 20 MB in one answer (40 MB of hex to decode) held the server's
  // thread for about a second; piece by piece other requests are answered in between.
  const [{ size }] = (
    await sqlPool().query<{ size: number | null }>(
      'SELECT length("file") AS size FROM "ImportJob" WHERE "id" = $1::uuid',
      [id],
    )
  ).rows;
  if (size === null || size === undefined) return { ...job, file: null };
  const PIECE = 2 * 1024 * 1024;
  const file = Buffer.alloc(size);
  for (let at = 0; at < size; at += PIECE) {
    const r = await sqlPool().query<{ piece: Buffer }>(
      'SELECT substring("file" FROM $2::int FOR $3::int) AS piece FROM "ImportJob" WHERE "id" = $1::uuid',
      [id, at + 1, PIECE],
    );
    if (!r.rows[0]?.piece) return { ...job, file: null }; // deleted meanwhile
    r.rows[0].piece.copy(file, at);
  }
  return { ...job, file };
}
export async function importJobsOf(orgId: string) {
  return db().importJob.findMany({
    where: { organisationId: orgId },
    orderBy: { createdAt: 'desc' },
    take: 30,
    select: {
      id: true,
      mode: true,
      status: true,
      fileName: true,
      createdAt: true,
      finishedAt: true,
      result: true,
      progress: true,
    },
  });
}
/**
 * Updates the job and returns nothing of it: an update answers with the row, and the ORM's driver adapter hands a
 * bytea back as an array of numbers — the stored file (up to 40 MB) became 40 million JS numbers, seconds of the
 * event loop and hundreds of MB (4 of the 100,000-row import's 21 s).
 */
export async function updateImportJob(id: string, data: Prisma.ImportJobUncheckedUpdateInput): Promise<void> {
  await db().importJob.update({ where: { id }, data, select: { id: true } });
}
/** Progress goes through its own connection: the import's transaction must not hold it back. */
export async function setProgress(id: string, progress: number) {
  await sqlPool().query('UPDATE "ImportJob" SET progress = $2 WHERE id = $1', [id, progress]);
}
export async function savedMapping(orgId: string) {
  return db().importMapping.findUnique({ where: { organisationId: orgId } });
}
export async function saveMapping(orgId: string, mapping: object) {
  await db().importMapping.upsert({
    where: { organisationId: orgId },
    create: { organisationId: orgId, mapping: mapping },
    update: { mapping: mapping },
  });
}

export interface Existing {
  personId: string;
  identityKey: string;
  snils: string | null;
  memberId: string | null;
  memberOrgPath: string | null;
  externalId: string | null;
  version: number | null;
  category: string | null;
  lastName: string;
  firstName: string;
  middleName: string | null;
  birthDate: string;
  gender: string | null;
  phone: string | null;
  email: string | null;
}

/** Persons matching the file's identities or СНИЛС, with their active membership, in a few queries. */
export async function existingPersons(keys: string[], snils: string[]): Promise<Existing[]> {
  const out: Existing[] = [];
  for (let i = 0; i < Math.max(keys.length, snils.length); i += 20000) {
    const r = await sqlPool().query(
      `
      SELECT p.id AS "personId", p."identityKey", p.snils, m.id AS "memberId", o.path AS "memberOrgPath", m."externalId", m.version, m.category::text,
        p."lastName", p."firstName", p."middleName", to_char(p."birthDate", 'YYYY-MM-DD') AS "birthDate", p.gender::text, p.phone, p.email
      FROM "Person" p LEFT JOIN "Member" m ON m."personId" = p.id AND m.status = 'ACTIVE' LEFT JOIN "Organisation" o ON o.id = m."organisationId"
      WHERE p."identityKey" = ANY($1::text[]) OR p.snils = ANY($2::text[])`,
      [keys.slice(i, i + 20000), snils.slice(i, i + 20000)],
    );
    out.push(...(r.rows as Existing[]));
  }
  return out;
}

/** Active members registered in the subtree (for sync: who is missing from the file). */
export async function activeMembersOf(path: string) {
  const r = await sqlPool().query(
    `
    SELECT m.id AS "memberId", m."externalId", p."identityKey", p.id AS "personId", m.version, m.category::text,
      p."lastName", p."firstName", p."middleName", to_char(p."birthDate", 'YYYY-MM-DD') AS "birthDate", p.gender::text, p.phone, p.email, p.snils
    FROM "Member" m JOIN "Person" p ON p.id = m."personId" JOIN "Organisation" o ON o.id = m."organisationId"
    WHERE m.status = 'ACTIVE' AND o.path LIKE $1 || '%'`,
    [path],
  );
  return r.rows as (Existing & { memberId: string; version: number })[];
}

export async function changesOf(importId: string) {
  return db().importChange.findMany({ where: { importId }, orderBy: { id: 'desc' } });
}

/**
 * The set-based statements an import's run and undo write with (5,000 rows per statement, in the run's
 * transaction). Longer than 300 lines on purpose: each write and its undo stay side by side, so that a reader
 * checks that the undo reverses exactly what the run wrote.
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import type { ImportRow } from './fields';
import type { Existing } from './imports.repo';
import { genderFromPatronymic, nameKey } from '../../lib/names';

/**
 * An import's writes and their undo, set-based: arrays bound as parameters and unnested, a few statements for any
 * number of rows, inside the caller's transaction.
 */

export type NewRow = ImportRow & { personId: string | null };

/** New members of one organisation: persons (unless known), members, registrations, JOINED movements, consent (1). */
export async function insertMembers(
  c: pg.PoolClient,
  o: { organisationId: string; rows: NewRow[]; userId: string | null; today: string; consentVersion: string },
): Promise<string[]> {
  const personIds = o.rows.map((r) => r.personId ?? crypto.randomUUID());
  const fresh = o.rows.map((r, k) => ({ r, id: personIds[k] })).filter((x) => !x.r.personId);
  if (fresh.length) {
    await c.query(
      `INSERT INTO "Person" (id, "lastName", "firstName", "middleName", "birthDate", gender, phone, email, snils, "lastNameKey", "identityKey", "updatedAt")
      SELECT * , now() FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[], $6::"Gender"[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])`,
      [
        fresh.map((x) => x.id),
        fresh.map((x) => x.r.lastName),
        fresh.map((x) => x.r.firstName),
        fresh.map((x) => x.r.middleName),
        fresh.map((x) => x.r.birthDate),
        // A file without a gender column: a new person's gender is what the patronymic tells (or none); a known
        // person's recorded gender is never touched by a guess.
        fresh.map((x) => x.r.gender ?? genderFromPatronymic(x.r.middleName)),
        fresh.map((x) => x.r.phone),
        fresh.map((x) => x.r.email),
        fresh.map((x) => x.r.snils),
        fresh.map((x) => nameKey(x.r.lastName)),
        fresh.map((x) => x.r.identityKey),
      ],
    );
  }
  const memberIds = o.rows.map(() => crypto.randomUUID());
  await c.query(
    `INSERT INTO "Member" (id, "personId", "organisationId", category, "joinedAt", "externalId", "updatedAt")
    SELECT m, p, $3::uuid, cat, j, e, now() FROM unnest($1::uuid[], $2::uuid[], $4::"Category"[], $5::date[], $6::text[]) AS t(m, p, cat, j, e)`,
    [
      memberIds,
      personIds,
      o.organisationId,
      o.rows.map((r) => r.category),
      o.rows.map((r) => r.joinedAt),
      o.rows.map((r) => r.externalId),
    ],
  );
  // The person's copies come from a join to the people just written (new member ids: no cards yet), so the row
  // trigger that would look each one up keeps out for this statement (migration 20261222001000).
  await c.query(`SELECT set_config('reestr.copies_given', 'on', true)`);
  await c.query(
    `INSERT INTO "Registration" (id, "memberId", "organisationId", category, "validFrom", "startKind",
       gender, "birthDate", "lastNameKey", "firstName", "middleName")
    SELECT gen_random_uuid(), t.m, $2::uuid, t.cat, t.j, 'JOINED', p.gender, p."birthDate", p."lastNameKey",
       p."firstName", p."middleName"
    FROM unnest($1::uuid[], $3::"Category"[], $4::date[]) AS t(m, cat, j)
      JOIN "Member" mm ON mm.id = t.m JOIN "Person" p ON p.id = mm."personId"`,
    [memberIds, o.organisationId, o.rows.map((r) => r.category), o.rows.map((r) => r.joinedAt)],
  );
  await c.query(`SELECT set_config('reestr.copies_given', 'off', true)`);
  await c.query(
    `INSERT INTO "Movement" (id, "memberId", kind, date, "organisationId", note, "createdById")
    SELECT gen_random_uuid(), m, 'JOINED', j, $2::uuid, 'Импорт', $4::uuid FROM unnest($1::uuid[], $3::date[]) AS t(m, j)`,
    [memberIds, o.organisationId, o.rows.map((r) => r.joinedAt), o.userId],
  );
  // Consent (1) for every new member: a plain insert for new persons; a returning person may still hold one.
  const reused = o.rows.map((r, k) => ({ r, id: personIds[k] })).filter((x) => x.r.personId);
  await c.query(
    `INSERT INTO "Consent" (id, "personId", kind, "givenAt", "textVersion")
    SELECT gen_random_uuid(), p, 'PROCESSING', least(j, $3::date), $4 FROM unnest($1::uuid[], $2::date[]) AS t(p, j)`,
    [fresh.map((x) => x.id), fresh.map((x) => x.r.joinedAt), o.today, o.consentVersion],
  );
  if (reused.length) {
    await c.query(
      `INSERT INTO "Consent" (id, "personId", kind, "givenAt", "textVersion")
      SELECT gen_random_uuid(), p, 'PROCESSING', least(j, $3::date), $4 FROM unnest($1::uuid[], $2::date[]) AS t(p, j)
      WHERE NOT EXISTS (SELECT 1 FROM "Consent" k WHERE k."personId" = t.p AND k.kind = 'PROCESSING' AND k."withdrawnAt" IS NULL)`,
      [reused.map((x) => x.id), reused.map((x) => x.r.joinedAt), o.today, o.consentVersion],
    );
  }
  return memberIds;
}

type PersonValues = Pick<
  ImportRow,
  'lastName' | 'firstName' | 'middleName' | 'birthDate' | 'gender' | 'phone' | 'email' | 'snils' | 'identityKey'
>;

/**
 * Writes persons' data. `keepMissing`: an empty gender, phone, e-mail or СНИЛС keeps the stored one (an import's
 * file); otherwise the values are written as given (an undo puts back exactly what was there).
 */
export async function writePersons(
  c: pg.PoolClient,
  rows: { personId: string; v: PersonValues }[],
  keepMissing: boolean,
) {
  const keep = (col: string, arg: string) => (keepMissing ? `coalesce(${arg}, p.${col})` : arg);
  await c.query(
    `UPDATE "Person" p SET "lastName" = t.ln, "firstName" = t.fn, "middleName" = t.mn, "birthDate" = t.bd, gender = ${keep('gender', 't.g')},
      phone = ${keep('phone', 't.ph')}, email = ${keep('email', 't.em')}, snils = ${keep('snils', 't.sn')}, "lastNameKey" = t.lk, "identityKey" = t.ik,
      version = p.version + 1, "updatedAt" = now()
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[], $6::"Gender"[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]) AS t(id, ln, fn, mn, bd, g, ph, em, sn, lk, ik)
    WHERE p.id = t.id`,
    [
      rows.map((u) => u.personId),
      rows.map((u) => u.v.lastName),
      rows.map((u) => u.v.firstName),
      rows.map((u) => u.v.middleName),
      rows.map((u) => u.v.birthDate),
      rows.map((u) => u.v.gender),
      rows.map((u) => u.v.phone),
      rows.map((u) => u.v.email),
      rows.map((u) => u.v.snils),
      rows.map((u) => nameKey(u.v.lastName)),
      rows.map((u) => u.v.identityKey),
    ],
  );
}

/** Members' own number and category, only where the version is still the one read; returns how many were written. */
export async function writeMembers(
  c: pg.PoolClient,
  rows: { memberId: string; version: number; externalId: string | null; category: string }[],
): Promise<number> {
  const r = await c.query(
    `UPDATE "Member" m SET "externalId" = coalesce(t.e, m."externalId"), category = t.cat::"Category", version = m.version + 1, "updatedAt" = now()
    FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[]) AS t(id, v, e, cat) WHERE m.id = t.id AND m.version = t.v`,
    [
      rows.map((u) => u.memberId),
      rows.map((u) => u.version),
      rows.map((u) => u.externalId),
      rows.map((u) => u.category),
    ],
  );
  return r.rowCount ?? 0;
}

/** Of these members, those whose open registration began on `date` (a category change then edits it in place). */
export async function registeredOn(c: pg.PoolClient, ids: string[], date: string): Promise<Set<string>> {
  const r = await c.query<{ memberId: string }>(
    `SELECT "memberId" FROM "Registration" WHERE "memberId" = ANY($1::uuid[]) AND "validTo" IS NULL AND "validFrom" = $2::date`,
    [ids, date],
  );
  return new Set(r.rows.map((x) => x.memberId));
}

export interface Change {
  memberId: string;
  kind: 'CREATED' | 'UPDATED' | 'EXITED';
  before: unknown;
  versionAfter: number;
}

export async function recordChanges(c: pg.PoolClient, importId: string, changes: Change[]) {
  for (let i = 0; i < changes.length; i += 20000) {
    const part = changes.slice(i, i + 20000);
    await c.query(
      `INSERT INTO "ImportChange" ("importId", "memberId", kind, before, "versionAfter")
      SELECT $1::uuid, m, k::"ImportChangeKind", b, v FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::int[]) AS t(m, k, b, v)`,
      [
        importId,
        part.map((x) => x.memberId),
        part.map((x) => x.kind),
        part.map((x) => (x.before === null ? null : JSON.stringify(x.before))),
        part.map((x) => x.versionAfter),
      ],
    );
  }
}

export async function markUndone(c: pg.PoolClient, importId: string, undo: object) {
  await c.query(
    `UPDATE "ImportJob" SET status = 'UNDONE', result = coalesce(result, '{}'::jsonb) || jsonb_build_object('undo', $2::jsonb) WHERE id = $1`,
    [importId, JSON.stringify(undo)],
  );
}

/** What an UPDATED change keeps: the person and member as they were, and how the category was changed. */
export type UpdatedBefore = Existing & { categoryChanged: boolean; categoryDate?: string; categorySplit?: boolean };
export type ExitedBefore = { cards: { id: string; status: string }[] };

/** The import's changes with the member's current version (the members locked for the undo). */
export async function changesForUndo(c: pg.PoolClient, importId: string) {
  const cur = await c.query<{ id: string; version: number }>(
    `SELECT m.id, m.version FROM "Member" m WHERE m.id IN (SELECT "memberId" FROM "ImportChange" WHERE "importId" = $1) ORDER BY m.id FOR UPDATE`,
    [importId],
  );
  const versions = new Map(cur.rows.map((r) => [r.id, r.version]));
  const r = await c.query<{ memberId: string; kind: Change['kind']; before: unknown; versionAfter: number }>(
    `SELECT "memberId", kind::text AS kind, before, "versionAfter" FROM "ImportChange" WHERE "importId" = $1 ORDER BY id DESC`,
    [importId],
  );
  return r.rows.map((x) => ({ ...x, current: versions.get(x.memberId) ?? null }));
}

/** Of these members, those who have a card (a created member with a card is not deleted). */
export async function withCards(c: pg.PoolClient, ids: string[]): Promise<Set<string>> {
  const r = await c.query<{ memberId: string }>(
    `SELECT DISTINCT "memberId" FROM "Card" WHERE "memberId" = ANY($1::uuid[])`,
    [ids],
  );
  return new Set(r.rows.map((x) => x.memberId));
}

/** Deletes members the import created, with their history; their persons too unless someone else refers to them. */
export async function deleteCreated(c: pg.PoolClient, importId: string, ids: string[]) {
  if (!ids.length) return;
  const persons = (
    await c.query<{ personId: string }>(`SELECT DISTINCT "personId" FROM "Member" WHERE id = ANY($1::uuid[])`, [ids])
  ).rows.map((r) => r.personId);
  await c.query(`DELETE FROM "Movement" WHERE "memberId" = ANY($1::uuid[])`, [ids]);
  await c.query(`DELETE FROM "Registration" WHERE "memberId" = ANY($1::uuid[])`, [ids]);
  await c.query(`DELETE FROM "EventParticipant" WHERE "memberId" = ANY($1::uuid[])`, [ids]);
  await c.query(`DELETE FROM "ImportChange" WHERE "importId" = $2 AND "memberId" = ANY($1::uuid[])`, [ids, importId]);
  await c.query(`DELETE FROM "Member" WHERE id = ANY($1::uuid[])`, [ids]);
  const orphans = (
    await c.query<{ id: string }>(
      `SELECT p.id FROM unnest($1::uuid[]) AS p(id)
    WHERE NOT EXISTS (SELECT 1 FROM "Member" m WHERE m."personId" = p.id) AND NOT EXISTS (SELECT 1 FROM "Position" q WHERE q."personId" = p.id)`,
      [persons],
    )
  ).rows.map((r) => r.id);
  await c.query(`DELETE FROM "Consent" WHERE "personId" = ANY($1::uuid[])`, [orphans]);
  await c.query(`DELETE FROM "Person" WHERE id = ANY($1::uuid[])`, [orphans]);
}

/** Members the import exited become active again: the last registration reopens, the exit movement goes, cards return. */
export async function reopenExited(
  c: pg.PoolClient,
  rows: { memberId: string; before: ExitedBefore }[],
  o: { userId: string | null; today: string; exitNote: string },
) {
  if (!rows.length) return;
  const ids = rows.map((r) => r.memberId);
  await c.query(
    `UPDATE "Registration" SET "validTo" = NULL, "endKind" = NULL
    WHERE id IN (SELECT DISTINCT ON ("memberId") id FROM "Registration" WHERE "memberId" = ANY($1::uuid[]) ORDER BY "memberId", "validFrom" DESC)`,
    [ids],
  );
  await c.query(
    `DELETE FROM "Movement"
    WHERE id IN (SELECT DISTINCT ON ("memberId") id FROM "Movement" WHERE "memberId" = ANY($1::uuid[]) AND note = $2 ORDER BY "memberId", "createdAt" DESC)`,
    [ids, o.exitNote],
  );
  await c.query(
    `UPDATE "Member" SET status = 'ACTIVE', "exitedAt" = NULL, "exitKind" = NULL, "exitNote" = NULL, version = version + 1 WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  const cards = rows.flatMap((r) => r.before.cards);
  if (cards.length) {
    // A card comes back unless its order was closed meanwhile (then it stays blocked: a new card can be ordered).
    await c.query(
      `WITH back AS (
        UPDATE "Card" k SET status = t.s::"CardStatus", "blockedAt" = NULL, "blockReason" = NULL FROM unnest($1::uuid[], $2::text[]) AS t(id, s)
        WHERE k.id = t.id AND (k."orderId" IS NULL OR EXISTS (SELECT 1 FROM "CardOrder" o WHERE o.id = k."orderId" AND o.status <> 'CLOSED'))
        RETURNING k.id, t.s)
      INSERT INTO "CardEvent" (id, "cardId", status, date, note, "userId")
      SELECT gen_random_uuid(), back.id, back.s::"CardStatus", $3::date, 'Отмена импорта', $4::uuid FROM back`,
      [cards.map((x) => x.id), cards.map((x) => x.status), o.today, o.userId],
    );
  }
}

/**
 * Updated members get back their data and category. A category the import changed from a date: a period it opened
 * that day is removed and the one it closed reopens; a period that began that day gets its category back.
 */
export async function restoreUpdated(c: pg.PoolClient, rows: { memberId: string; before: UpdatedBefore }[]) {
  if (!rows.length) return;
  await writePersons(
    c,
    rows.map((r) => ({
      personId: r.before.personId,
      v: { ...r.before, identityKey: r.before.identityKey } as PersonValues,
    })),
    false,
  );
  await c.query(
    `UPDATE "Member" m SET "externalId" = t.e, category = t.cat::"Category", version = m.version + 1, "updatedAt" = now()
    FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, e, cat) WHERE m.id = t.id`,
    [rows.map((r) => r.memberId), rows.map((r) => r.before.externalId), rows.map((r) => r.before.category)],
  );
  const split = rows.filter((r) => r.before.categoryChanged && r.before.categorySplit);
  if (split.length) {
    const removed = await c.query<{ memberId: string; validFrom: string }>(
      `DELETE FROM "Registration" r USING unnest($1::uuid[], $2::date[]) AS t(id, d)
      WHERE r."memberId" = t.id AND r."validTo" IS NULL AND r."validFrom" = t.d AND r."startKind" = 'CATEGORY_CHANGE' RETURNING r."memberId", to_char(r."validFrom", 'YYYY-MM-DD') AS "validFrom"`,
      [split.map((r) => r.memberId), split.map((r) => r.before.categoryDate)],
    );
    await c.query(
      `UPDATE "Registration" r SET "validTo" = NULL, "endKind" = NULL FROM unnest($1::uuid[], $2::date[]) AS t(id, d)
      WHERE r."memberId" = t.id AND r."validTo" = t.d AND r."endKind" = 'CATEGORY_CHANGE'`,
      [removed.rows.map((r) => r.memberId), removed.rows.map((r) => r.validFrom)],
    );
  }
  const inPlace = rows.filter((r) => r.before.categoryChanged && !r.before.categorySplit);
  if (inPlace.length) {
    await c.query(
      `UPDATE "Registration" r SET category = t.cat::"Category" FROM unnest($1::uuid[], $2::text[], $3::date[]) AS t(id, cat, d)
      WHERE r."memberId" = t.id AND r."validTo" IS NULL AND r."validFrom" = t.d`,
      [
        inPlace.map((r) => r.memberId),
        inPlace.map((r) => r.before.category),
        inPlace.map((r) => r.before.categoryDate),
      ],
    );
  }
}

import type pg from 'pg';
import type { Category, MovementKind } from '../../generated/prisma/client';

/**
 * Set-based member writes shared by group operations and imports: the same rules as one-by-one editing
 * (registration periods split on the date, movements written, cards blocked on exit), for any number of members,
 * inside the caller's transaction.
 */

/** How many of the members were registered after `date` (a change dated before that is refused). */
export async function registeredAfter(c: pg.PoolClient, ids: string[], date: string): Promise<number> {
  const r = await c.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Registration" WHERE "memberId" = ANY($1::uuid[]) AND "validTo" IS NULL AND "validFrom" > $2::date`,
    [ids, date],
  );
  return r.rows[0].n;
}

/**
 * Exits members on `date`: the open registration ends, the member is EXITED, the exit movement is written and
 * their valid cards are blocked with history. With `versions`, only members still at that version are touched.
 * Returns the members exited and the cards blocked (with the status each had, for an undo).
 */
export async function exitMembers(
  c: pg.PoolClient,
  o: { ids: string[]; versions?: number[]; reason: MovementKind; date: string; userId: string | null; note?: string },
) {
  const cards = await c.query<{ id: string; memberId: string; status: string }>(
    `SELECT id, "memberId", status::text FROM "Card" WHERE "memberId" = ANY($1::uuid[]) AND status <> 'BLOCKED'`,
    [o.ids],
  );
  const exited = await c.query<{ id: string }>(
    o.versions
      ? `UPDATE "Member" m SET status = 'EXITED', "exitedAt" = $3::date, "exitKind" = $4::"MovementKind", "exitNote" = $5, version = m.version + 1, "updatedAt" = now()
       FROM unnest($1::uuid[], $2::int[]) AS t(id, v) WHERE m.id = t.id AND m.version = t.v AND m.status = 'ACTIVE' RETURNING m.id`
      : `UPDATE "Member" m SET status = 'EXITED', "exitedAt" = $3::date, "exitKind" = $4::"MovementKind", "exitNote" = $5, version = m.version + 1, "updatedAt" = now()
       WHERE m.id = ANY($1::uuid[]) AND m.status = 'ACTIVE' AND $2::int[] IS NULL RETURNING m.id`,
    [o.ids, o.versions ?? null, o.date, o.reason, o.note ?? null],
  );
  const ids = exited.rows.map((x) => x.id);
  await c.query(
    `UPDATE "Registration" SET "validTo" = $2::date, "endKind" = $3::"MovementKind" WHERE "memberId" = ANY($1::uuid[]) AND "validTo" IS NULL`,
    [ids, o.date, o.reason],
  );
  await c.query(
    `INSERT INTO "Movement" (id, "memberId", kind, date, "organisationId", note, "createdById")
    SELECT gen_random_uuid(), m.id, $2::"MovementKind", $3::date, m."organisationId", $5, $4::uuid FROM "Member" m WHERE m.id = ANY($1::uuid[])`,
    [ids, o.reason, o.date, o.userId, o.note ?? null],
  );
  const blocked = cards.rows.filter((x) => ids.includes(x.memberId));
  if (blocked.length) {
    const cardIds = blocked.map((x) => x.id);
    await c.query(
      `UPDATE "Card" SET status = 'BLOCKED', "blockedAt" = $2::date, "blockReason" = 'EXIT', "updatedAt" = now() WHERE id = ANY($1::uuid[])`,
      [cardIds, o.date],
    );
    await c.query(
      `INSERT INTO "CardEvent" (id, "cardId", status, date, note, "userId") SELECT gen_random_uuid(), id, 'BLOCKED', $2::date, 'Выход из Профсоюза', $3::uuid FROM unnest($1::uuid[]) AS id`,
      [cardIds, o.date, o.userId],
    );
  }
  return { ids, blocked };
}

/**
 * Changes members' categories from `date`: a period that began that day just changes; an older one is closed and
 * a new one opens. The member rows are updated by the caller (which knows its versioning).
 */
export async function splitCategory(c: pg.PoolClient, ids: string[], categories: Category[], date: string) {
  await c.query(
    `UPDATE "Registration" r SET category = t.cat FROM unnest($1::uuid[], $2::"Category"[]) AS t(id, cat)
    WHERE r."memberId" = t.id AND r."validTo" IS NULL AND r."validFrom" = $3::date`,
    [ids, categories, date],
  );
  await c.query(
    `WITH closed AS (UPDATE "Registration" r SET "validTo" = $3::date, "endKind" = 'CATEGORY_CHANGE'
      FROM unnest($1::uuid[]) AS t(id) WHERE r."memberId" = t.id AND r."validTo" IS NULL AND r."validFrom" < $3::date RETURNING r."memberId", r."organisationId")
    INSERT INTO "Registration" (id, "memberId", "organisationId", category, "validFrom", "startKind")
    SELECT gen_random_uuid(), closed."memberId", closed."organisationId", t.cat, $3::date, 'CATEGORY_CHANGE'
    FROM closed JOIN unnest($1::uuid[], $2::"Category"[]) AS t(id, cat) ON t.id = closed."memberId"`,
    [ids, categories, date],
  );
}

/** Active members of `ids` not already at the target, locked in id order (as the triggers on cards lock them). */
const LOCK_MOVABLE_SQL = `SELECT id FROM "Member"
  WHERE id = ANY($1::uuid[]) AND status = 'ACTIVE' AND "organisationId" <> $2::uuid ORDER BY id FOR NO KEY UPDATE`;

export async function lockMovable(c: pg.PoolClient, ids: string[], targetId: string): Promise<string[]> {
  return (await c.query<{ id: string }>(LOCK_MOVABLE_SQL, [ids, targetId])).rows.map((x) => x.id);
}

/** Registered and moved on the same day ($3 = the date): the open period simply moves to the target ($2). */
const MOVE_SAME_DAY_SQL = `UPDATE "Registration" SET "organisationId" = $2::uuid
  WHERE "memberId" = ANY($1::uuid[]) AND "validTo" IS NULL AND "validFrom" = $3::date`;
/** Otherwise the open period closes on the date (TRANSFER_OUT) and a new one opens at the target (TRANSFER_IN). */
const CLOSE_AND_OPEN_SQL = `WITH closed AS (
    UPDATE "Registration" SET "validTo" = $3::date, "endKind" = 'TRANSFER_OUT'
    WHERE "memberId" = ANY($1::uuid[]) AND "validTo" IS NULL AND "validFrom" < $3::date RETURNING "memberId", category)
  INSERT INTO "Registration" (id, "memberId", "organisationId", category, "validFrom", "startKind")
  SELECT gen_random_uuid(), "memberId", $2::uuid, category, $3::date, 'TRANSFER_IN' FROM closed`;
/** Both movements of each transfer ($4 = the user), read from the member rows before they move. */
const TRANSFER_MOVEMENTS_SQL = `INSERT INTO "Movement" (id, "memberId", kind, date, "organisationId", "otherOrganisationId", "createdById")
  SELECT gen_random_uuid(), id, 'TRANSFER_OUT'::"MovementKind", $3::date, "organisationId", $2::uuid, $4::uuid
  FROM "Member" WHERE id = ANY($1::uuid[])
  UNION ALL SELECT gen_random_uuid(), id, 'TRANSFER_IN'::"MovementKind", $3::date, $2::uuid, "organisationId", $4::uuid
  FROM "Member" WHERE id = ANY($1::uuid[])`;
const MOVE_MEMBERS_SQL = `UPDATE "Member" SET "organisationId" = $2::uuid, version = version + 1, "updatedAt" = now()
  WHERE id = ANY($1::uuid[])`;

/** Transfers the locked members to the target on the date: periods, movements, then the members themselves. */
export async function transferWrites(
  c: pg.PoolClient,
  mids: string[],
  targetId: string,
  date: string,
  userId: string | null,
): Promise<void> {
  await c.query(MOVE_SAME_DAY_SQL, [mids, targetId, date]);
  await c.query(CLOSE_AND_OPEN_SQL, [mids, targetId, date]);
  await c.query(TRANSFER_MOVEMENTS_SQL, [mids, targetId, date, userId]);
  await c.query(MOVE_MEMBERS_SQL, [mids, targetId]);
}

/** Active members of `ids` whose category differs from $2, locked in id order. */
const LOCK_RECATEGORISED_SQL = `SELECT id FROM "Member"
  WHERE id = ANY($1::uuid[]) AND status = 'ACTIVE' AND category <> $2::"Category" ORDER BY id FOR NO KEY UPDATE`;

export async function lockRecategorised(c: pg.PoolClient, ids: string[], category: Category): Promise<string[]> {
  return (await c.query<{ id: string }>(LOCK_RECATEGORISED_SQL, [ids, category])).rows.map((x) => x.id);
}

/** The category change's movement (the new category as its note) and the members' new category. */
const CATEGORY_MOVEMENT_SQL = `INSERT INTO "Movement" (id, "memberId", kind, date, "organisationId", note, "createdById")
  SELECT gen_random_uuid(), id, 'CATEGORY_CHANGE', $3::date, "organisationId", $2, $4::uuid FROM "Member"
  WHERE id = ANY($1::uuid[])`;
const SET_CATEGORY_SQL = `UPDATE "Member" SET category = $2::"Category", version = version + 1, "updatedAt" = now()
  WHERE id = ANY($1::uuid[])`;

export async function categoryWrites(
  c: pg.PoolClient,
  mids: string[],
  category: Category,
  date: string,
  userId: string | null,
): Promise<void> {
  await c.query(CATEGORY_MOVEMENT_SQL, [mids, category, date, userId]);
  await c.query(SET_CATEGORY_SQL, [mids, category]);
}

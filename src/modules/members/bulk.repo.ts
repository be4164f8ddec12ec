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

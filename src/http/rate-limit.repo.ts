import { sqlPool } from '../db';

/**
 * One hit, atomically: a new key or an expired window starts again at 1 with a new reset time; a live window
 * counts up. Concurrent hits from several app processes serialise on the row (ON CONFLICT), so none is lost.
 */
const INCREMENT_SQL = `
  INSERT INTO "RateLimit" ("key", "hits", "resetAt")
  VALUES ($1, 1, now() + $2 * interval '1 millisecond')
  ON CONFLICT ("key") DO UPDATE SET
    "hits" = CASE WHEN "RateLimit"."resetAt" <= now() THEN 1 ELSE "RateLimit"."hits" + 1 END,
    "resetAt" = CASE WHEN "RateLimit"."resetAt" <= now() THEN EXCLUDED."resetAt" ELSE "RateLimit"."resetAt" END
  RETURNING "hits", "resetAt"`;

/** Takes back a hit (express-rate-limit's skipSuccessfulRequests) within the live window only. */
const DECREMENT_SQL = `
  UPDATE "RateLimit" SET "hits" = greatest("hits" - 1, 0)
  WHERE "key" = $1 AND "resetAt" > now()`;

const GET_SQL = `SELECT "hits", "resetAt" FROM "RateLimit" WHERE "key" = $1 AND "resetAt" > now()`;

/** Expired windows: nothing reads them any more (increment restarts them anyway). */
const CLEANUP_SQL = `DELETE FROM "RateLimit" WHERE "resetAt" < now() - interval '1 minute'`;

export interface Hits {
  hits: number;
  resetAt: Date;
}

export async function incrementHits(key: string, windowMs: number): Promise<Hits> {
  const r = await sqlPool().query<Hits>(INCREMENT_SQL, [key, windowMs]);
  const row = r.rows[0];
  if (!row) throw new Error('RateLimit: no row returned');
  return row;
}

export async function decrementHits(key: string): Promise<void> {
  await sqlPool().query(DECREMENT_SQL, [key]);
}

export async function getHits(key: string): Promise<Hits | undefined> {
  const r = await sqlPool().query<Hits>(GET_SQL, [key]);
  return r.rows[0];
}

export async function resetHits(key: string): Promise<void> {
  await sqlPool().query('DELETE FROM "RateLimit" WHERE "key" = $1', [key]);
}

export async function resetHitsWithPrefix(prefix: string): Promise<void> {
  await sqlPool().query('DELETE FROM "RateLimit" WHERE starts_with("key", $1)', [prefix]);
}

export async function deleteExpiredHits(): Promise<number> {
  const r = await sqlPool().query(CLEANUP_SQL);
  return r.rowCount ?? 0;
}

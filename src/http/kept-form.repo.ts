import { sqlPool } from '../db';

/** One kept form per user: a new one replaces the older (and every expired row goes, whoever's). */
const CLEAR_SQL = `DELETE FROM "KeptForm" WHERE "userId" = $1 OR "expiresAt" < now()`;

const INSERT_SQL = `
  INSERT INTO "KeptForm" ("id", "userId", "page", "fields", "expiresAt")
  VALUES ($1, $2, $3, $4::jsonb, now() + $5 * interval '1 millisecond')`;

const FIND_SQL = `SELECT "userId", "page", "fields" FROM "KeptForm" WHERE "id" = $1 AND "expiresAt" > now()`;

export interface KeptFormRow {
  userId: string;
  page: string;
  fields: Record<string, string | string[]>;
}

export async function saveKeptForm(
  id: string,
  userId: string,
  page: string,
  fields: Record<string, string | string[]>,
  ttlMs: number,
): Promise<void> {
  const client = await sqlPool().connect();
  try {
    await client.query('BEGIN');
    await client.query(CLEAR_SQL, [userId]);
    await client.query(INSERT_SQL, [id, userId, page, JSON.stringify(fields), ttlMs]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

export async function findKeptForm(id: string): Promise<KeptFormRow | undefined> {
  const r = await sqlPool().query<KeptFormRow>(FIND_SQL, [id]);
  return r.rows[0];
}

export async function deleteKeptForm(id: string): Promise<void> {
  await sqlPool().query('DELETE FROM "KeptForm" WHERE "id" = $1', [id]);
}

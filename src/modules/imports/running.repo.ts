import { sqlPool } from '../../db';

/**
 * Which import is really running: a run holds a session advisory lock named after its job for its whole
 * length, on a connection of its own. A process killed mid-run loses its connection and so the lock, which
 * tells a restarted worker that a job left «выполняется» is an orphan, not another process's live run.
 */
const LOCK_KEY = `hashtextextended('reestr.import:' || $1::text, 0)`;
const TRY_LOCK = `SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`;
const UNLOCK = `SELECT pg_advisory_unlock(${LOCK_KEY})`;

/** Runs `fn` holding the job's lock; when another live run holds it, does nothing and returns false. */
export async function withImportLock(jobId: string, fn: () => Promise<void>): Promise<boolean> {
  const c = await sqlPool().connect();
  try {
    const got = await c.query<{ ok: boolean }>(TRY_LOCK, [jobId]);
    if (!got.rows[0].ok) return false;
    try {
      await fn();
    } finally {
      await c.query(UNLOCK, [jobId]).catch(() => undefined);
    }
    return true;
  } finally {
    c.release();
  }
}

/** Imports marked RUNNING whose lock nobody holds: their process died. */
const RUNNING_JOBS = `SELECT id FROM "ImportJob" WHERE status = 'RUNNING' ORDER BY "createdAt"`;

export async function orphanedImports(): Promise<string[]> {
  const c = await sqlPool().connect();
  try {
    const orphans: string[] = [];
    for (const { id } of (await c.query<{ id: string }>(RUNNING_JOBS)).rows) {
      const got = await c.query<{ ok: boolean }>(TRY_LOCK, [id]);
      if (!got.rows[0].ok) continue;
      await c.query(UNLOCK, [id]);
      orphans.push(id);
    }
    return orphans;
  } finally {
    c.release();
  }
}

/** Puts an orphan back in the queue's hands (only if it still is RUNNING). */
export async function requeueImport(id: string): Promise<boolean> {
  const r = await sqlPool().query(
    `UPDATE "ImportJob" SET status = 'QUEUED', progress = 0, error = NULL WHERE id = $1 AND status = 'RUNNING'`,
    [id],
  );
  return r.rowCount === 1;
}

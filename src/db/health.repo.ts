import fs from 'node:fs';
import path from 'node:path';
import { sqlPool } from '../db';
import { MIGRATIONS_DIR } from './migrate';

/** The migrations shipped with this build (folder names), read once. */
let shipped: string[] | undefined;
function shippedMigrations(): string[] {
  shipped ??= fs
    .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(MIGRATIONS_DIR, d.name, 'migration.sql')))
    .map((d) => d.name);
  return shipped;
}

/** Applied migrations: finished and not rolled back. */
const APPLIED_MIGRATIONS = `
  SELECT migration_name FROM "_prisma_migrations"
  WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

export interface Readiness {
  database: boolean;
  pendingMigrations: number;
}

/** Is the database reachable and every shipped migration applied? Never throws. */
export async function readiness(timeoutMs = 2000): Promise<Readiness> {
  try {
    const q = sqlPool().query<{ migration_name: string }>(APPLIED_MIGRATIONS);
    const timeout = new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error('timeout')), timeoutMs).unref();
    });
    const { rows } = await Promise.race([q, timeout]);
    const applied = new Set(rows.map((r) => r.migration_name));
    return { database: true, pendingMigrations: shippedMigrations().filter((m) => !applied.has(m)).length };
  } catch {
    return { database: false, pendingMigrations: -1 };
  }
}

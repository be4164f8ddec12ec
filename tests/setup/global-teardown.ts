import fs from 'node:fs';
import pg from 'pg';
import type { EmbeddedDb } from '../../src/db/embedded';

export default async function globalTeardown() {
  const e = (globalThis as Record<string, unknown>).__REESTR_EMBEDDED__ as
    { embedded: EmbeddedDb; dir: string } | undefined;
  if (e) {
    await e.embedded.stop().catch(() => undefined);
    fs.rmSync(e.dir, { recursive: true, force: true });
    return;
  }
  // On an external server: drop the databases this run created.
  const c = new pg.Client({ connectionString: process.env.REESTR_TEST_ADMIN_URL });
  await c.connect();
  try {
    const { rows } = await c.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'reestr_test_%'",
    );
    for (const r of rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

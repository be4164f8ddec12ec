import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbedded } from '../../src/db/embedded';
import { migrate } from '../../src/db/migrate';

export const TEMPLATE_DB = 'reestr_test_template';

/**
 * Starts the embedded PostgreSQL (unless DATABASE_URL points at a server), builds a template database
 * from the migrations once, and tells the test environments where it is: each test file then gets its own
 * database copied from the template in milliseconds.
 */
export default async function globalSetup() {
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reestr-test-'));
    fs.chmodSync(dir, 0o755); // the embedded server runs as its own user
    const port = 15000 + Math.floor(Math.random() * 20000);
    const embedded = await startEmbedded({ dir: path.join(dir, 'pg'), port, persistent: false });
    (globalThis as Record<string, unknown>).__REESTR_EMBEDDED__ = { embedded, dir };
    adminUrl = embedded.url('postgres');
  }
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await c.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${TEMPLATE_DB}`;
  await migrate(u.toString());
  process.env.REESTR_TEST_ADMIN_URL = adminUrl;
  process.env.REESTR_TEST_TEMPLATE = TEMPLATE_DB;
}

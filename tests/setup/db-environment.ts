import crypto from 'node:crypto';
import { TestEnvironment } from 'jest-environment-node';
import pg from 'pg';

/** Each test file runs against its own database, copied from the migrated template. */
export default class DbEnvironment extends TestEnvironment {
  private dbName = `reestr_test_${crypto.randomBytes(6).toString('hex')}`;

  private admin(): pg.Client {
    return new pg.Client({ connectionString: process.env.REESTR_TEST_ADMIN_URL });
  }

  async setup(): Promise<void> {
    await super.setup();
    const c = this.admin();
    await c.connect();
    try {
      await c.query(`CREATE DATABASE ${this.dbName} TEMPLATE ${process.env.REESTR_TEST_TEMPLATE}`);
    } finally {
      await c.end();
    }
    const u = new URL(process.env.REESTR_TEST_ADMIN_URL!);
    u.pathname = `/${this.dbName}`;
    const env = this.global.process.env;
    env.DATABASE_URL = u.toString();
    env.NODE_ENV = 'test';
    env.LOG_LEVEL = env.LOG_LEVEL_TEST ?? 'silent';
    env.SESSION_SECRET = 'test-session-secret-0123456789';
  }

  async teardown(): Promise<void> {
    const c = this.admin();
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`);
    } finally {
      await c.end();
    }
    await super.teardown();
  }
}

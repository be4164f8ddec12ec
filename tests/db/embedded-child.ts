/**
 * The embedded PostgreSQL in a process of its own (jest cannot load the ESM package), for tests/db/embedded.test.ts.
 * Usage: node --import tsx tests/db/embedded-child.ts hold|once <dir> <port>
 *   hold: start, print "ready", wait (to be killed);  once: start, query, stop, print "ok".
 * A failed start prints the error's message on stderr and exits with 2.
 */
import pg from 'pg';
import { startEmbedded } from '../../src/db/embedded';

async function main() {
  const [mode, dir, port] = process.argv.slice(2);
  const db = await startEmbedded({ dir, port: Number(port), persistent: true });
  if (mode === 'hold') {
    process.stdout.write('ready\n');
    setInterval(() => undefined, 60_000);
    return;
  }
  const c = new pg.Client({ connectionString: db.url('postgres') });
  await c.connect();
  await c.query('SELECT 1');
  await c.end();
  await db.stop();
  process.stdout.write('ok\n');
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});

/**
 * Prints the SQL that takes the schema as committed (git HEAD) to prisma/schema.prisma as it is now:
 *   npm run migration:diff > prisma/migrations/<yyyymmddhhmmss>_<name>/migration.sql
 * Then add partial indexes, CHECKs and triggers by hand. Prisma's CLI (engine "js") wants a
 * reachable database even for a pure schema diff, so a throwaway embedded PostgreSQL is started.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbedded } from '../src/db/embedded';

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reestr-diff-'));
  fs.chmodSync(tmp, 0o755); // the embedded server runs as its own user
  const pgdb = await startEmbedded({
    dir: path.join(tmp, 'pg'),
    port: 20000 + Math.floor(Math.random() * 20000),
    persistent: false,
  });
  try {
    let from = ['--from-empty'];
    try {
      const old = execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      fs.writeFileSync(path.join(tmp, 'old.prisma'), old);
      from = ['--from-schema-datamodel', path.join(tmp, 'old.prisma')];
    } catch {
      /* no commit yet: diff from empty */
    }
    const out = execFileSync(
      'npx',
      ['prisma', 'migrate', 'diff', ...from, '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
      {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: pgdb.url('postgres') },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    process.stdout.write(out);
  } finally {
    await pgdb.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});

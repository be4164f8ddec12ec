/**
 * Runs one import job in a separate process, for the test that kills the process mid-run.
 * Usage: DATABASE_URL=… node --import tsx tests/imports/child-run.ts <jobId>
 */
import { runImport } from '../../src/modules/imports/imports.service';
import { disconnectDb } from '../../src/db';

async function main() {
  const jobId = process.argv[2];
  if (!jobId) throw new Error('job id?');
  await runImport(jobId);
  await disconnectDb();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

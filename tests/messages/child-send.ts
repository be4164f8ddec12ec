/**
 * Sends one message in a separate process, for the test that kills the process mid-send.
 * Usage: DATABASE_URL=… SMTP_URL=… MAIL_FROM=… node --import tsx tests/messages/child-send.ts <messageId>
 */
import { runMessage } from '../../src/modules/messages/messages.service';
import { disconnectDb } from '../../src/db';

async function main() {
  const id = process.argv[2];
  if (!id) throw new Error('message id?');
  await runMessage(id);
  await disconnectDb();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

import type { Actor } from '../policy/actor';
import { createMessage, runMessage } from '../modules/messages/messages.service';

/**
 * A message the demo primary's chair sent to its members by e-mail: with no SMTP server in the demo, every letter
 * is kept in the outbox (/outbox, the central administrator), each with its one-click unsubscribe link.
 */
export async function buildDemoMessage(org: { id: string; path: string }, chair: { id: string; login: string }) {
  const actor: Actor = {
    kind: 'user',
    userId: chair.id,
    login: chair.login,
    fullName: '',
    ndaAcceptedAt: new Date(),
    assignments: [],
    via: 'system',
  };
  const msg = await createMessage(actor, org, {
    channel: 'EMAIL',
    subject: 'Профсоюзное собрание',
    text: 'Уважаемые коллеги! Профсоюзное собрание пройдёт в четверг в 15:00 в актовом зале. Повестка: отчёт председателя, оздоровление летом.',
  });
  await runMessage(msg.id);
}

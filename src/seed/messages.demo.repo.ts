import { db } from '../db';
import type { Actor } from '../policy/actor';
import { createMessage, runMessage } from '../modules/messages/messages.service';
import { webPushEnabled } from '../modules/push/push.transport';

/**
 * Messages the demo primary's chair sent to its members, by e-mail and by web push: with no SMTP server and no push
 * service in the demo, every letter and push is kept in the outbox (/outbox, the central administrator), each letter
 * with its one-click unsubscribe link.
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
  // Demo members are generated without contacts: two in three of this primary's members get a demo e-mail address.
  await db().$executeRaw`
    UPDATE "Person" p SET email = 'member-' || left(p.id::text, 8) || '@example.ru'
    FROM (SELECT m."personId", row_number() OVER (ORDER BY m."personId") AS n
          FROM "Member" m WHERE m."organisationId" = ${org.id}::uuid AND m.status = 'ACTIVE') x
    WHERE p.id = x."personId" AND x.n % 3 <> 0 AND p.email IS NULL`;
  const msg = await createMessage(actor, org, {
    channel: 'EMAIL',
    subject: 'Профсоюзное собрание',
    text: 'Уважаемые коллеги! Профсоюзное собрание пройдёт в четверг в 15:00 в актовом зале. Повестка: отчёт председателя, оздоровление летом.',
  });
  await runMessage(msg.id);
  // The demo's push subscription points nowhere: sent only while pushes stay in the outbox (WEB_PUSH unset or 0).
  if (webPushEnabled()) return;
  const push = await createMessage(actor, org, {
    channel: 'PUSH',
    subject: 'Путёвки в санаторий',
    text: 'Открыта запись на летние путёвки для членов Профсоюза. Подробности у председателя.',
  });
  await runMessage(push.id);
}

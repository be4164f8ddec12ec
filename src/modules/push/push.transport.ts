import webpush from 'web-push';
import { config } from '../../config';
import { deleteSubscription, findSubscription, vapidKeys } from './push.repo';

/** A failure that a retry cannot mend (the subscription is gone): the delivery is settled as failed at once. */
export class PermanentPushError extends Error {
  readonly permanent = true;
}

/** Whether web push goes to the browsers' push services; off in the embedded demo (push messages stay in the outbox). */
export function webPushEnabled(): boolean {
  return config.WEB_PUSH ? config.WEB_PUSH === '1' : !config.demoMode;
}

/** The VAPID "subject": how a push service reaches the sender (RFC 8292 § 2.1). */
function vapidSubject(): string {
  if (config.PUBLIC_URL?.startsWith('https:')) return config.PUBLIC_URL;
  const mail = config.MAIL_FROM ? /<?([^<>\s]+@[^<>\s]+)>?\s*$/.exec(config.MAIL_FROM)?.[1] : undefined;
  return `mailto:${mail ?? 'noreply@example.invalid'}`;
}

/** What the service worker shows: a title, the text (cut to keep the payload under the services' 4 KB) and a link. */
export function pushPayload(title: string | null | undefined, text: string): string {
  return JSON.stringify({ title: title || 'Профсоюз', body: text.slice(0, 1000), url: '/me' });
}

/**
 * Delivers one web push: `to` is the PushSubscription id. web-push encrypts the payload (aes128gcm) and signs the
 * VAPID header; the request itself goes to the subscription's endpoint. 404/410 mean the browser unsubscribed: the
 * subscription is removed and the failure is permanent.
 */
/** A message as the mail module's transports hand it over (declared here so that push does not import mail). */
export interface PushOutgoing {
  to: string;
  subject?: string | null;
  text: string;
}

export async function sendWebPush(m: PushOutgoing): Promise<void> {
  const sub = await findSubscription(m.to);
  if (!sub) throw new PermanentPushError('Подписка на уведомления удалена');
  const keys = await vapidKeys();
  const details = webpush.generateRequestDetails(
    { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
    pushPayload(m.subject, m.text),
    {
      vapidDetails: { subject: vapidSubject(), publicKey: keys.publicKey, privateKey: keys.privateKey },
      TTL: 24 * 3600,
      contentEncoding: 'aes128gcm',
    },
  );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(details.headers)) headers[k] = String(v);
  const res = await fetch(details.endpoint, {
    method: 'POST',
    headers,
    body: details.body ?? undefined,
    signal: AbortSignal.timeout(15_000),
  });
  if (res.status === 404 || res.status === 410) {
    await deleteSubscription(sub.id);
    throw new PermanentPushError(`Служба уведомлений ответила ${res.status}: подписка больше не действует и удалена`);
  }
  if (!res.ok) throw new Error(`Служба уведомлений ответила ${res.status}`);
}

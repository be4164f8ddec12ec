import { z } from 'zod';
import { AppError } from '../../http/errors';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import {
  messagingConsentInForce,
  removeAllSubscriptions,
  removeSubscription,
  saveSubscription,
  subscriptionCount,
  vapidKeys,
} from './push.repo';

const b64url = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]+=*$/)
    .min(min)
    .max(max);

/** What the browser's PushSubscription gives (endpoint and keys), posted by public/me-push.js as a form. */
export const subscriptionInput = z.object({
  // Browsers' push services are HTTPS; anything else is refused (the server would POST to it).
  endpoint: z.string().trim().max(1000).url().startsWith('https://'),
  p256dh: b64url(80, 100),
  auth: b64url(16, 40),
});

/** The /me section: whether this member may subscribe, how many browsers are subscribed, the key browsers need. */
export async function pushState(personId: string) {
  const [consent, devices, keys] = await Promise.all([
    messagingConsentInForce(personId),
    subscriptionCount(personId),
    vapidKeys(),
  ]);
  return { consent, devices, publicKey: keys.publicKey };
}

/**
 * Subscribes this browser to the member's messages by web push. Only with the messaging consent in force: a
 * member without it is told to give it first (152-ФЗ: messages only with consent).
 */
export async function subscribe(actor: Actor, raw: unknown): Promise<void> {
  const personId = actor.personId!;
  if (!(await messagingConsentInForce(personId)))
    throw new AppError(
      'UNPROCESSABLE',
      'Уведомления приходят только с согласием на сообщения Профсоюза: сначала дайте его в разделе «Согласия»',
    );
  const parsed = subscriptionInput.safeParse(raw);
  if (!parsed.success)
    throw new AppError('BAD_REQUEST', 'Браузер не передал подписку на уведомления: попробуйте ещё раз');
  const s = await saveSubscription(personId, parsed.data);
  await audit(null, { action: 'member.push.subscribed', entity: 'PushSubscription', entityId: s.id });
}

/** This browser (by its endpoint), or every browser of the member when no endpoint is given (works without JS). */
export async function unsubscribe(actor: Actor, endpoint: string | null): Promise<number> {
  const personId = actor.personId!;
  const n = endpoint ? await removeSubscription(personId, endpoint) : await removeAllSubscriptions(personId);
  if (n > 0)
    await audit(null, { action: 'member.push.unsubscribed', entity: 'Person', entityId: personId, rowCount: n });
  return n;
}

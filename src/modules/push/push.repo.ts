import webpush from 'web-push';
import { db } from '../../db';
import { currentConsent } from '../consents/consents.repo';

/** The VAPID key pair (RFC 8292): made once, on first use, and kept in the database like the other server secrets. */
const VAPID_SECRET = 'web-push-vapid';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

function parseKeys(value: string): VapidKeys | null {
  try {
    const v = JSON.parse(value) as Partial<VapidKeys>;
    return typeof v.publicKey === 'string' && typeof v.privateKey === 'string'
      ? { publicKey: v.publicKey, privateKey: v.privateKey }
      : null;
  } catch {
    return null;
  }
}

export async function vapidKeys(): Promise<VapidKeys> {
  const found = await db().appSecret.findUnique({ where: { name: VAPID_SECRET } });
  const keys = found && parseKeys(found.value);
  if (keys) return keys;
  // Two processes may both make a pair: the first one written wins, and both read it back.
  await db().appSecret.upsert({
    where: { name: VAPID_SECRET },
    create: { name: VAPID_SECRET, value: JSON.stringify(webpush.generateVAPIDKeys()) },
    update: {},
  });
  const row = await db().appSecret.findUniqueOrThrow({ where: { name: VAPID_SECRET } });
  const stored = parseKeys(row.value);
  if (!stored) throw new Error('VAPID keys in AppSecret are unreadable');
  return stored;
}

export interface SubscriptionInput {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** A browser is one subscription: the same endpoint signed in as another member now belongs to that member. */
export async function saveSubscription(personId: string, s: SubscriptionInput) {
  return db().pushSubscription.upsert({
    where: { endpoint: s.endpoint },
    create: { personId, endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth },
    update: { personId, p256dh: s.p256dh, auth: s.auth },
    select: { id: true },
  });
}

/** Removes this member's subscription with that endpoint (another member's is never touched). */
export async function removeSubscription(personId: string, endpoint: string): Promise<number> {
  return (await db().pushSubscription.deleteMany({ where: { personId, endpoint } })).count;
}

export async function removeAllSubscriptions(personId: string): Promise<number> {
  return (await db().pushSubscription.deleteMany({ where: { personId } })).count;
}

export async function subscriptionCount(personId: string): Promise<number> {
  return db().pushSubscription.count({ where: { personId } });
}

export async function findSubscription(id: string) {
  return db().pushSubscription.findUnique({ where: { id } });
}

/** The push service said the subscription is gone (404/410): it is never used again. */
export async function deleteSubscription(id: string): Promise<void> {
  await db().pushSubscription.deleteMany({ where: { id } });
}

export async function messagingConsentInForce(personId: string): Promise<boolean> {
  return !!(await currentConsent(db(), personId, 'MESSAGING'));
}

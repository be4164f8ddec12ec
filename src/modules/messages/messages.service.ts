import { config } from '../../config';
import type { Category, OutboxChannel } from '../../generated/prisma/client';
import { today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { send } from '../mail/mail.service';
import {
  audienceCounts,
  claimNext,
  findMessage,
  insertMessage,
  pushSubscriptionsOf,
  recipientNow,
  recoverStale,
  remaining,
  setMessageStatus,
  settleDelivery,
} from './messages.repo';
import { unsubscribeUrl } from './unsubscribe';

export const CHANNEL_LABELS: Record<OutboxChannel, string> = {
  EMAIL: 'электронная почта',
  SMS: 'SMS',
  PUSH: 'push-уведомление',
};
export const MAX_ATTEMPTS = 3;

export interface MessageInput {
  channel: OutboxChannel;
  subject?: string | null;
  text: string;
  category?: Category | null;
}

export async function preview(org: { path: string }, input: { channel: OutboxChannel; category?: Category | null }) {
  return audienceCounts(org.path, input.channel, input.category ?? null, today());
}

/** Writes the message with its recipients as of now and audits it; the caller queues the sending. */
export async function createMessage(actor: Actor, org: { id: string; path: string }, input: MessageInput) {
  const msg = await insertMessage({
    organisationId: org.id,
    path: org.path,
    channel: input.channel,
    category: input.category ?? null,
    subject: input.subject?.trim() || null,
    text: input.text,
    createdById: actor.userId,
    on: today(),
  });
  await audit(actor, {
    action: 'message.created',
    entity: 'Message',
    entityId: msg.id,
    organisationId: org.id,
    rowCount: msg.recipients,
    details: {
      channel: msg.channel,
      category: msg.category,
      skippedNoConsent: msg.skippedNoConsent,
      skippedNoContact: msg.skippedNoContact,
    },
  });
  return msg;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RunOptions {
  /** A SENDING row older than this was left by a dead worker (default 5 minutes: longer than any transport timeout). */
  staleSeconds?: number;
  /** Delay before the retry after a transport failure, times the attempt number (default 30 s). */
  retryDelayMs?: number;
}

function ratePerSecond(channel: OutboxChannel): number {
  return channel === 'EMAIL'
    ? config.MESSAGE_RATE_EMAIL
    : channel === 'SMS'
      ? config.MESSAGE_RATE_SMS
      : config.MESSAGE_RATE_PUSH;
}

/**
 * The job: sends the message to its recipients one by one at the channel's rate. Each delivery row is claimed
 * (committed as SENDING) before the send, so a worker dying half-way and a re-run never send it twice; transport
 * failures are retried up to MAX_ATTEMPTS times.
 */
export async function runMessage(messageId: string, opts: RunOptions = {}): Promise<void> {
  const msg = await findMessage(messageId);
  if (!msg || msg.status === 'DONE') return;
  const stale = opts.staleSeconds ?? 300;
  await recoverStale(messageId, stale, MAX_ATTEMPTS);
  await setMessageStatus(messageId, 'SENDING');
  const gap = 1000 / ratePerSecond(msg.channel);
  const retryDelay = opts.retryDelayMs ?? 30_000;
  for (;;) {
    const d = await claimNext(messageId);
    if (!d) {
      const left = await remaining(messageId);
      if (left.open === 0) break;
      if (!left.next) {
        // Only rows claimed by another worker are left: wait until it settles them, or until they are stale (that
        // worker died) and the outbox tells what became of them.
        await sleep(Math.min(stale * 1000 + 1000, 60_000));
        await recoverStale(messageId, stale, MAX_ATTEMPTS);
        continue;
      }
      await sleep(Math.max(50, Math.min(60_000, left.next.getTime() - Date.now())));
      continue;
    }
    const started = Date.now();
    const r = await deliverOne(msg, d.id, d.personId);
    if (r.ok) await settleDelivery(d.id, { status: r.skipped ? 'SKIPPED' : 'SENT', error: r.skipped ?? null });
    else if (d.attempts < MAX_ATTEMPTS && !r.permanent)
      await settleDelivery(d.id, {
        status: 'PENDING',
        error: r.error,
        retryAt: new Date(Date.now() + retryDelay * d.attempts),
      });
    else await settleDelivery(d.id, { status: 'FAILED', error: r.error });
    const wait = gap - (Date.now() - started);
    if (wait > 0) await sleep(wait);
  }
  await setMessageStatus(messageId, 'DONE');
}

type Msg = NonNullable<Awaited<ReturnType<typeof findMessage>>>;

async function deliverOne(
  msg: Msg,
  deliveryId: string,
  personId: string,
): Promise<{ ok: true; skipped?: string } | { ok: false; error: string; permanent?: boolean }> {
  const p = await recipientNow(personId, today());
  if (!p?.consent) return { ok: true, skipped: 'Согласие на рассылку отозвано' };
  const url = await unsubscribeUrl(personId, msg.id);
  const link = { messageId: msg.id, recipientId: deliveryId };
  if (msg.channel === 'EMAIL') {
    if (!p.email) return { ok: true, skipped: 'Нет адреса электронной почты' };
    const r = await send({
      channel: 'EMAIL',
      to: p.email,
      subject: msg.subject ?? 'Сообщение Профсоюза',
      text: `${msg.text}\n\n—\nВы получили это письмо, потому что дали согласие на сообщения Профсоюза.\nОтписаться в один клик: ${url}`,
      headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      ...link,
    });
    return r.status === 'FAILED' ? { ok: false, error: r.error ?? 'Ошибка отправки' } : { ok: true };
  }
  if (msg.channel === 'SMS') {
    if (!p.phone) return { ok: true, skipped: 'Нет номера телефона' };
    const r = await send({ channel: 'SMS', to: p.phone, text: `${msg.text}\nОтписаться: ${url}`, ...link });
    return r.status === 'FAILED' ? { ok: false, error: r.error ?? 'Ошибка отправки' } : { ok: true };
  }
  // Web push: every browser the member subscribed; a subscription the push service no longer knows is removed by the
  // transport, so a message that reached none of them because all are gone is not retried.
  const subs = await pushSubscriptionsOf(personId);
  if (!subs.length) return { ok: true, skipped: 'Нет подписки на уведомления' };
  let delivered = 0;
  let error = '';
  let permanent = true;
  for (const s of subs) {
    const r = await send({ channel: 'PUSH', to: s.id, subject: msg.subject ?? 'Профсоюз', text: msg.text, ...link });
    if (r.status !== 'FAILED') delivered++;
    else {
      error = r.error ?? 'Ошибка отправки';
      permanent &&= r.permanent === true;
    }
  }
  return delivered > 0 ? { ok: true } : { ok: false, error, permanent };
}

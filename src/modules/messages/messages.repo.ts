import { withdrawInForce } from '../consents/consents.repo';
import crypto from 'node:crypto';
import { db } from '../../db';
import { Prisma } from '../../generated/prisma/client';
import type { Category, DeliveryStatus, OutboxChannel } from '../../generated/prisma/client';
import {
  audienceCountsSql,
  audienceSql,
  claimSql,
  consentInForce,
  insertDeliveriesSql,
  recoverSql,
} from './messages.sql';

export interface Audience {
  recipients: number;
  skippedNoConsent: number;
  skippedNoContact: number;
}

export async function audienceCounts(path: string, channel: OutboxChannel, category: Category | null, on: string) {
  const [row] = await db().$queryRaw<Audience[]>(audienceCountsSql(audienceSql(path, channel, category, on)));
  return row;
}

/** The message and its delivery rows (one per recipient in force now), in one transaction. */
export async function insertMessage(m: {
  organisationId: string;
  path: string;
  channel: OutboxChannel;
  category: Category | null;
  subject: string | null;
  text: string;
  createdById: string | null;
  on: string;
}) {
  return db().$transaction(async (tx) => {
    const audience = audienceSql(m.path, m.channel, m.category, m.on);
    const [counts] = await tx.$queryRaw<Audience[]>(audienceCountsSql(audience));
    const msg = await tx.message.create({
      data: {
        organisationId: m.organisationId,
        channel: m.channel,
        category: m.category,
        subject: m.subject,
        text: m.text,
        createdById: m.createdById,
        ...counts,
      },
    });
    const n = await tx.$executeRaw(insertDeliveriesSql(msg.id, m.channel, audience));
    if (n !== counts.recipients) throw new Error('Получатели изменились во время записи сообщения');
    return msg;
  });
}

export async function findMessage(id: string) {
  return db().message.findUnique({ where: { id } });
}

export async function deliveryCounts(messageId: string): Promise<Record<DeliveryStatus, number>> {
  const rows = await db().messageDelivery.groupBy({ by: ['status'], where: { messageId }, _count: { _all: true } });
  const out: Record<DeliveryStatus, number> = { PENDING: 0, SENDING: 0, SENT: 0, FAILED: 0, SKIPPED: 0 };
  for (const r of rows) out[r.status] = r._count._all;
  return out;
}

export async function messagesOf(organisationId: string, page: number, pageSize: number) {
  const where = { organisationId };
  const [items, total] = await Promise.all([
    db().message.findMany({ where, orderBy: { createdAt: 'desc' }, skip: (page - 1) * pageSize, take: pageSize }),
    db().message.count({ where }),
  ]);
  const ids = items.map((m) => m.id);
  const sent = ids.length
    ? await db().messageDelivery.groupBy({
        by: ['messageId'],
        where: { messageId: { in: ids }, status: 'SENT' },
        _count: { _all: true },
      })
    : [];
  const sentBy = new Map(sent.map((s) => [s.messageId, s._count._all]));
  return { items: items.map((m) => ({ ...m, sent: sentBy.get(m.id) ?? 0 })), total };
}

export async function unfinishedMessages(): Promise<string[]> {
  const rows = await db().message.findMany({ where: { status: { not: 'DONE' } }, select: { id: true } });
  return rows.map((r) => r.id);
}

export async function setMessageStatus(id: string, status: 'SENDING' | 'DONE') {
  await db().message.update({
    where: { id },
    data: { status, finishedAt: status === 'DONE' ? new Date() : null },
  });
}

export async function recoverStale(messageId: string, staleSeconds: number, maxAttempts: number) {
  return db().$executeRaw(recoverSql(messageId, staleSeconds, maxAttempts));
}

export async function claimNext(messageId: string) {
  const [row] = await db().$queryRaw<{ id: string; personId: string; attempts: number }[]>(claimSql(messageId));
  return row ?? null;
}

/** Whether anything of the message is still to do, and when the earliest retry is due. */
export async function remaining(messageId: string) {
  const [r] = await db().$queryRaw<{ open: number; next: Date | null }[]>`
    SELECT count(*)::int AS open, min("nextAttemptAt") FILTER (WHERE status = 'PENDING') AS next
    FROM "MessageDelivery" WHERE "messageId" = ${messageId}::uuid AND status IN ('PENDING', 'SENDING')`;
  return r;
}

/** The recipient's contact for the channel, if the consent is still in force now (it may be withdrawn meanwhile). */
export async function recipientNow(personId: string, on: string) {
  const [r] = await db().$queryRaw<{ email: string | null; phone: string | null; consent: boolean }[]>`
    SELECT p.email, p.phone, (${consentInForce(Prisma.sql`p.id`, on)}) AS consent
    FROM "Person" p WHERE p.id = ${personId}::uuid`;
  return r ?? null;
}

export async function pushSubscriptionsOf(personId: string) {
  return db().pushSubscription.findMany({ where: { personId }, orderBy: { createdAt: 'asc' } });
}

export async function settleDelivery(
  id: string,
  r: { status: 'SENT' | 'FAILED' | 'SKIPPED' | 'PENDING'; error?: string | null; retryAt?: Date },
) {
  await db().messageDelivery.update({
    where: { id },
    data: {
      status: r.status,
      error: r.error ?? null,
      sentAt: r.status === 'SENT' ? new Date() : null,
      ...(r.retryAt ? { nextAttemptAt: r.retryAt } : {}),
    },
  });
}

// ---------------------------------------------------------------------------------------------------------
// Unsubscribe: the signing key and the withdrawal of the messaging consent.

export async function unsubscribeKey(): Promise<string> {
  const name = 'unsubscribe-signing';
  const found = await db().appSecret.findUnique({ where: { name } });
  if (found) return found.value;
  await db().appSecret.upsert({
    where: { name },
    create: { name, value: crypto.randomBytes(32).toString('base64url') },
    update: {},
  });
  return (await db().appSecret.findUniqueOrThrow({ where: { name } })).value;
}

/** Withdraws every messaging consent of the person in force (today), and their push subscriptions; returns how many consents. */
export async function withdrawMessaging(personId: string, on: string): Promise<number> {
  return db().$transaction(async (tx) => {
    await tx.pushSubscription.deleteMany({ where: { personId } });
    return withdrawInForce(tx, personId, 'MESSAGING', on);
  });
}

export async function personExists(personId: string): Promise<boolean> {
  return (await db().person.count({ where: { id: personId } })) > 0;
}

import { db } from '../../db';
import type { OutboxChannel, OutboxStatus } from '../../generated/prisma/client';

export interface OutboxInsert {
  channel: OutboxChannel;
  recipient: string;
  subject?: string | null;
  text: string;
  headers?: Record<string, string> | null;
  messageId?: string | null;
  recipientId?: string | null;
}

/** Recorded before the transport is called: a crash leaves a PENDING row, never an unrecorded send. */
export async function insertPending(m: OutboxInsert): Promise<string> {
  const row = await db().outbox.create({
    data: {
      channel: m.channel,
      recipient: m.recipient,
      subject: m.subject ?? null,
      text: m.text,
      headers: m.headers ?? undefined,
      status: 'PENDING',
      messageId: m.messageId ?? null,
      recipientId: m.recipientId ?? null,
    },
    select: { id: true },
  });
  return row.id;
}

export async function settle(id: string, status: Exclude<OutboxStatus, 'PENDING'>, error?: string): Promise<void> {
  await db().outbox.update({
    where: { id },
    data: { status, error: error ? error.slice(0, 500) : null, sentAt: status === 'SENT' ? new Date() : null },
  });
}

export async function outboxPage(page: number, pageSize: number) {
  const [rows, total] = await Promise.all([
    db().outbox.findMany({
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
    db().outbox.count(),
  ]);
  return { rows, total };
}

export async function centralOrg() {
  return db().organisation.findFirst({ where: { kind: 'CENTRAL', parentId: null }, select: { id: true, path: true } });
}

import type { OutboxChannel } from '../../generated/prisma/client';
import { insertPending, settle } from './outbox.repo';
import { transportFor } from './transports';

export interface SendInput {
  channel: OutboxChannel;
  to: string;
  subject?: string;
  text: string;
  headers?: Record<string, string>;
  /** For the delivery log of a message to members. */
  messageId?: string;
  recipientId?: string;
}

export interface SendResult {
  outboxId: string;
  /** SENT: handed to the transport; STORED: no transport configured, kept in the outbox; FAILED: see error. */
  status: 'SENT' | 'STORED' | 'FAILED';
  error?: string;
  /** The transport says a retry cannot succeed (e.g. a web push subscription the push service no longer knows). */
  permanent?: boolean;
}

/**
 * Sends one message. Every send is recorded in the outbox first (status PENDING), then settled: SENT by the
 * configured transport, STORED when none is configured (the embedded demo: the central administrator reads it at
 * /outbox), FAILED with the transport's error. Never throws for a delivery failure: the caller reads the result.
 */
export async function send(m: SendInput): Promise<SendResult> {
  const outboxId = await insertPending({
    channel: m.channel,
    recipient: m.to,
    subject: m.subject,
    text: m.text,
    headers: m.headers,
    messageId: m.messageId,
    recipientId: m.recipientId,
  });
  const transport = transportFor(m.channel);
  if (!transport) {
    await settle(outboxId, 'STORED');
    return { outboxId, status: 'STORED' };
  }
  try {
    await transport({ to: m.to, subject: m.subject, text: m.text, headers: m.headers });
    await settle(outboxId, 'SENT');
    return { outboxId, status: 'SENT' };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    await settle(outboxId, 'FAILED', error);
    const permanent = (e as { permanent?: unknown } | null)?.permanent === true;
    return { outboxId, status: 'FAILED', error, ...(permanent ? { permanent } : {}) };
  }
}

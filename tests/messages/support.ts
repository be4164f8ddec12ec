/** A real SMTP server in the test process, and members with or without consents and contacts. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { config } from '../../src/config';
import { closeTransports } from '../../src/modules/mail/transports';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';

export interface Mail {
  to: string[];
  raw: string;
}

export async function startSmtp(): Promise<{ received: Mail[]; url: string; stop(): Promise<void> }> {
  const received: Mail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  const url = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  config.SMTP_URL = url;
  config.MAIL_FROM = 'Профсоюз <noreply@example.ru>';
  return {
    received,
    url,
    async stop() {
      config.SMTP_URL = undefined;
      config.MAIL_FROM = undefined;
      closeTransports();
      await new Promise<void>((r) => smtp.close(() => r()));
    },
  };
}

let seq = 0;
/** A member with an e-mail unique to the test (or none), the messaging consent given or not. */
export async function memberWith(
  org: { id: string },
  o: { consent: boolean; email?: boolean; phone?: boolean; category?: 'WORKING' | 'STUDENT'; exit?: string },
) {
  const n = `${Date.now().toString(36)}${++seq}`;
  const email = o.email === false ? null : `m${n}@example.ru`;
  const m = await buildMember({
    org,
    email,
    phone: o.phone ? `+7900${String(seq).padStart(7, '0')}` : null,
    category: o.category ?? 'WORKING',
    consents: { messaging: o.consent },
    exit: o.exit ? { date: o.exit, kind: 'EXIT_VOLUNTARY' } : undefined,
  });
  return { ...m, email };
}

export async function waitDone(messageId: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const m = await db().message.findUniqueOrThrow({ where: { id: messageId } });
    if (m.status === 'DONE') return;
    if (Date.now() > until) throw new Error(`message ${messageId} still ${m.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A header of a raw message (folded lines joined). */
export function header(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head);
  return m ? m[1].trim() : null;
}

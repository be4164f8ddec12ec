import nodemailer, { type Transporter } from 'nodemailer';
import { config } from '../../config';
import { sendWebPush, webPushEnabled } from '../push/push.transport';

/** What a transport needs to deliver one message. */
export interface Outgoing {
  to: string;
  subject?: string | null;
  text: string;
  headers?: Record<string, string> | null;
}

export type Transport = (m: Outgoing) => Promise<void>;

let smtp: { url: string; t: Transporter } | undefined;

/** E-mail over SMTP, when SMTP_URL and MAIL_FROM are set (read at each call, so a test can point it elsewhere). */
function emailTransport(): Transport | null {
  const url = config.SMTP_URL;
  const from = config.MAIL_FROM;
  if (!url || !from) return null;
  if (smtp?.url !== url) {
    smtp?.t.close();
    smtp = { url, t: nodemailer.createTransport(url) };
  }
  const t = smtp.t;
  return async (m) => {
    await t.sendMail({ from, to: m.to, subject: m.subject ?? '', text: m.text, headers: m.headers ?? undefined });
  };
}

/** SMS through an HTTP gateway: POST {to, text} as JSON; any answer other than 2xx is a failure. */
function smsTransport(): Transport | null {
  const url = config.SMS_URL;
  if (!url) return null;
  return async (m) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: m.to, text: m.text }),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`SMS-шлюз ответил ${res.status}`);
  };
}

export function transportFor(channel: 'EMAIL' | 'SMS' | 'PUSH'): Transport | null {
  if (channel === 'EMAIL') return emailTransport();
  if (channel === 'SMS') return smsTransport();
  // Web push: `to` is the PushSubscription id; off in the embedded demo, where push messages stay in the outbox.
  return webPushEnabled() ? sendWebPush : null;
}

export function closeTransports(): void {
  smtp?.t.close();
  smtp = undefined;
}

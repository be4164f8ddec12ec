/**
 * Real sending: a real SMTP server (smtp-server) and a real HTTP SMS gateway in the test process; what arrives is
 * what the registry sent, and every send is in the outbox with its status.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { useDb } from '../helpers';
import { config } from '../../src/config';
import { db } from '../../src/db';
import { send } from '../../src/modules/mail/mail.service';
import { closeTransports } from '../../src/modules/mail/transports';

useDb();

interface Received {
  from: string;
  to: string[];
  raw: string;
}
const received: Received[] = [];
let smtp: SMTPServer;
let smtpPort = 0;
const sms: { body: unknown; status: number }[] = [];
let smsStatus = 200;
let gateway: http.Server;
let gatewayPort = 0;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  gateway = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      sms.push({ body: JSON.parse(body) as unknown, status: smsStatus });
      res.writeHead(smsStatus).end();
    });
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
  gatewayPort = (gateway.address() as AddressInfo).port;
});

afterAll(async () => {
  config.SMTP_URL = undefined;
  config.MAIL_FROM = undefined;
  config.SMS_URL = undefined;
  closeTransports();
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise<void>((r) => gateway.close(() => r()));
});

/** The text body of a single-part message as nodemailer writes it (base64 or quoted-printable). */
function bodyText(raw: string): string {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/Content-Transfer-Encoding: base64/i.test(head))
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return Buffer.from(
    body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

/** An RFC 2047 encoded header value (nodemailer encodes non-ASCII subjects as =?UTF-8?B?...?=). */
function header(raw: string, name: string): string {
  const m = new RegExp(`^${name}: (.*(?:\\r?\\n[ \\t].*)*)`, 'mi').exec(raw);
  if (!m) return '';
  return m[1]
    .replace(/\r?\n[ \t]/g, '')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_x, b: string) => Buffer.from(b, 'base64').toString('utf8'))
    .replace(/\?=\s*=\?/g, '');
}

describe('e-mail over SMTP', () => {
  beforeAll(() => {
    config.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
    config.MAIL_FROM = 'Профсоюз <noreply@reestr.test>';
  });

  it('delivers the message with its subject, text and extra headers, and records it as sent', async () => {
    const r = await send({
      channel: 'EMAIL',
      to: 'ivanova@example.ru',
      subject: 'Код входа',
      text: 'Ваш код: 123456',
      headers: { 'List-Unsubscribe': '<https://reestr.test/u/abc>' },
    });
    expect(r.status).toBe('SENT');
    const got = received.find((m) => m.to.includes('ivanova@example.ru'));
    expect(got).toBeDefined();
    expect(got!.from).toBe('noreply@reestr.test');
    expect(got!.raw).toContain('List-Unsubscribe: <https://reestr.test/u/abc>');
    expect(bodyText(got!.raw)).toContain('Ваш код: 123456');
    expect(header(got!.raw, 'Subject')).toBe('Код входа');
    const row = await db().outbox.findUniqueOrThrow({ where: { id: r.outboxId } });
    expect(row).toMatchObject({ channel: 'EMAIL', recipient: 'ivanova@example.ru', status: 'SENT', error: null });
    expect(row.sentAt).toBeInstanceOf(Date);
  });

  it('an unreachable SMTP server makes the send FAILED, with the reason, without throwing', async () => {
    const before = received.length;
    config.SMTP_URL = `smtp://127.0.0.1:1`; // nothing listens there
    try {
      const r = await send({ channel: 'EMAIL', to: 'petrov@example.ru', subject: 'Тема', text: 'Текст' });
      expect(r.status).toBe('FAILED');
      const row = await db().outbox.findUniqueOrThrow({ where: { id: r.outboxId } });
      expect(row.status).toBe('FAILED');
      expect(row.error).toBeTruthy();
      expect(row.sentAt).toBeNull();
    } finally {
      config.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
    }
    expect(received.length).toBe(before);
  });
});

describe('SMS through the HTTP gateway', () => {
  beforeAll(() => {
    config.SMS_URL = `http://127.0.0.1:${gatewayPort}/send`;
  });

  it('posts {to, text} as JSON and records the SMS as sent', async () => {
    smsStatus = 200;
    const r = await send({ channel: 'SMS', to: '+79001234567', text: 'Код: 654321' });
    expect(r.status).toBe('SENT');
    expect(sms[sms.length - 1].body).toEqual({ to: '+79001234567', text: 'Код: 654321' });
  });

  it('a gateway error makes the SMS FAILED', async () => {
    smsStatus = 503;
    const r = await send({ channel: 'SMS', to: '+79001234568', text: 'Код: 111111' });
    expect(r.status).toBe('FAILED');
    expect((await db().outbox.findUniqueOrThrow({ where: { id: r.outboxId } })).error).toContain('503');
  });
});

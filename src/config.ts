import path from 'node:path';
import { z } from 'zod';

// Every validation message a user or a program sees is in Russian, also zod's own.
z.config(z.locales.ru());

// The only reader of process.env: everything else imports `config`.
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.string().url().optional(),
  /**
   * A streaming replica for reads that may lag a little (dashboards, reports, exports, search); unset: the primary.
   * Writes, and the reads of a session that has just written, stay on DATABASE_URL.
   */
  DATABASE_READ_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Listens on the loopback only unless told otherwise (behind a proxy on the same host, or HOST=0.0.0.0 in a container). */
  HOST: z.string().default('127.0.0.1'),
  SESSION_SECRET: z.string().min(16).optional(),
  /** Cookies are `Secure` unless explicitly turned off for plain-HTTP local use. */
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  DATA_DIR: z.string().default(path.resolve(process.cwd(), 'data')),
  EMBEDDED_PG_PORT: z.coerce.number().int().default(5433),
  LOG_LEVEL: z.enum(['silent', 'error', 'info']).default('info'),
  /** Set by the embedded start only: demo logins work on the embedded demo database and nowhere else. */
  DEMO_MODE: z.enum(['0', '1']).default('0'),
  TRUST_PROXY: z.enum(['0', '1']).default('0'),
  /** Outgoing e-mail, e.g. smtp://user:pass@host:587; without it e-mails stay in the outbox (/outbox). */
  SMTP_URL: z.string().url().optional(),
  /** The sender of outgoing e-mail, e.g. "Профсоюз образования <noreply@example.ru>". */
  MAIL_FROM: z.string().min(3).optional(),
  /** An HTTP gateway for SMS: POST JSON {to, text}; without it SMS stay in the outbox. */
  SMS_URL: z.string().url().optional(),
  /** Web push to the browsers' push services: 1 on, 0 off (push messages stay in the outbox); default on, except the
   *  embedded demo, which has no way out to a push service. */
  WEB_PUSH: z.enum(['0', '1']).optional(),
  /** The registry's address as members reach it (links in e-mails and SMS: unsubscribe). */
  PUBLIC_URL: z.string().url().optional(),
  /** Messages to members: how many per second per channel (the SMTP server's and SMS gateway's limits). */
  MESSAGE_RATE_EMAIL: z.coerce.number().min(0.1).max(1000).default(10),
  MESSAGE_RATE_SMS: z.coerce.number().min(0.1).max(1000).default(5),
  MESSAGE_RATE_PUSH: z.coerce.number().min(0.1).max(1000).default(50),
});

const parsed = schema.safeParse(process.env);
if (!parsed.success) {
  console.error(
    'Неверные настройки окружения:',
    parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
  );
  process.exit(1);
}

/** The example secret of docker-compose.yml and the README: a server started with it is refused. */
export const PLACEHOLDER_SECRETS = ['change-me-to-a-long-random-string', 'change-me'];
if (parsed.data.SESSION_SECRET && PLACEHOLDER_SECRETS.includes(parsed.data.SESSION_SECRET)) {
  console.error(
    'SESSION_SECRET — пример из документации. Задайте свою случайную строку, например: openssl rand -hex 32',
  );
  process.exit(1);
}
if (parsed.data.NODE_ENV === 'production' && !parsed.data.SESSION_SECRET) {
  console.error('В продакшене нужен SESSION_SECRET (случайная строка, например: openssl rand -hex 32)');
  process.exit(1);
}

export const config = {
  ...parsed.data,
  isTest: parsed.data.NODE_ENV === 'test' || process.env.JEST_WORKER_ID !== undefined,
  demoMode: parsed.data.DEMO_MODE === '1',
};

/** Lets the embedded start publish the database it started (before the app is built). */
export function setDatabaseUrl(url: string): void {
  config.DATABASE_URL = url;
}
export function setDemoMode(on: boolean): void {
  config.demoMode = on;
}

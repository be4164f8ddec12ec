/**
 * The app under benchmark, over HTTP: started as its own process on loopback against the benchmark database,
 * chairs signed in through the login form as a browser does, pages timed from request to the last byte.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { totpCode } from '../src/modules/auth/totp';
import { BENCH_PASSWORD, BENCH_TOTP_SECRET } from './db';

export interface BenchServer {
  base: string;
  stop(): Promise<void>;
}

/** One cookie key for every process of a run: a session signed by one web process opens on another. */
const SESSION_SECRET = randomBytes(32).toString('hex');

/** The app (src/server.ts: pages and jobs) or, with script 'src/web.ts', one more web process beside it. */
export async function startServer(url: string, port: number, script = 'src/server.ts'): Promise<BenchServer> {
  // BENCH_NODE_ARGS adds options for the app's node (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof to see where time goes).
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', script], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      COOKIE_SECURE: 'false',
      // Each signed-in chair comes from an address of its own (X-Forwarded-For), as behind the reverse proxy.
      TRUST_PROXY: '1',
      LOG_LEVEL: 'error',
      NODE_ENV: 'production',
      SESSION_SECRET,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error('сервер не запустился');
    try {
      if ((await fetch(`${base}/login`)).ok) return { base, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error('сервер не ответил за 5 минут');
}

/** Every cookie the answer sets, as a Cookie header (a visitor's CSRF cookie, then the session's). */
function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((h) => h.split(';')[0])
    .join('; ');
}

/** Signs in through the login form (its CSRF token), from address 10.x.y.z number n; returns the session cookie. */
export async function signIn(base: string, login: string, n: number): Promise<string> {
  const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  const form = await fetch(`${base}/login`, { headers: { 'x-forwarded-for': ip } });
  const html = await form.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const pre = cookiesOf(form);
  if (!token || !pre) throw new Error(`нет формы входа (${form.status})`);
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pre, 'x-forwarded-for': ip },
    body: new URLSearchParams({ login, password: BENCH_PASSWORD, _csrf: token }).toString(),
  });
  if (res.status !== 303) throw new Error(`вход ${login}: ${res.status}`);
  const sid = sessionCookie(res);
  if (!sid) throw new Error(`вход ${login}: нет cookie сеанса`);
  if (!res.headers.get('location')?.startsWith('/login/code')) return sid;
  // The central and regional accounts have a second factor: the code from the shared bench secret.
  for (let attempt = 0; attempt < 2; attempt++) {
    const page = await fetch(`${base}/login/code`, { headers: { cookie: sid, 'x-forwarded-for': ip } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    if (!csrf) throw new Error(`вход ${login}: нет формы кода (${page.status})`);
    const sent = await fetch(`${base}/login/code`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: sid, 'x-forwarded-for': ip },
      body: new URLSearchParams({ code: await totpCode(BENCH_TOTP_SECRET), _csrf: csrf }).toString(),
    });
    const done = sent.status === 303 && !sent.headers.get('location')?.startsWith('/login');
    if (done) return sessionCookie(sent) ?? sid;
    // A code is accepted once: the same account signed in within the same 30 seconds waits for the next one.
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 500));
  }
  throw new Error(`вход ${login}: код второго фактора не принят`);
}

function sessionCookie(res: Response): string | undefined {
  return res.headers
    .getSetCookie()
    .map((h) => h.split(';')[0])
    .find((c) => c.startsWith('reestr.sid='));
}

/** One page: milliseconds to the last byte; throws unless 200. */
export async function timedGet(base: string, path: string, cookie: string): Promise<number> {
  const t = process.hrtime.bigint();
  const res = await fetch(base + path, { headers: { cookie }, redirect: 'manual' });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * The app under benchmark, over HTTP: started as its own process on loopback against the benchmark database,
 * chairs signed in through the login form as a browser does, pages timed from request to the last byte.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BENCH_PASSWORD } from './db';

export interface BenchServer {
  base: string;
  stop(): Promise<void>;
}

export async function startServer(url: string, port: number): Promise<BenchServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
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
      SESSION_SECRET: randomBytes(32).toString('hex'),
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

function cookieOf(res: Response): string | undefined {
  const sid = res.headers.getSetCookie().find((h) => h.startsWith('reestr.sid='));
  return sid?.split(';')[0];
}

/** Signs in through the login form (its CSRF token), from address 10.x.y.z number n; returns the session cookie. */
export async function signIn(base: string, login: string, n: number): Promise<string> {
  const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  const form = await fetch(`${base}/login`, { headers: { 'x-forwarded-for': ip } });
  const html = await form.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const pre = cookieOf(form);
  if (!token || !pre) throw new Error(`нет формы входа (${form.status})`);
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pre, 'x-forwarded-for': ip },
    body: new URLSearchParams({ login, password: BENCH_PASSWORD, _csrf: token }).toString(),
  });
  if (res.status !== 303) throw new Error(`вход ${login}: ${res.status}`);
  return cookieOf(res) ?? pre;
}

/** One page: milliseconds to the last byte; throws unless 200. */
export async function timedGet(base: string, path: string, cookie: string): Promise<number> {
  const t = process.hrtime.bigint();
  const res = await fetch(base + path, { headers: { cookie }, redirect: 'manual' });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Child processes for the scale test: `npm run web` / `npm run worker` as they run in production, on one database. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface Child {
  proc: ChildProcess;
  port: number;
  output: () => string;
}

const ROOT = path.resolve(__dirname, '../..');
/** Every process started, ready or not, so that stopAll() leaves none behind whatever failed. */
const spawned: ChildProcess[] = [];

/**
 * Starts `src/<entry>.ts` with tsx on a random port and waits for its ready line. SESSION_SECRET is left out on
 * purpose: the processes must agree on the cookie key through the database.
 */
export function startRole(entry: 'web' | 'worker', env: Record<string, string>): Promise<Child> {
  const base = { ...process.env };
  delete base.SESSION_SECRET;
  delete base.JEST_WORKER_ID;
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', `${entry}.ts`)], {
    cwd: ROOT,
    env: {
      ...base,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      PORT: '0',
      HOST: '127.0.0.1',
      COOKIE_SECURE: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.push(proc);
  let out = '';
  const ready = entry === 'web' ? /слушает http:\/\/127\.0\.0\.1:(\d+)/ : /Обработчик задач Единого реестра запущен/;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start in time:\n${out}`)), 120_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, port: m[1] ? Number(m[1]) : 0, output: () => out });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited (${code}):\n${out}`));
    });
  });
}

/** SIGTERM (a clean stop), then SIGKILL if it lingers. */
async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 8_000);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all(spawned.splice(0).map(stop));
}

/** A tiny cookie-keeping client over fetch (no redirects followed: the tests look at them). */
export class Browser {
  /** Every cookie the app set (the session, and a visitor's signed CSRF cookie before signing in). */
  jar = new Map<string, string>();
  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async request(base: string, url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(base + url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(this.cookie ? { cookie: this.cookie } : {}) },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  }
  async csrf(base: string, url = '/login'): Promise<string> {
    const html = await (await this.request(base, url)).text();
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error(`no CSRF token on ${url}`);
    return m[1];
  }
  async login(base: string, login: string, password: string): Promise<Response> {
    const csrf = await this.csrf(base);
    return this.request(base, '/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, login, password }).toString(),
    });
  }
}

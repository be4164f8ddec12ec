import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { PASSWORD, testApp } from '../helpers';

/**
 * A real listening server and a tiny cookie-keeping client on `fetch`: `fetch` resolves as soon as the
 * headers arrive, as a browser follows a redirect, which supertest (waiting for the whole body) hides.
 */
export async function listen(): Promise<{ base: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = testApp().listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export class Browser {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string): Promise<Response> {
    const res = await fetch(this.base + path, { redirect: 'manual', headers: { cookie: this.cookieHeader() } });
    this.keep(res);
    return res;
  }

  async post(path: string, form: Record<string, string>): Promise<Response> {
    const res = await fetch(this.base + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    this.keep(res);
    return res;
  }

  async csrf(path: string): Promise<string> {
    const text = await (await this.get(path)).text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (!m) throw new Error(`No CSRF token on ${path}`);
    return m[1];
  }

  async login(login: string, password = PASSWORD): Promise<void> {
    const res = await this.post('/login', { _csrf: await this.csrf('/login'), login, password });
    await res.text();
    if (res.status !== 303) throw new Error(`Login failed: ${res.status}`);
  }
}

/**
 * A confirmation set before a redirect must be stored before the browser can follow the redirect:
 * the session save is slowed down on purpose and the redirect's headers must not arrive before it ends.
 */
import session from 'express-session';
import { buildTree, useDb, userWith } from '../helpers';
import { Browser, listen } from './support';

useDb();

type Save = (this: unknown, cb?: (err?: unknown) => void) => unknown;
const SessionProto = (session as unknown as { Session: { prototype: { save: Save } } }).Session.prototype;

it('answers a redirect only after the session holding the flash is saved', async () => {
  const t = await buildTree();
  const u = await userWith('CHAIR', t.primA1);
  const srv = await listen();
  try {
    const b = new Browser(srv.base);
    await b.login(u.login);
    const csrf = await b.csrf(`/orgs/${t.primA1.id}/custom`);

    const orig = SessionProto.save;
    let savedAt = 0;
    SessionProto.save = function slowSave(this: unknown, cb?: (err?: unknown) => void) {
      setTimeout(() => {
        orig.call(this, (err?: unknown) => {
          savedAt = Date.now();
          cb?.(err);
        });
      }, 400);
      return this;
    };
    let headersAt = 0;
    let res: Response;
    try {
      // An empty name: the handler sets a flash and redirects.
      res = await b.post(`/orgs/${t.primA1.id}/custom/save`, { _csrf: csrf, name: '' });
      headersAt = Date.now();
      await res.text();
    } finally {
      SessionProto.save = orig;
    }
    expect(res.status).toBe(303);
    expect(savedAt).toBeGreaterThan(0);
    expect(headersAt).toBeGreaterThanOrEqual(savedAt);

    const next = await b.get(res.headers.get('location')!);
    expect(await next.text()).toContain('Не сохранено: укажите название');
  } finally {
    await srv.close();
  }
});

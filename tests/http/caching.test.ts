/**
 * No answer carrying personal data may be kept by the browser (Back after logout must show nothing):
 * pages, exports and API answers are `no-store`; only fingerprinted static files are cached, for a year.
 * Pages are compressed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { api, bearer, buildTree, loginAs, testApp, useDb, userWith } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import request from 'supertest';

useDb();

it('sends no-store on pages, exports and API answers with personal data, also on the login page', async () => {
  const t = await buildTree();
  const m = await buildMember({ org: t.primA1, lastName: 'Кэшева' });
  const u = await userWith('CHAIR', t.primA1);
  const agent = await loginAs(u.login);

  for (const url of [
    `/orgs/${t.primA1.id}`,
    `/members/${m.memberId}`,
    '/members?q=Кэшева',
    `/orgs/${t.primA1.id}/custom/export`,
  ]) {
    const res = await agent.get(url);
    expect([url, res.status]).toEqual([url, 200]);
    expect([url, res.headers['cache-control']]).toEqual([url, 'no-store']);
  }
  expect((await request(testApp()).get('/login')).headers['cache-control']).toBe('no-store');
  const res = await api()
    .get('/api/v1/me')
    .set('Authorization', await bearer(u.id));
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
});

it('links the stylesheet by a content-hashed name served with a long immutable cache', async () => {
  const page = await request(testApp()).get('/login');
  const href = /<link rel="stylesheet" href="(\/static\/app\.[0-9a-f]{10}\.css)">/.exec(page.text)?.[1];
  expect(href).toBeDefined();
  const css = await request(testApp()).get(href!);
  expect(css.status).toBe(200);
  expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(css.text).toBe(fs.readFileSync(path.resolve(__dirname, '../../public/app.css'), 'utf8'));
  // A stale or made-up hash is not served as if it were this file.
  expect((await request(testApp()).get('/static/app.0000000000.css')).status).toBe(404);
});

it('compresses pages when the browser accepts gzip', async () => {
  // supertest inflates the body itself; the header says it travelled compressed.
  const res = await request(testApp()).get('/login').set('Accept-Encoding', 'gzip');
  expect(res.headers['content-encoding']).toBe('gzip');
  expect(res.text).toContain('<html lang="ru">');
});

/**
 * The demo union's announcements: read and unread ones, an edited one with its history, members' news, a draft,
 * and one past its expiry that the job archived (the publisher still sees it, nobody else does).
 */
import { buildUser } from '../../src/seed/builders.repo';
import { buildInformingDemo } from '../../src/seed/informing.demo.repo';
import { setDemoMode } from '../../src/config';
import { db } from '../../src/db';
import { PASSWORD, buildTree, loginAs, useDb } from '../helpers';

useDb();
beforeAll(() => setDemoMode(true));
afterAll(() => setDemoMode(false));

it('holds read, unread, edited, draft and archived announcements', async () => {
  const t = await buildTree();
  await buildUser({ login: 'demo-central', roles: [{ role: 'ADMIN', org: t.central }] });
  await buildUser({ login: 'demo-regional', roles: [{ role: 'CHAIR', org: t.regionA }] });
  await buildUser({ login: 'demo-territorial', roles: [{ role: 'CHAIR', org: t.terrA1 }] });
  await buildUser({ login: 'demo-viewer', roles: [{ role: 'VIEWER', org: t.terrA1 }] });
  await buildInformingDemo(t.central, { regional: t.regionA, territorial: t.terrA1 }, PASSWORD);

  const all = await db().announcement.findMany({ select: { title: true, status: true, id: true } });
  expect(all.map((a) => a.status).sort()).toEqual([
    'ARCHIVED',
    'DRAFT',
    'PUBLISHED',
    'PUBLISHED',
    'PUBLISHED',
    'PUBLISHED',
  ]);
  expect(await db().announcementRead.count()).toBeGreaterThan(0);
  expect(await db().announcementVersion.count()).toBe(1);
  const archived = all.find((a) => a.status === 'ARCHIVED')!;

  const chair = await loginAs('demo-chair-1');
  const home = await chair.get('/announcements');
  expect(home.text).toContain('Переход на электронный профсоюзный билет');
  expect(home.text).not.toContain(archived.title);
  expect((await chair.get(`/announcements/${archived.id}`)).status).toBe(404);
  const regional = await loginAs('demo-regional');
  expect((await regional.get(`/announcements/${archived.id}`)).text).toContain('Состояние: Снято');
  expect((await regional.get(`/orgs/${t.regionA.id}/announcements`)).text).toContain(archived.title);
});

/**
 * Without SMTP_URL / SMS_URL (the embedded demo) messages stay in the outbox, which the central administrator
 * reads at /outbox, newest first and paged; nobody else can open it.
 */
import { buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';
import { config } from '../../src/config';
import { db } from '../../src/db';
import { send } from '../../src/modules/mail/mail.service';

useDb();

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
  expect(config.SMTP_URL).toBeUndefined();
  expect(config.SMS_URL).toBeUndefined();
});

it('stores an e-mail and an SMS without sending them', async () => {
  const e = await send({ channel: 'EMAIL', to: 'sidorova@example.ru', subject: 'Код входа', text: 'Код: 246810' });
  const s = await send({ channel: 'SMS', to: '+79007654321', text: 'Код: 135791' });
  expect(e.status).toBe('STORED');
  expect(s.status).toBe('STORED');
  const rows = await db().outbox.findMany({ where: { id: { in: [e.outboxId, s.outboxId] } } });
  expect(rows.map((r) => r.status).sort()).toEqual(['STORED', 'STORED']);
  expect(rows.every((r) => r.sentAt === null)).toBe(true);
});

it('the central administrator reads the outbox, newest first, not cached', async () => {
  await send({ channel: 'EMAIL', to: 'first@example.ru', subject: 'Первое', text: 'Старое письмо' });
  await send({ channel: 'EMAIL', to: 'second@example.ru', subject: 'Второе', text: 'Новое письмо' });
  const admin = await userWith('ADMIN', t.central);
  const agent = await loginAs(admin.login);
  const res = await agent.get('/outbox');
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.text).toContain('Исходящие сообщения');
  expect(res.text.indexOf('Новое письмо')).toBeGreaterThan(-1);
  expect(res.text.indexOf('Новое письмо')).toBeLessThan(res.text.indexOf('Старое письмо'));
});

it('pages the outbox 50 at a time', async () => {
  const admin = await userWith('ADMIN', t.central);
  const agent = await loginAs(admin.login);
  for (let i = 0; i < 55; i++)
    await send({ channel: 'SMS', to: `+7900000${String(i).padStart(4, '0')}`, text: `N${i}` });
  const first = await agent.get('/outbox');
  expect(first.text).toContain('Страница 1 из');
  const last = (await db().outbox.count()) > 50 ? await agent.get('/outbox?page=2') : first;
  expect(last.status).toBe(200);
  expect(last.text).toContain('Страница 2 из');
});

it('a chair of the central council, a regional chair and an anonymous visitor cannot open it', async () => {
  const centralChair = await loginAs((await userWith('CHAIR', t.central)).login);
  expect((await centralChair.get('/outbox')).status).toBe(403);
  const regional = await loginAs((await userWith('CHAIR', t.regionA)).login);
  expect((await regional.get('/outbox')).status).toBe(404);
  const { api } = await import('../helpers');
  const anon = await api().get('/outbox');
  expect(anon.status).toBe(303);
  expect(anon.headers.location).toBe('/login');
});

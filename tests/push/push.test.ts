/**
 * Web push: VAPID keys made once and kept in the database; a member subscribes this browser on /me only with the
 * messaging consent; a message by push reaches every subscribed browser through the push service (here a local HTTP
 * server: the request goes to the subscription's endpoint), encrypted for that browser; a subscription the service
 * answers 410 for is removed and not retried; in the demo (WEB_PUSH=0) the push stays in the outbox.
 */
import { api, bearer, buildTree, postForm, useDb, userWith, type Tree } from '../helpers';
import { config } from '../../src/config';
import { db } from '../../src/db';
import { saveSubscription, vapidKeys } from '../../src/modules/push/push.repo';
import { memberAgent } from '../me/support';
import { memberWith, waitDone } from '../messages/support';
import { browserKeys, startPushService } from './support';

useDb();

let t: Tree;
let push: Awaited<ReturnType<typeof startPushService>>;

beforeAll(async () => {
  t = await buildTree();
  push = await startPushService();
});
afterAll(async () => {
  config.WEB_PUSH = undefined;
  await push.stop();
});

const httpsSub = (n: string) => ({ endpoint: `https://push.example.ru/send/${n}`, ...browserKeys().keys });

describe('VAPID keys', () => {
  it('are generated once and kept in the database', async () => {
    const a = await vapidKeys();
    const b = await vapidKeys();
    expect(b).toEqual(a);
    expect(a.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    const row = await db().appSecret.findUniqueOrThrow({ where: { name: 'web-push-vapid' } });
    expect(JSON.parse(row.value)).toEqual(a);
  });
});

describe('the member page', () => {
  it('offers push only with the messaging consent, and refuses a subscription without it', async () => {
    const m = await memberWith(t.primA1, { consent: false });
    const agent = await memberAgent(m.email!);
    const page = await agent.get('/me');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Уведомления на телефоне');
    expect(page.text).not.toContain('data-push-on');
    expect(page.text).toContain('href="/me/consents"');
    const res = await postForm(agent, '/me', '/me/push', httpsSub(`no-consent-${m.personId}`));
    expect(res.status).toBe(303);
    expect((await agent.get('/me')).text).toContain('только с согласием на сообщения');
    expect(await db().pushSubscription.count({ where: { personId: m.personId } })).toBe(0);
  });

  it('subscribes this browser for the member, switches it off, and switches off every device without JS', async () => {
    const m = await memberWith(t.primA1, { consent: true });
    const agent = await memberAgent(m.email!);
    const page = await agent.get('/me');
    expect(page.text).toContain(`data-key="${(await vapidKeys()).publicKey}"`);
    expect(page.text).toMatch(/\/static\/me-push\.[0-9a-f]+\.js/);
    const one = httpsSub(`one-${m.personId}`);
    const two = httpsSub(`two-${m.personId}`);
    expect((await postForm(agent, '/me', '/me/push', one)).headers.location).toBe('/me#push');
    await postForm(agent, '/me', '/me/push', two);
    expect((await agent.get('/me')).text).toContain('Уведомления включены на устройствах: 2');
    const rows = await db().pushSubscription.findMany({ where: { personId: m.personId } });
    expect(rows.map((r) => r.endpoint).sort()).toEqual([one.endpoint, two.endpoint].sort());
    // «Мои данные» (152-ФЗ ст. 14) lists the subscribed devices, the API's JSON too.
    expect((await agent.get('/me/data')).text).toMatch(/Уведомления на устройствах<\/dt><dd>с \d\d\.\d\d\.\d{4}, с /);

    await postForm(agent, '/me', '/me/push/off', { endpoint: one.endpoint });
    expect((await agent.get('/me')).text).toContain('Уведомления на этом устройстве отключены');
    expect(await db().pushSubscription.count({ where: { personId: m.personId } })).toBe(1);
    await postForm(agent, '/me', '/me/push/off', {});
    expect(await db().pushSubscription.count({ where: { personId: m.personId } })).toBe(0);
  });

  it('refuses an endpoint that is not HTTPS or keys that are not a browser subscription', async () => {
    const m = await memberWith(t.primA1, { consent: true });
    const agent = await memberAgent(m.email!);
    await postForm(agent, '/me', '/me/push', { ...httpsSub('x'), endpoint: 'http://10.0.0.1/internal' });
    await postForm(agent, '/me', '/me/push', { ...httpsSub('y'), p256dh: 'короткий' });
    expect((await agent.get('/me')).text).toContain('Браузер не передал подписку');
    expect(await db().pushSubscription.count({ where: { personId: m.personId } })).toBe(0);
  });

  it('drops the subscriptions when the messaging consent is withdrawn', async () => {
    const m = await memberWith(t.primA1, { consent: true });
    const agent = await memberAgent(m.email!);
    await postForm(agent, '/me', '/me/push', httpsSub(`w-${m.personId}`));
    expect(await db().pushSubscription.count({ where: { personId: m.personId } })).toBe(1);
    await postForm(agent, '/me/consents', '/me/consents', { kind: 'MESSAGING', given: 'false' });
    expect(await db().pushSubscription.count({ where: { personId: m.personId } })).toBe(0);
  });
});

describe('a message by web push', () => {
  it('reaches each subscribed browser encrypted, removes a subscription answered 410, and logs every delivery', async () => {
    config.WEB_PUSH = '1';
    const tree = await buildTree();
    const a = await memberWith(tree.primA1, { consent: true });
    const b = await memberWith(tree.primA1, { consent: true });
    await memberWith(tree.primA1, { consent: true }); // no subscription: skipped, no contact
    const browser = browserKeys();
    await saveSubscription(a.personId, { endpoint: `${push.base}/ok/${a.personId}`, ...browser.keys });
    await saveSubscription(b.personId, { endpoint: `${push.base}/gone/${b.personId}`, ...browserKeys().keys });
    const res = await api()
      .post(`/api/v1/orgs/${tree.primA1.id}/messages`)
      .set('Authorization', await bearer((await userWith('CHAIR', tree.primA1)).id))
      .send({ channel: 'PUSH', subject: 'Собрание', text: 'Собрание в пятницу в 15:00.' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ recipients: 2, skippedNoContact: 1 });
    await waitDone(res.body.id);

    const got = push.received.filter((p) => p.path.endsWith(a.personId));
    expect(got).toHaveLength(1);
    const { publicKey } = await vapidKeys();
    expect(got[0].headers.authorization).toMatch(new RegExp(`^vapid t=[^,]+, k=${publicKey}$`));
    expect(got[0].headers['content-encoding']).toBe('aes128gcm');
    expect(browser.open(got[0].body)).toEqual({ title: 'Собрание', body: 'Собрание в пятницу в 15:00.', url: '/me' });
    // The 410 was asked once: the subscription is gone and the delivery failed without a retry.
    expect(push.received.filter((p) => p.path.endsWith(b.personId))).toHaveLength(1);
    expect(await db().pushSubscription.count({ where: { personId: b.personId } })).toBe(0);

    const log = await db().messageDelivery.findMany({ where: { messageId: res.body.id } });
    const by = new Map(log.map((d) => [d.personId, d]));
    expect(by.get(a.personId)).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(by.get(b.personId)).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(by.get(b.personId)?.error).toContain('410');
    const outbox = await db().outbox.findMany({ where: { messageId: res.body.id } });
    expect(outbox.map((o) => o.status).sort()).toEqual(['FAILED', 'SENT']);
  });

  it('stays in the outbox in the demo (no push service), and the delivery is logged as sent', async () => {
    config.WEB_PUSH = '0';
    const tree = await buildTree();
    const a = await memberWith(tree.primA1, { consent: true });
    await saveSubscription(a.personId, { endpoint: `${push.base}/ok/demo-${a.personId}`, ...browserKeys().keys });
    const res = await api()
      .post(`/api/v1/orgs/${tree.primA1.id}/messages`)
      .set('Authorization', await bearer((await userWith('CHAIR', tree.primA1)).id))
      .send({ channel: 'PUSH', text: 'Проверка' });
    expect(res.status).toBe(202);
    await waitDone(res.body.id);
    expect(push.received.filter((p) => p.path.includes(`demo-${a.personId}`))).toHaveLength(0);
    const outbox = await db().outbox.findMany({ where: { messageId: res.body.id } });
    expect(outbox.map((o) => [o.channel, o.status, o.text])).toEqual([['PUSH', 'STORED', 'Проверка']]);
    const [d] = await db().messageDelivery.findMany({ where: { messageId: res.body.id } });
    expect(d.status).toBe('SENT');
  });
});

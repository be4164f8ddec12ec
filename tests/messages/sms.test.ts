/**
 * An SMS to members says how to stop: its text ends with the unsubscribe link, and one POST of that link withdraws
 * the messaging consent, so the next SMS skips the member. Without SMS_URL the SMS waits in the outbox.
 */
import request from 'supertest';
import { api, bearer, buildTree, testApp, useDb, userWith } from '../helpers';
import { db } from '../../src/db';
import { memberWith, waitDone } from './support';

useDb();

it('ends with the unsubscribe link, which stops the next SMS in one request', async () => {
  const t = await buildTree();
  const chair = await bearer((await userWith('CHAIR', t.primA1)).id);
  const a = await memberWith(t.primA1, { consent: true, phone: true });
  const b = await memberWith(t.primA1, { consent: true, phone: true });
  const send = () =>
    api()
      .post(`/api/v1/orgs/${t.primA1.id}/messages`)
      .set('Authorization', chair)
      .send({ channel: 'SMS', text: 'Собрание в пятницу в 15:00.' });

  const first = await send();
  expect(first.status).toBe(202);
  expect(first.body.recipients).toBe(2);
  await waitDone(first.body.id);
  const sms = await db().outbox.findMany({ where: { messageId: first.body.id, channel: 'SMS' } });
  expect(sms).toHaveLength(2);
  for (const s of sms) expect(s.text).toMatch(/^Собрание в пятницу в 15:00\.\nОтписаться: http\S+\/unsubscribe\/\S+$/);

  const phoneA = (await db().person.findUniqueOrThrow({ where: { id: a.personId } })).phone!;
  const mine = sms.find((s) => s.recipient === phoneA)!;
  const url = new URL(/Отписаться: (\S+)$/.exec(mine.text)![1]);
  const stop = await request(testApp()).post(url.pathname).type('form').send('List-Unsubscribe=One-Click');
  expect(stop.status).toBe(200);
  expect(await db().consent.count({ where: { personId: a.personId, kind: 'MESSAGING', withdrawnAt: null } })).toBe(0);

  const second = await send();
  expect(second.body).toMatchObject({ recipients: 1, skippedNoConsent: 1 });
  await waitDone(second.body.id);
  const again = await db().outbox.findMany({ where: { messageId: second.body.id } });
  expect(again.map((s) => s.recipient)).toEqual([
    (await db().person.findUniqueOrThrow({ where: { id: b.personId } })).phone,
  ]);
});

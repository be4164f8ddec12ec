/**
 * Messages to members reach exactly the members with the messaging consent in force and a contact, counted on a
 * real SMTP server; every e-mail carries a one-click unsubscribe that works in one request with no login; the
 * withdrawal takes effect for the next message; outside the subtree is 404.
 */
import request from 'supertest';
import { api, bearer, buildTree, testApp, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { addDays, today } from '../../src/lib/dates';
import { header, memberWith, startSmtp, waitDone, type Mail } from './support';

useDb();

let t: Tree;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let chair: string;
const m = {} as Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h', { personId: string; email: string | null }>;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await buildTree();
  chair = await bearer((await userWith('CHAIR', t.regionA)).id);
  m.a = await memberWith(t.primA1, { consent: true });
  m.b = await memberWith(t.buroA1, { consent: true }); // in the subtree, below the primary
  m.c = await memberWith(t.primA1, { consent: false });
  m.d = await memberWith(t.primA1, { consent: true, email: false });
  m.e = await memberWith(t.primA1, { consent: true, category: 'STUDENT' });
  m.f = await memberWith(t.primB1, { consent: true }); // another region
  m.g = await memberWith(t.primA1, { consent: true, exit: '2025-01-01' }); // a former member
  m.h = await memberWith(t.primA1, { consent: true }); // processing consent withdrawn
  await db().consent.updateMany({
    where: { personId: m.h.personId, kind: 'PROCESSING' },
    data: { withdrawnAt: new Date(`${addDays(today(), -1)}T00:00:00Z`) },
  });
});
afterAll(() => smtp.stop());

function to(mails: Mail[]): string[] {
  return mails.flatMap((x) => x.to).sort();
}

async function sendMessage(body: Record<string, unknown>, auth = chair, org = t.primA1.id) {
  return api().post(`/api/v1/orgs/${org}/messages`).set('Authorization', auth).send(body);
}

describe('a message to members', () => {
  let first: Mail[] = [];

  it('answers 202 with who will get it and who is skipped and why, then reaches exactly those members once', async () => {
    const res = await sendMessage({ channel: 'EMAIL', subject: 'Собрание', text: 'Собрание в пятницу в 15:00.' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), recipients: 3, skippedNoConsent: 2, skippedNoContact: 1 });
    await waitDone(res.body.id);
    first = smtp.received.slice();
    expect(to(first)).toEqual([m.a.email, m.b.email, m.e.email].sort());
    const st = await api().get(`/api/v1/messages/${res.body.id}`).set('Authorization', chair);
    expect(st.status).toBe(200);
    expect(st.body).toEqual({
      status: 'DONE',
      recipients: 3,
      sent: 3,
      failed: 0,
      skippedNoConsent: 2,
      skippedNoContact: 1,
    });
    const log = await db().messageDelivery.findMany({ where: { messageId: res.body.id } });
    expect(log.map((d) => [d.status, d.attempts])).toEqual([
      ['SENT', 1],
      ['SENT', 1],
      ['SENT', 1],
    ]);
  });

  it('carries the RFC 8058 headers and the unsubscribe link in the text', () => {
    for (const mail of first) {
      expect(header(mail.raw, 'List-Unsubscribe')).toMatch(/^<http:\/\/[^>]+\/unsubscribe\/[^>]+>$/);
      expect(header(mail.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    }
  });

  it('a GET of the link only asks; one POST with no login and no CSRF token withdraws the consent', async () => {
    const mail = first.find((x) => x.to.includes(m.a.email!))!;
    const url = new URL(/<([^>]+)>/.exec(header(mail.raw, 'List-Unsubscribe')!)![1]);
    const page = await request(testApp()).get(url.pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Отписаться от рассылки');
    const open = () => db().consent.count({ where: { personId: m.a.personId, kind: 'MESSAGING', withdrawnAt: null } });
    expect(await open()).toBe(1);
    const res = await request(testApp()).post(url.pathname).type('form').send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(res.text).toContain('согласие на сообщения Профсоюза отозвано');
    expect(await open()).toBe(0);
    const log = await db().auditLog.findFirstOrThrow({ where: { action: 'message.unsubscribed' } });
    expect(log.entityId).toBe(m.a.personId);
  });

  it('refuses a forged or altered token and changes nothing', async () => {
    const mail = first.find((x) => x.to.includes(m.b.email!))!;
    const path = new URL(/<([^>]+)>/.exec(header(mail.raw, 'List-Unsubscribe')!)![1]).pathname;
    const forged = path.replace(m.b.personId, m.e.personId);
    expect((await request(testApp()).post(forged)).status).toBe(404);
    expect((await request(testApp()).post(`${path.slice(0, -2)}xx`)).status).toBe(404);
    expect(await db().consent.count({ where: { personId: m.e.personId, kind: 'MESSAGING', withdrawnAt: null } })).toBe(
      1,
    );
  });

  it('the next message no longer goes to the member who withdrew', async () => {
    const before = smtp.received.length;
    const res = await sendMessage({ channel: 'EMAIL', text: 'Второе сообщение.' });
    expect(res.body).toMatchObject({ recipients: 2, skippedNoConsent: 3, skippedNoContact: 1 });
    await waitDone(res.body.id);
    expect(to(smtp.received.slice(before))).toEqual([m.b.email, m.e.email].sort());
  });

  it('filters by category', async () => {
    const before = smtp.received.length;
    const res = await sendMessage({ channel: 'EMAIL', text: 'Студентам.', category: 'STUDENT' });
    expect(res.body).toMatchObject({ recipients: 1, skippedNoConsent: 0, skippedNoContact: 0 });
    await waitDone(res.body.id);
    expect(to(smtp.received.slice(before))).toEqual([m.e.email]);
  });

  it('refuses bad input with Russian messages', async () => {
    const res = await sendMessage({ channel: 'FAX', text: '' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toMatchObject({ channel: expect.any(String), text: 'Напишите текст сообщения' });
  });

  it('outside the subtree is 404 (writing and reading), a viewer or a registrar inside is 403', async () => {
    const other = await bearer((await userWith('CHAIR', t.regionB)).id);
    expect((await sendMessage({ channel: 'EMAIL', text: 'x' }, other)).status).toBe(404);
    const mine = await db().message.findFirstOrThrow();
    const peek = await api().get(`/api/v1/messages/${mine.id}`).set('Authorization', other);
    expect(peek.status).toBe(404);
    expect(JSON.stringify(peek.body)).not.toContain(t.primA1.id);
    for (const role of ['VIEWER', 'REGISTRAR'] as const) {
      const auth = await bearer((await userWith(role, t.regionA)).id);
      expect((await sendMessage({ channel: 'EMAIL', text: 'x' }, auth)).status).toBe(403);
    }
    expect(to(smtp.received)).not.toContain(m.f.email);
    expect(to(smtp.received)).not.toContain(m.g.email);
    expect(to(smtp.received)).not.toContain(m.h.email);
  });
});

/**
 * The demo's member (member@demo.reestr.ru) shows the member's side end to end with no mail server and no push
 * service: a virtual card, consents, this phone subscribed to web push, and the chair's messages (an e-mail and a
 * push) kept in the outbox; she signs in with the code from the outbox.
 */
import { buildTree, useDb, userWith, type Tree } from '../helpers';
import { config, setDemoMode } from '../../src/config';
import { db } from '../../src/db';
import { buildDemoMembers, DEMO_MEMBER_CONTACTS } from '../../src/seed/members.demo.repo';
import { buildDemoMessage } from '../../src/seed/messages.demo.repo';
import { memberAgent } from '../me/support';

useDb();

let t: Tree;
const EMAIL = DEMO_MEMBER_CONTACTS[0].contact;

beforeAll(async () => {
  setDemoMode(true);
  t = await buildTree();
  await buildDemoMembers(t.primA1);
  const chair = await userWith('CHAIR', t.primA1);
  await buildDemoMessage(t.primA1, chair);
});
afterAll(() => setDemoMode(false));

describe('the demo member', () => {
  it('holds a virtual card, the consents and a push subscription, and got the e-mail and the push via the outbox', async () => {
    expect(config.demoMode).toBe(true);
    const p = await db().person.findFirstOrThrow({
      where: { email: EMAIL },
      include: { consents: true, members: { include: { cards: true } } },
    });
    expect(p.members[0].cards.map((c) => [c.form, c.status])).toEqual([['VIRTUAL', 'ISSUED']]);
    expect(p.consents.map((c) => c.kind).sort()).toEqual(['BONUS_PROGRAMME', 'MESSAGING', 'PROCESSING']);
    expect(await db().pushSubscription.count({ where: { personId: p.id } })).toBe(1);
    const got = await db().messageDelivery.findMany({ where: { personId: p.id }, include: { message: true } });
    expect(got.map((d) => [d.channel, d.status]).sort()).toEqual([
      ['EMAIL', 'SENT'],
      ['PUSH', 'SENT'],
    ]);
    const outbox = await db().outbox.findMany({ where: { recipientId: { in: got.map((d) => d.id) } } });
    expect(outbox.map((o) => [o.channel, o.status]).sort()).toEqual([
      ['EMAIL', 'STORED'],
      ['PUSH', 'STORED'],
    ]);
  });

  it('signs in with the code from the outbox and sees the card, the push section switched on and the messages she got', async () => {
    const agent = await memberAgent(EMAIL);
    const home = await agent.get('/me');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Уведомления включены на устройствах: 1');
    expect(home.text).toContain('Сообщения Профсоюза');
    expect(home.text).toContain('Профсоюзное собрание');
    expect(home.text).toContain('Путёвки в санаторий');
    const card = await agent.get('/me/card');
    expect(card.text).toContain('QR-код билета');
  });
});

import { api, buildTree, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { addDays, today } from '../../src/lib/dates';
import { authOf, cardsOf, expectStatus, plasticIssued, virtualCard } from './support';

useDb();

/**
 * The registry's day is Moscow's (src/lib/dates today()). Between 00:00 and 03:00 in Moscow it is still
 * the day before in UTC: a card blocked then must carry the Moscow day, as its history does. The clock is
 * set (Date only; timers stay real) to 22:30 UTC of the real current UTC day, i.e. 01:30 the next day in Moscow.
 */
describe('dates of card events just after midnight in Moscow', () => {
  let t: Tree;
  beforeAll(async () => {
    const utcDay = new Date().toISOString().slice(0, 10);
    jest.useFakeTimers({
      now: new Date(`${utcDay}T22:30:00Z`),
      advanceTimers: true,
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
    t = await buildTree();
  });
  afterAll(() => {
    jest.useRealTimers();
  });

  it('the clock is where the test wants it: Moscow is a day ahead of UTC', () => {
    expect(today()).toBe(addDays(new Date().toISOString().slice(0, 10), 1));
  });

  it('a blocked card has blockedAt = the Moscow day, the same as the BLOCKED entry of its history', async () => {
    const m = (await buildMember({ org: t.primA1 })).memberId;
    const c = await virtualCard(t.primA1, m);
    expectStatus(
      await api()
        .post(`/api/v1/cards/${c.id}/block`)
        .set('Authorization', await authOf(t.primA1))
        .send({ reason: 'LOST' }),
      200,
    );
    const [card] = await cardsOf(t.primA1, m);
    expect(card.history.at(-1)).toMatchObject({ status: 'BLOCKED', date: today() });
    expect(card.blockedAt).toBe(today());
  });

  it('a card blocked today still counts in the progress as of yesterday', async () => {
    const m = (await buildMember({ org: t.primA2 })).memberId;
    await plasticIssued(t.central, [{ primary: t.primA2, memberIds: [m] }], addDays(today(), -10));
    const [card] = await cardsOf(t.primA2, m);
    expectStatus(
      await api()
        .post(`/api/v1/cards/${card.id}/reissue`)
        .set('Authorization', await authOf(t.primA2))
        .send({ reason: 'LOST' }),
      201,
    );
    const p = expectStatus(
      await api()
        .get(`/api/v1/orgs/${t.primA2.id}/cards/progress?asOf=${addDays(today(), -1)}`)
        .set('Authorization', await authOf(t.primA2)),
      200,
    ).body;
    expect(p.total).toMatchObject({ members: 1, plastic: 1, cards: 1 });
  });
});

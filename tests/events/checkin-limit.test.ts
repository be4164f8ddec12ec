import { api, buildTree, useDb } from '../helpers';
import { today } from '../../src/lib/dates';
import { authOf, expectStatus } from '../cards/support';

useDb();

describe('check-in rate limit', () => {
  it('refused cards are limited per user: the 31st guess within 10 minutes answers 429', async () => {
    const t = await buildTree();
    const auth = await authOf(t.primA1);
    const eventId = expectStatus(
      await api()
        .post(`/api/v1/orgs/${t.primA1.id}/events`)
        .set('Authorization', auth)
        .send({ title: 'Собрание', kind: 'EVENT', date: today() }),
      201,
    ).body.id;
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await api()
        .post(`/api/v1/events/${eventId}/checkins`)
        .set('Authorization', auth)
        .send({ cardNumber: `96000000000${String(10000 + i)}` });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});

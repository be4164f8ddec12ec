import { api, buildTree, useDb } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { createPartnerKey } from '../../src/modules/cards/verify';
import { virtualCard } from './support';

useDb();

/**
 * The per-address limit of the public check: its own file, so that the limiter's memory (one app per
 * test file) does not leak into the other tests. The app does not trust proxies: X-Forwarded-For does not
 * give a client a new address.
 */
describe('rate limit of the public membership check', () => {
  let number: string;
  beforeAll(async () => {
    const t = await buildTree();
    const m = (await buildMember({ org: t.primA1, lastName: 'Лимитова', firstName: 'Лидия' })).memberId;
    number = (await virtualCard(t.primA1, m)).number;
  });

  it('answers 429 after 20 checks a minute from one address, even for a valid card and a new X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await api()
        .get('/api/v1/verify')
        .query({ lastName: 'Лимитова', firstName: 'Лидия', cardNumber: i % 2 ? number : '9600000000000017' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual(Array(20).fill(200));
    const over = await api()
      .get('/api/v1/verify')
      .query({ lastName: 'Лимитова', firstName: 'Лидия', cardNumber: number });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(over.body.result).toBeUndefined();
    const spoofed = await api()
      .get('/api/v1/verify')
      .set('X-Forwarded-For', '203.0.113.7')
      .query({ lastName: 'Лимитова', firstName: 'Лидия', cardNumber: number });
    expect(spoofed.status).toBe(429);
    // Refused checks are not run, so not logged as checks either.
    expect(await db().auditLog.count({ where: { action: 'verify.checked' } })).toBe(20);
  });

  it('a partner with a verification key has its own, larger allowance', async () => {
    const { key } = await createPartnerKey('Кредитный кооператив');
    const res = await api()
      .get('/api/v1/verify')
      .set('X-Api-Key', key)
      .query({ lastName: 'Лимитова', firstName: 'Лидия', cardNumber: number });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: 'VALID' });
    const row = await db().auditLog.findFirst({ where: { action: 'verify.checked' }, orderBy: { id: 'desc' } });
    expect((row!.details as { partner: string | null }).partner).toEqual(expect.any(String));
  });
});

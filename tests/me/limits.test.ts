/** Codes are rate-limited per contact, whoever asks, and the limit answers alike for known and unknown contacts. */
import { api, buildTree, useDb } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';

useDb();

it('the sixth code within an hour for one contact is refused, known or not', async () => {
  const t = await buildTree();
  await buildMember({ org: t.primA1, email: 'limited@example.ru' });
  for (const contact of ['limited@example.ru', 'unknown-limited@example.ru']) {
    for (let i = 0; i < 5; i++)
      expect((await api().post('/api/v1/member/auth/code').send({ contact })).status).toBe(202);
    const sixth = await api().post('/api/v1/member/auth/code').send({ contact: contact.toUpperCase() });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('TOO_MANY_REQUESTS');
  }
  // Another contact from the same address still gets its code.
  expect((await api().post('/api/v1/member/auth/code').send({ contact: 'other@example.ru' })).status).toBe(202);
});

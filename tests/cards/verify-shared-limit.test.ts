import request from 'supertest';
import { api, csrfFrom, testApp, useDb } from '../helpers';

useDb();

/**
 * The page and the API of the public check share one allowance per address (its own file: the limiter's memory
 * lives in the app of the test file). Checks through the page count against the API and the other way round.
 */
describe('one allowance for the page and the API of the public check', () => {
  const q = { lastName: 'Общая', firstName: 'Квота', cardNumber: '9600000000000017' };

  it('after 10 checks on the page and 10 through the API, the next one is refused on either', async () => {
    const agent = request.agent(testApp());
    const csrf = await csrfFrom(agent, '/verify');
    for (let i = 0; i < 10; i++) {
      const res = await agent
        .post('/verify')
        .type('form')
        .send({ _csrf: csrf, ...q });
      expect(res.status).toBe(200);
      expect(res.text).toContain('role="status">Не найден</p>');
    }
    for (let i = 0; i < 10; i++) expect((await api().get('/api/v1/verify').query(q)).status).toBe(200);
    expect((await api().get('/api/v1/verify').query(q)).status).toBe(429);
    const page = await agent
      .post('/verify')
      .type('form')
      .send({ _csrf: csrf, ...q });
    expect(page.status).toBe(429);
    expect(page.text).not.toContain('role="status"');
    expect(page.text).toContain('Слишком много');
    // The page reads no partner key: a made-up X-Api-Key header does not open a fresh allowance there.
    const spoofed = await agent
      .post('/verify')
      .set('X-Api-Key', `pk_${Date.now()}`)
      .type('form')
      .send({ _csrf: csrf, ...q });
    expect(spoofed.status).toBe(429);
  });
});

import request from 'supertest';
import { api, buildTree, csrfFrom, testApp, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { cardNumberFromSeq, formatCardNumber } from '../../src/lib/cardNumber';
import { today } from '../../src/lib/dates';
import { authOf, cardsOf, expectStatus, submitOrder, virtualCard } from './support';

useDb();

/**
 * The public membership check. The API answers at most 20 checks a minute per address, so this file
 * makes fewer than that through GET /api/v1/verify (the limit itself is tested in verify-limit.test.ts).
 */
describe('public membership check', () => {
  let t: Tree;
  let valid: string;
  let blocked: string;
  let exited: string;
  let ordered: string;
  let legacy: string;
  const verify = (q: Record<string, string>) => api().get('/api/v1/verify').query(q);
  const misses: request.Response[] = [];

  beforeAll(async () => {
    t = await buildTree();
    const m = (await buildMember({ org: t.primA1, lastName: 'Семёнова', firstName: 'Алёна', middleName: 'Игоревна' }))
      .memberId;
    valid = (await virtualCard(t.primA1, m)).number;
    const b = (await buildMember({ org: t.primA1, lastName: 'Блинов', firstName: 'Антон' })).memberId;
    const bc = await virtualCard(t.primA1, b);
    expectStatus(
      await api()
        .post(`/api/v1/cards/${bc.id}/block`)
        .set('Authorization', await authOf(t.primA1))
        .send({ reason: 'LOST' }),
      200,
    );
    blocked = bc.number;
    const e = (await buildMember({ org: t.primA2, lastName: 'Ершов', firstName: 'Егор', joinedAt: '2010-01-01' }))
      .memberId;
    exited = (await virtualCard(t.primA2, e)).number;
    expectStatus(
      await api()
        .post(`/api/v1/members/${e}/exit`)
        .set('Authorization', await authOf(t.primA2))
        .send({ date: today(), reason: 'VOLUNTARY' }),
      200,
    );
    const o = (await buildMember({ org: t.primB1, lastName: 'Орлова', firstName: 'Ольга' })).memberId;
    await submitOrder(t.primB1, [o]);
    ordered = (await cardsOf(t.primB1, o))[0].number;
    // Imported data: a card still marked ISSUED although its holder has left the union.
    const l = (
      await buildMember({
        org: t.primB1,
        lastName: 'Старова',
        firstName: 'Лидия',
        exit: { date: '2023-06-30', kind: 'EXIT_VOLUNTARY' },
      })
    ).memberId;
    legacy = cardNumberFromSeq(555555);
    await db().card.create({
      data: {
        number: legacy,
        memberId: l,
        form: 'PLASTIC',
        status: 'ISSUED',
        issuedAt: new Date('2020-01-01T00:00:00Z'),
      },
    });
  });

  it('answers VALID, with no login, for an issued card and matching names; the body has only "result"', async () => {
    const res = await verify({ lastName: 'Семёнова', firstName: 'Алёна', cardNumber: valid });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: 'VALID' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('ignores case, Ё/Е and the spaces in a typed card number', async () => {
    const res = await verify({ lastName: 'СЕМЕНОВА', firstName: 'алена', cardNumber: formatCardNumber(valid) });
    expect(res.body).toEqual({ result: 'VALID' });
  });

  it.each([
    ['a wrong surname', () => ({ lastName: 'Семенов', firstName: 'Алёна', cardNumber: valid })],
    ['a wrong first name', () => ({ lastName: 'Семёнова', firstName: 'Анна', cardNumber: valid })],
    ['a blocked card', () => ({ lastName: 'Блинов', firstName: 'Антон', cardNumber: blocked })],
    ['a member who has left the union', () => ({ lastName: 'Ершов', firstName: 'Егор', cardNumber: exited })],
    [
      'a card still marked issued whose holder has left',
      () => ({ lastName: 'Старова', firstName: 'Лидия', cardNumber: legacy }),
    ],
    [
      'an unknown number with a valid check digit',
      () => ({ lastName: 'Семёнова', firstName: 'Алёна', cardNumber: cardNumberFromSeq(987654321) }),
    ],
    [
      'a number with a wrong check digit',
      () => ({
        lastName: 'Семёнова',
        firstName: 'Алёна',
        cardNumber: valid.slice(0, 15) + ((Number(valid[15]) + 1) % 10),
      }),
    ],
    ['a malformed number', () => ({ lastName: 'Семёнова', firstName: 'Алёна', cardNumber: '12345abc' })],
    ['a card ordered but not yet issued', () => ({ lastName: 'Орлова', firstName: 'Ольга', cardNumber: ordered })],
    ['nothing at all', () => ({})],
  ])('answers NOT_FOUND for %s', async (_what, q) => {
    const res = await verify(q());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: 'NOT_FOUND' });
    misses.push(res);
  });

  it('every miss looks the same: identical bodies and headers (apart from the date and the rate-limit counters)', () => {
    expect(misses).toHaveLength(10);
    const shape = (r: request.Response) => {
      const h = { ...r.headers } as Record<string, string>;
      for (const k of Object.keys(h))
        if (k === 'date' || k.startsWith('ratelimit') || k.startsWith('x-ratelimit')) delete h[k];
      return { status: r.status, text: r.text, headers: h };
    };
    const first = shape(misses[0]);
    for (const r of misses.slice(1)) expect(shape(r)).toEqual(first);
    expect(Object.keys(misses[0].body)).toEqual(['result']);
  });

  it('writes one audit row "verify.checked" per check, without the name or the number in it', async () => {
    const rows = await db().auditLog.findMany({ where: { action: 'verify.checked' } });
    expect(rows).toHaveLength(12);
    const text = JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    for (const secret of [
      'Семёнова',
      'СЕМЕНОВА',
      'Семенов',
      'Алёна',
      'Блинов',
      'Ершов',
      'Орлова',
      'Старова',
      valid,
      blocked,
      exited,
      ordered,
      legacy,
      valid.slice(0, 8),
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(rows.every((r) => r.userId === null)).toBe(true);
  });

  it('the page answers «действителен» for a valid card (a POST with the CSRF token of the page)', async () => {
    const agent = request.agent(testApp());
    const csrf = await csrfFrom(agent, '/verify');
    const res = await agent
      .post('/verify')
      .type('form')
      .send({ _csrf: csrf, lastName: 'семёнова', firstName: 'Алёна', cardNumber: valid });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/class="result ok"[^>]*>[^<]*действителен/);
    expect(res.text).not.toMatch(/class="result bad"/);
  });

  it('the page answers «Не найден» for a blocked card', async () => {
    const agent = request.agent(testApp());
    const csrf = await csrfFrom(agent, '/verify');
    const res = await agent
      .post('/verify')
      .type('form')
      .send({ _csrf: csrf, lastName: 'Блинов', firstName: 'Антон', cardNumber: blocked });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/class="result bad"[^>]*>Не найден</);
    expect(res.text).not.toMatch(/class="result ok"/);
    expect(await db().auditLog.count({ where: { action: 'verify.checked' } })).toBe(14);
  });

  it('the page refuses a POST without the CSRF token (403) and checks nothing', async () => {
    const agent = request.agent(testApp());
    await agent.get('/verify');
    const res = await agent
      .post('/verify')
      .type('form')
      .send({ lastName: 'Семёнова', firstName: 'Алёна', cardNumber: valid });
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('действителен: член');
    expect(await db().auditLog.count({ where: { action: 'verify.checked' } })).toBe(14);
  });

  it('a check with a wrong partner key is refused with 401', async () => {
    const res = await verify({ lastName: 'Семёнова', firstName: 'Алёна', cardNumber: valid }).set(
      'X-Api-Key',
      'pk_nonsense',
    );
    expect(res.status).toBe(401);
    expect(res.body.result).toBeUndefined();
  });
});

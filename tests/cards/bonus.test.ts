import { api, buildTree, loginAs, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { formatCardNumber } from '../../src/lib/cardNumber';
import { today } from '../../src/lib/dates';
import { authOf, binary, chairOf, expectStatus, submitOrder, virtualCard, xlsxRows } from './support';

useDb();

/** The export for the bonus-programme partner: consent (2) in force and an issued card, central office only. */
describe('bonus programme export', () => {
  let t: Tree;
  let inA: string;
  let inB: string;

  beforeAll(async () => {
    t = await buildTree();
    const yes = { bonusProgramme: true };
    // In the list: consent and an issued card, in two regions.
    const a = await buildMember({
      org: t.primA1,
      lastName: 'Анисимова',
      firstName: 'Вера',
      middleName: 'Павловна',
      phone: '+79001112233',
      email: 'vera@example.org',
      consents: yes,
    });
    inA = (await virtualCard(t.primA1, a.memberId)).number;
    const b = await buildMember({ org: t.primB1, lastName: 'Борисов', firstName: 'Глеб', consents: yes });
    inB = (await virtualCard(t.primB1, b.memberId)).number;
    // Not in the list: consent withdrawn; no consent; consent but no card; consent but the card only ordered;
    // consent but the card blocked; consent but left the union.
    const w = await buildMember({ org: t.primA1, lastName: 'Отозвавшая', firstName: 'Дарья', consents: yes });
    await virtualCard(t.primA1, w.memberId);
    expectStatus(
      await api()
        .post(`/api/v1/members/${w.memberId}/consents`)
        .set('Authorization', await authOf(t.primA1))
        .send({ kind: 'BONUS_PROGRAMME', given: false, date: today() }),
      201,
    );
    const n = await buildMember({ org: t.primA1, lastName: 'Несогласный', firstName: 'Егор' });
    await virtualCard(t.primA1, n.memberId);
    await buildMember({ org: t.primA2, lastName: 'Безбилетная', firstName: 'Жанна', consents: yes });
    const o = await buildMember({ org: t.primA2, lastName: 'Заказанная', firstName: 'Зоя', consents: yes });
    await submitOrder(t.primA2, [o.memberId]);
    const k = await buildMember({ org: t.primA3, lastName: 'Заблокированный', firstName: 'Илья', consents: yes });
    const kc = await virtualCard(t.primA3, k.memberId);
    expectStatus(
      await api()
        .post(`/api/v1/cards/${kc.id}/block`)
        .set('Authorization', await authOf(t.primA3))
        .send({ reason: 'LOST' }),
      200,
    );
    const x = await buildMember({
      org: t.primA3,
      lastName: 'Вышедший',
      firstName: 'Кирилл',
      joinedAt: '2012-01-01',
      consents: yes,
    });
    await virtualCard(t.primA3, x.memberId);
    expectStatus(
      await api()
        .post(`/api/v1/members/${x.memberId}/exit`)
        .set('Authorization', await authOf(t.primA3))
        .send({ date: today(), reason: 'VOLUNTARY' }),
      200,
    );
  });

  it('lists only members with consent in force and an issued card: ФИО, card number, phone, e-mail', async () => {
    const agent = await loginAs((await chairOf(t.central)).login);
    const res = await agent.get(`/orgs/${t.central.id}/bonus.xlsx`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    const rows = await xlsxRows(res.body);
    expect(rows[0]).toEqual(['Фамилия', 'Имя', 'Отчество', 'Номер билета', 'Телефон', 'Эл. почта']);
    expect(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(['Анисимова', 'Борисов']);
    const vera = rows.find((r) => r[0] === 'Анисимова')!;
    expect(vera.slice(0, 6)).toEqual([
      'Анисимова',
      'Вера',
      'Павловна',
      formatCardNumber(inA),
      '+79001112233',
      'vera@example.org',
    ]);
    expect(rows.find((r) => r[0] === 'Борисов')![3]).toBe(formatCardNumber(inB));
    const text = JSON.stringify(rows);
    for (const absent of ['Отозвавшая', 'Несогласный', 'Безбилетная', 'Заказанная', 'Заблокированный', 'Вышедший'])
      expect(text).not.toContain(absent);
  });

  it("writes the audit row 'bonus.exported' with the row count", async () => {
    const rows = await db().auditLog.findMany({ where: { action: 'bonus.exported' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rowCount: 2, organisationId: t.central.id, userId: (await chairOf(t.central)).id });
  });

  it("a regional chair gets 404 on the central council's export and nothing is logged as exported", async () => {
    const agent = await loginAs((await chairOf(t.regionA)).login);
    const res = await agent.get(`/orgs/${t.central.id}/bonus.xlsx`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).not.toMatch(/spreadsheetml/);
    expect(await db().auditLog.count({ where: { action: 'bonus.exported' } })).toBe(1);
  });

  it('a regional chair cannot export from its own region either (only the central council exports)', async () => {
    const agent = await loginAs((await chairOf(t.regionA)).login);
    const res = await agent.get(`/orgs/${t.regionA.id}/bonus.xlsx`);
    expect([403, 404]).toContain(res.status);
    expect(res.headers['content-type']).not.toMatch(/spreadsheetml/);
    expect(await db().auditLog.count({ where: { action: 'bonus.exported' } })).toBe(1);
  });

  it('the participants page counts members with consent per child organisation', async () => {
    const agent = await loginAs((await chairOf(t.central)).login);
    const res = await agent.get(`/orgs/${t.central.id}/bonus`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Региональная А');
    expect(res.text).toContain('Региональная Б');
  });
});

import request from 'supertest';
import { buildTree, csrfFrom, loginAs, testApp, useDb, userWith, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';

useDb();

describe('online join applications', () => {
  let t: Tree;
  beforeAll(async () => {
    t = await buildTree();
  });

  async function apply(over: Record<string, string> = {}) {
    const visitor = request.agent(testApp());
    const csrf = await csrfFrom(visitor, `/join?org=${t.primA1.id}`);
    return visitor
      .post('/join')
      .type('form')
      .send({
        _csrf: csrf,
        organisationId: t.primA1.id,
        lastName: 'Заявкина',
        firstName: 'Вера',
        middleName: 'Ивановна',
        birthDate: '12.03.1991',
        category: 'WORKING',
        phone: '+7 900 111-22-33',
        consentProcessing: 'on',
        ...over,
      });
  }

  it('leads a visitor from region to territory to the organisation without showing anything but names', async () => {
    const res = await request(testApp()).get(`/join?region=${t.regionA.id}&territory=${t.terrA1.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('ППО школы А1');
    expect(res.text).not.toContain('ППО школы Б1');
  });

  it('accepts an application and shows nothing personal back', async () => {
    const res = await apply();
    expect(res.status).toBe(200);
    expect(res.text).toContain('Заявление отправлено');
    expect(res.text).not.toContain('Заявкина');
    expect(await db().joinApplication.count({ where: { organisationId: t.primA1.id, lastName: 'Заявкина' } })).toBe(1);
  });

  it('refuses an application without consent to processing, keeping what was typed', async () => {
    const res = await apply({ lastName: 'Несогласная', consentProcessing: '' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Без согласия на обработку персональных данных');
    expect(res.text).toContain('value="Несогласная"');
    expect(await db().joinApplication.count({ where: { lastName: 'Несогласная' } })).toBe(0);
  });

  it('lets the chair accept: the person becomes a member with the duplicate rules applied', async () => {
    await apply({ lastName: 'Принятая', firstName: 'Анна' });
    const app = await db().joinApplication.findFirstOrThrow({ where: { lastName: 'Принятая' } });
    const u = await userWith('CHAIR', t.primA1);
    const chair = await loginAs(u.login);
    const list = await chair.get(`/orgs/${t.primA1.id}/applications`);
    expect(list.text).toContain('Принятая Анна');
    const csrf = await csrfFrom(chair, `/orgs/${t.primA1.id}/applications`);
    const res = await chair.post(`/applications/${app.id}/accept`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    const after = await db().joinApplication.findUniqueOrThrow({ where: { id: app.id } });
    expect(after.status).toBe('ACCEPTED');
    const m = await db().member.findUniqueOrThrow({ where: { id: after.memberId! }, include: { person: true } });
    expect(m.person.lastName).toBe('Принятая');
    expect(m.organisationId).toBe(t.primA1.id);
  });

  it('refuses to accept someone already registered elsewhere and keeps the application', async () => {
    await buildMember({
      org: t.primB1,
      lastName: 'Дублева',
      firstName: 'Ольга',
      middleName: 'Ивановна',
      birthDate: '1980-01-01',
    });
    await apply({ lastName: 'Дублева', firstName: 'Ольга', birthDate: '01.01.1980' });
    const app = await db().joinApplication.findFirstOrThrow({ where: { lastName: 'Дублева' } });
    const u = await userWith('CHAIR', t.primA1);
    const chair = await loginAs(u.login);
    const csrf = await csrfFrom(chair, `/orgs/${t.primA1.id}/applications`);
    await chair.post(`/applications/${app.id}/accept`).type('form').send({ _csrf: csrf });
    expect((await db().joinApplication.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('NEW');
  });

  it("deletes the applicant's data on decline, keeping only the status and the reason", async () => {
    await apply({ lastName: 'Отказанная' });
    const app = await db().joinApplication.findFirstOrThrow({ where: { lastName: 'Отказанная' } });
    const u = await userWith('CHAIR', t.primA1);
    const chair = await loginAs(u.login);
    const csrf = await csrfFrom(chair, `/orgs/${t.primA1.id}/applications`);
    await chair
      .post(`/applications/${app.id}/decline`)
      .type('form')
      .send({ _csrf: csrf, reason: 'Не работает в учреждении' });
    const after = await db().joinApplication.findUniqueOrThrow({ where: { id: app.id } });
    expect(after).toMatchObject({
      status: 'DECLINED',
      declineReason: 'Не работает в учреждении',
      lastName: null,
      firstName: null,
      birthDate: null,
      phone: null,
    });
  });

  it("hides another organisation's applications: 404", async () => {
    await apply({ lastName: 'Чужая' });
    const app = await db().joinApplication.findFirstOrThrow({ where: { lastName: 'Чужая' } });
    const u = await userWith('CHAIR', t.primB1);
    const other = await loginAs(u.login);
    const csrf = await csrfFrom(other, `/orgs/${t.primB1.id}/applications`);
    const res = await other.post(`/applications/${app.id}/accept`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(404);
    expect((await other.get(`/orgs/${t.primA1.id}/applications`)).status).toBe(404);
  });
});

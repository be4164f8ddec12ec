/**
 * A draft's audience (and a survey draft's settings) can be changed before publication; the audience frozen at
 * publication is the edited one. Once published, the audience no longer changes.
 */
import type request from 'supertest';
import { db } from '../../src/db';
import { buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';

useDb();

let t: Tree;
let agent: request.Agent;
let primChair: { id: string };
let terrViewer: { id: string };

beforeAll(async () => {
  t = await buildTree();
  agent = await loginAs((await userWith('CHAIR', t.regionA)).login);
  primChair = await userWith('CHAIR', t.primA1);
  terrViewer = await userWith('VIEWER', t.terrA1);
});

const frozen = async (itemId: string) =>
  (await db().audienceMember.findMany({ where: { itemId }, select: { userId: true } })).map((m) => m.userId);

describe('a survey draft', () => {
  async function draft(): Promise<string> {
    const res = await postForm(agent, `/orgs/${t.regionA.id}/surveys/new`, `/orgs/${t.regionA.id}/surveys`, {
      title: 'Опрос о нагрузке',
      kind: 'SURVEY',
      opensAt: '01.12.2026 09:00',
      closesAt: '01.12.2030 18:00',
      audienceKinds: 'TERRITORIAL',
    });
    expect(res.status).toBe(303);
    const id = /\/surveys\/([0-9a-f-]{36})\/edit/.exec(res.headers.location)![1];
    const edit = await agent.get(`/surveys/${id}/edit`);
    await postForm(agent, `/surveys/${id}/edit`, `/surveys/${id}/questions`, {
      text: 'Нагрузка высокая?',
      type: 'TEXT',
    });
    expect(edit.text).toContain(`href="/surveys/${id}/settings"`);
    return id;
  }

  it('changes its title, dates and audience; publication freezes the new audience', async () => {
    const id = await draft();
    const form = await agent.get(`/surveys/${id}/settings`);
    expect(form.status).toBe(200);
    expect(form.text).toMatch(/name="audienceKinds" value="TERRITORIAL"[^>]*checked/);
    const res = await postForm(agent, `/surveys/${id}/settings`, `/surveys/${id}/settings`, {
      title: 'Опрос о нагрузке председателей',
      opensAt: '01.12.2026 09:00',
      closesAt: '02.12.2030 18:00',
      audienceKinds: 'PRIMARY',
      audienceRoles: 'CHAIR',
    });
    expect(res.status).toBe(303);
    expect((await agent.get(res.headers.location)).text).toContain('Настройки и адресаты черновика сохранены');
    const s = await db().survey.findUniqueOrThrow({ where: { id } });
    expect(s).toMatchObject({
      title: 'Опрос о нагрузке председателей',
      kind: 'SURVEY',
      audienceKinds: ['PRIMARY'],
      audienceRoles: ['CHAIR'],
    });
    expect((await postForm(agent, `/surveys/${id}/edit`, `/surveys/${id}/publish`, {})).status).toBe(303);
    const members = await frozen(id);
    expect(members).toContain(primChair.id);
    expect(members).not.toContain(terrViewer.id);
    // Published: the settings page is a conflict, and a posted change is refused with nothing changed.
    expect((await agent.get(`/surveys/${id}/settings`)).status).toBe(409);
    const late = await postForm(agent, `/surveys/${id}/edit`, `/surveys/${id}/settings`, {
      title: 'Поздняя правка',
      opensAt: '01.12.2026 09:00',
      closesAt: '02.12.2030 18:00',
    });
    expect(late.status).toBe(409);
    expect((await db().survey.findUniqueOrThrow({ where: { id } })).title).toBe('Опрос о нагрузке председателей');
  });

  it('re-shows the form with what was typed and the errors; nothing is saved', async () => {
    const id = await draft();
    const res = await postForm(agent, `/surveys/${id}/settings`, `/surveys/${id}/settings`, {
      title: 'Новое название опроса',
      opensAt: '01.12.2026 09:00',
      closesAt: '01.12.2025 18:00',
      audienceOrgIds: t.primB1.id,
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Закрытие должно быть позже открытия');
    expect(res.text).toContain('структуру публикующей организации');
    expect(res.text).toContain('Новое название опроса');
    expect((await db().survey.findUniqueOrThrow({ where: { id } })).title).toBe('Опрос о нагрузке');
  });
});

describe('an announcement draft', () => {
  it('changes its audience with its text; publication freezes the new one; a published one keeps it', async () => {
    const created = await postForm(
      agent,
      `/orgs/${t.regionA.id}/announcements/new`,
      `/orgs/${t.regionA.id}/announcements`,
      {
        title: 'Совещание',
        body: 'Текст',
        audienceKinds: 'TERRITORIAL',
        publish: '0',
      },
    );
    expect(created.status).toBe(303);
    const id = /\/announcements\/([0-9a-f-]{36})/.exec(created.headers.location)![1];
    const form = await agent.get(`/announcements/${id}/edit`);
    expect(form.text).toMatch(/name="audienceKinds" value="TERRITORIAL"[^>]*checked/);

    const bad = await postForm(agent, `/announcements/${id}/edit`, `/announcements/${id}/edit`, {
      title: 'Совещание председателей',
      body: 'Текст',
      version: '1',
      audienceOrgIds: t.primB1.id,
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('структуру публикующей организации');
    expect((await db().announcement.findUniqueOrThrow({ where: { id } })).title).toBe('Совещание');

    const edit = await postForm(agent, `/announcements/${id}/edit`, `/announcements/${id}/edit`, {
      title: 'Совещание председателей',
      body: 'Текст',
      version: '1',
      audienceKinds: 'PRIMARY',
      audienceRoles: 'CHAIR',
    });
    expect(edit.status).toBe(303);
    expect(await db().announcement.findUniqueOrThrow({ where: { id } })).toMatchObject({
      title: 'Совещание председателей',
      audienceKinds: ['PRIMARY'],
      audienceRoles: ['CHAIR'],
    });
    expect((await postForm(agent, `/announcements/${id}`, `/announcements/${id}/publish`, {})).status).toBe(303);
    const members = await frozen(id);
    expect(members).toContain(primChair.id);
    expect(members).not.toContain(terrViewer.id);

    // Published: the form has no audience fields and a posted audience is ignored.
    expect((await agent.get(`/announcements/${id}/edit`)).text).not.toContain('name="audienceKinds"');
    await postForm(agent, `/announcements/${id}/edit`, `/announcements/${id}/edit`, {
      title: 'Совещание председателей (испр.)',
      body: 'Текст',
      version: '2',
      audienceKinds: 'TERRITORIAL',
    });
    expect(await db().announcement.findUniqueOrThrow({ where: { id } })).toMatchObject({
      title: 'Совещание председателей (испр.)',
      audienceKinds: ['PRIMARY'],
    });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { api, buildTree, csrfFrom, loginAs, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { TEMPLATES_DIR, insertCampaign, loadShippedTemplates } from '../../src/modules/reports/reports.repo';
import type { Definition } from '../../src/modules/reports/template';
import { ENTERED_OK, authOf, expectStatus, inCampaign, live, step, userAt } from './support';

useDb();

const shipped5SP = (): Definition => JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, '5SP.json'), 'utf8'));

/** 5СП with one more section: women (an indicator) and their share (a formula over it). */
function extended(): Definition {
  const d = shipped5SP();
  d.sections.push({
    title: 'VI. Дополнительно',
    rows: [
      {
        code: '99',
        title: 'Женщин — членов Профсоюза (проверка шаблона)',
        cells: { v: { indicator: 'members_women' } },
      },
      { code: '9A', title: 'Доля женщин, %', cells: { v: { formula: 'pct(99.v, 10.v)' } } },
    ],
  });
  return d;
}

/** A template whose file changes the union's forms without a code change. */
describe('a form template loaded from a file', () => {
  let t: Tree;
  let campaign: string;
  const AS_OF = '2026-11-01';

  async function upload(login: string, text: string, name: string) {
    const agent = await loginAs(login);
    const token = await csrfFrom(agent, `/orgs/${t.central.id}/reports`);
    return agent
      .post(`/orgs/${t.central.id}/report-templates`)
      .field('_csrf', token)
      .attach('file', Buffer.from(text, 'utf8'), name);
  }
  const templateRows = () =>
    db().reportTemplate.findMany({
      orderBy: [{ code: 'asc' }, { version: 'asc' }],
      select: { code: true, version: true, active: true },
    });

  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    await buildMember({ org: t.primA1, gender: 'FEMALE', birthDate: '1980-01-01' });
    await buildMember({ org: t.primA1, gender: 'FEMALE', birthDate: '1981-01-01' });
    await buildMember({ org: t.primA1, gender: 'MALE', birthDate: '1982-01-01' });
    await buildMember({ org: t.primA2, gender: 'MALE', birthDate: '1983-01-01' });
    campaign = (await insertCampaign({ title: 'Отчёт на 01.11.2026', reportDate: AS_OF, deadline: '2026-12-31' })).id;
    // primA2 submits on the shipped version before the new one is loaded.
    expectStatus(
      await step(t.primA2, '5SP', 'submit', await authOf(t.primA2), { campaign, entered: ENTERED_OK() }),
      200,
    );
  });

  it('refuses the upload from a chair of the central council who is not its administrator (403), storing nothing', async () => {
    const before = await templateRows();
    const res = await upload((await userAt(t.central)).login, YAML.stringify(extended()), '5sp.yaml');
    expect(res.status).toBe(403);
    expect(await templateRows()).toEqual(before);
  });

  it('refuses a multipart upload without the CSRF token (403), storing nothing', async () => {
    const before = await templateRows();
    const agent = await loginAs((await userAt(t.central, 'ADMIN')).login);
    const res = await agent
      .post(`/orgs/${t.central.id}/report-templates`)
      .attach('file', Buffer.from(YAML.stringify(extended())), '5sp.yaml');
    expect(res.status).toBe(403);
    expect(await templateRows()).toEqual(before);
  });

  it('stores a YAML 5SP with two extra rows as version 2; the API shows the new rows computed', async () => {
    const res = await upload((await userAt(t.central, 'ADMIN')).login, YAML.stringify(extended()), 'x.yaml');
    expect(res.status).toBe(303);
    const body = (await live(t.primA1, '5SP', AS_OF, await authOf(t.primA1))).body;
    expect(body.version).toBe(2);
    const codes = body.rows.map((r: { code: string }) => r.code);
    expect(codes.slice(-3)).toEqual(['64', '99', '9A']);
    const v = Object.fromEntries(body.rows.map((r: { code: string; values: { v: number } }) => [r.code, r.values.v]));
    expect(v['99']).toBe(2);
    expect(v['9A']).toBe(66.7); // 2 of 3
    expect(body.rows.find((r: { code: string }) => r.code === '99').title).toBe(
      'Женщин — членов Профсоюза (проверка шаблона)',
    );
    expect((await templateRows()).filter((r) => r.code === '5SP')).toEqual([
      { code: '5SP', version: 1, active: false },
      { code: '5SP', version: 2, active: true },
    ]);
  });

  it('a report started on version 1 keeps it; a new report of the campaign uses version 2', async () => {
    const old = await inCampaign(t.primA2, '5SP', campaign, await authOf(t.terrA1));
    expect(old.body.version).toBe(1);
    expect(old.body.rows.map((r: { code: string }) => r.code)).not.toContain('99');
    const fresh = await inCampaign(t.primA1, '5SP', campaign, await authOf(t.terrA1));
    expect(fresh.body.version).toBe(2);
    expect(fresh.v['9A']).toBe(66.7);
  });

  it('the consolidated forms are untouched by a new 5SP (1SP still without row 99)', async () => {
    const body = (await live(t.regionA, '1SP', AS_OF, await authOf(t.regionA))).body;
    expect(body.version).toBe(1);
    expect(body.rows.map((r: { code: string }) => r.code)).not.toContain('99');
  });

  it('refuses a template with an unknown indicator and a cycle with 400, listing the errors in Russian, storing nothing', async () => {
    const before = await templateRows();
    const d = extended();
    d.sections[5].rows[0].cells.v = { indicator: 'members_martians' };
    d.sections[5].rows.push(
      { code: '9B', title: 'Цикл 1', cells: { v: { formula: '9C.v + 1' } } },
      { code: '9C', title: 'Цикл 2', cells: { v: { formula: '9B.v + 1' } } },
    );
    const res = await upload((await userAt(t.central, 'ADMIN')).login, YAML.stringify(d), 'broken.yaml');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Шаблон не загружен');
    expect(res.text).toContain('неизвестный показатель «members_martians»');
    expect(res.text).toMatch(/Формулы образуют цикл: 9[BC]\.v → 9[BC]\.v → 9[BC]\.v/);
    expect(await templateRows()).toEqual(before);
    expect((await live(t.primA1, '5SP', AS_OF, await authOf(t.primA1))).body.version).toBe(2);
  });

  it('refuses a file that is neither JSON nor YAML with 400 and a Russian message, storing nothing', async () => {
    const before = await templateRows();
    const res = await upload((await userAt(t.central, 'ADMIN')).login, 'code: [5SP\n  title: : :', 'bad.yaml');
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/не читается как JSON или YAML/);
    expect(await templateRows()).toEqual(before);
  });

  it('accepts the same form as JSON, as version 3', async () => {
    const d = extended();
    d.sections[5].rows[0].title = 'Женщин (версия 3)';
    const res = await upload((await userAt(t.central, 'ADMIN')).login, JSON.stringify(d), 'x.json');
    expect(res.status).toBe(303);
    const body = (
      await api()
        .get(`/api/v1/orgs/${t.primA1.id}/reports/5SP`)
        .query({ asOf: AS_OF })
        .set('Authorization', await authOf(t.primA1))
    ).body;
    expect(body.version).toBe(3);
    expect(body.rows.find((r: { code: string }) => r.code === '99').title).toBe('Женщин (версия 3)');
  });
});

describe('template errors are explained in Russian', () => {
  let t: Tree;
  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
  });

  it('refuses a hand-written YAML whose row code 01 is unquoted (read as the number 1) with 400 and every error in Russian', async () => {
    const yaml = [
      'code: 7SP',
      'title: Форма, написанная вручную',
      'level: PRIMARY',
      'columns:',
      '  - code: v',
      '    title: Значение',
      'sections:',
      '  - title: I',
      '    rows:',
      '      - code: 01',
      '        title: Работников',
      '        cells:',
      '          v: { entered: true }',
    ].join('\n');
    const agent = await loginAs((await userAt(t.central, 'ADMIN')).login);
    const token = await csrfFrom(agent, `/orgs/${t.central.id}/report-templates`);
    const res = await agent
      .post(`/orgs/${t.central.id}/report-templates`)
      .field('_csrf', token)
      .attach('file', Buffer.from(yaml), 'hand.yaml');
    expect(res.status).toBe(400);
    const box = /<div class="error-box"[\s\S]*?<\/div>/.exec(res.text)?.[0] ?? '';
    const items = [...box.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(item).toMatch(/[А-Яа-яЁё]{3}/);
    expect(await db().reportTemplate.count({ where: { code: '7SP' } })).toBe(0);
  });
});

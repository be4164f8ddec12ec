/**
 * The central reports page (campaign status by organisation) is paged (50 a page) and filtered by level and
 * status; the filters stay in the query string (the pager keeps them) and the summary counts the whole subtree.
 */
import crypto from 'node:crypto';
import { buildTree, loginAs, useDb, type Tree } from '../helpers';
import { db } from '../../src/db';
import { buildOrgsBulk } from '../../src/seed/builders.repo';
import { insertCampaign, loadShippedTemplates } from '../../src/modules/reports/reports.repo';
import { userAt } from './support';

useDb();

describe('campaign status by organisation, paged and filtered', () => {
  let t: Tree;
  let campaign: string;

  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    campaign = (await insertCampaign({ title: 'Отчёт', reportDate: '2099-01-01', deadline: '2099-03-01' })).id;
    // 120 more primaries under terrA2; 7 of them have submitted.
    const prims = await buildOrgsBulk(
      Array.from({ length: 120 }, (_, i) => ({
        id: crypto.randomUUID(),
        parent: t.terrA2,
        kind: 'PRIMARY' as const,
        name: `ППО школы № ${String(i + 1).padStart(3, '0')}`,
      })),
    );
    const tpl = await db().reportTemplate.findFirstOrThrow({ where: { active: true } });
    await db().report.createMany({
      data: prims
        .slice(0, 7)
        .map((p) => ({ campaignId: campaign, organisationId: p.id, templateId: tpl.id, status: 'SUBMITTED' as const })),
    });
  });

  const rowsOf = (html: string) => (html.match(/<td data-label="Организация">/g) ?? []).length;

  it('shows 50 organisations a page with a pager, and the summary of all of them', async () => {
    const admin = await loginAs((await userAt(t.central, 'ADMIN')).login);
    const page = await admin.get(`/orgs/${t.central.id}/reports`).query({ campaign });
    expect(page.status).toBe(200);
    expect(rowsOf(page.text)).toBe(50);
    // 2 regions, 3 territorials, 4 primaries of the tree and 120 more: 129 units below the central council.
    expect(page.text).toContain('Найдено: 129');
    expect(page.text).toContain('Не начато: 122 · черновик: 0 · отправлено: 7');
    expect(page.text).toContain('Страница 1 из 3');
    const last = await admin.get(`/orgs/${t.central.id}/reports`).query({ campaign, page: 3 });
    expect(rowsOf(last.text)).toBe(29);
    expect(Buffer.byteLength(page.text)).toBeLessThan(60_000);
  });

  it('filters by level and status, and the pager links keep the filters', async () => {
    const admin = await loginAs((await userAt(t.central, 'ADMIN')).login);
    const sub = await admin
      .get(`/orgs/${t.central.id}/reports`)
      .query({ campaign, kind: 'PRIMARY', status: 'SUBMITTED' });
    expect(rowsOf(sub.text)).toBe(7);
    expect(sub.text).toContain('Найдено: 7');
    expect(sub.text).toContain('<option value="SUBMITTED" selected');
    const none = await admin.get(`/orgs/${t.central.id}/reports`).query({ campaign, kind: 'PRIMARY', status: 'none' });
    expect(none.text).toContain('Найдено: 117');
    expect(none.text).toContain(`href="?campaign=${campaign}&amp;kind=PRIMARY&amp;status=none&amp;page=2"`);
    const regions = await admin.get(`/orgs/${t.central.id}/reports`).query({ campaign, kind: 'REGIONAL' });
    expect(rowsOf(regions.text)).toBe(2);
    expect(regions.text).toContain('Региональная А');
    expect(regions.text).not.toContain('ППО школы № 001');
  });

  it('a region sees its own subtree only, and a bad filter is ignored rather than a 500', async () => {
    const chair = await loginAs((await userAt(t.regionB, 'CHAIR')).login);
    const page = await chair.get(`/orgs/${t.regionB.id}/reports`).query({ campaign, kind: 'NOPE', page: 'x' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Найдено: 2');
    expect(page.text).not.toContain('ППО школы № 001');
  });
});

/**
 * Each level's start page says what needs doing now, with counts and links: its own reports returned for
 * correction, its children's reports to accept, card orders to pass on, join applications, transfer requests
 * and unread announcements. Counts stay inside the organisation (or its subtree).
 */
import { buildTree, loginAs, postForm, userWith, useDb, type Tree } from '../helpers';
import { db } from '../../src/db';
import { buildMember } from '../../src/seed/builders.repo';
import { insertCampaign, loadShippedTemplates } from '../../src/modules/reports/reports.repo';

useDb();

describe('the start page «Что нужно сделать»', () => {
  let t: Tree;
  let campaign: string;

  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    campaign = (await insertCampaign({ title: 'Отчёт', reportDate: '2099-01-01', deadline: '2099-03-01' })).id;
    const tpl = await db().reportTemplate.findFirstOrThrow({ where: { active: true } });
    const report = (org: { id: string }, status: 'SUBMITTED' | 'RETURNED') =>
      db().report.create({
        data: {
          campaignId: campaign,
          organisationId: org.id,
          templateId: tpl.id,
          status,
          comment: status === 'RETURNED' ? 'Исправьте строку 01' : null,
        },
      });
    // terrA1's children: two submitted; terrA1's own report returned; terrB1's child submitted (another region).
    await report(t.primA1, 'SUBMITTED');
    await report(t.primA2, 'SUBMITTED');
    await report(t.terrA1, 'RETURNED');
    await report(t.primB1, 'SUBMITTED');
    // A card order of primA1 held by terrA1 (to pass on), one of primB1 held by terrB1.
    await db().cardOrder.create({ data: { organisationId: t.primA1.id, holderId: t.terrA1.id } });
    await db().cardOrder.create({ data: { organisationId: t.primB1.id, holderId: t.terrB1.id } });
    // Join applications: two under terrA1, one in region B.
    for (const org of [t.primA1, t.primA2, t.primB1])
      await db().joinApplication.create({ data: { organisationId: org.id, lastName: 'Заявитель', firstName: 'Иван' } });
    // A transfer request out of primA2.
    const m = await buildMember({ org: t.primA2 });
    await db().transferRequest.create({
      data: { memberId: m.memberId, fromOrgId: t.primA2.id, toOrgId: t.primB1.id, date: new Date('2099-01-01') },
    });
  });

  it('lists every to-do of a territorial chair with counts and links, nothing of another region', async () => {
    const chair = await userWith('CHAIR', t.terrA1, { ndaAccepted: true });
    // An announcement of the region addressed to terrA1's chair.
    const regional = await userWith('CHAIR', t.regionA);
    const pub = await postForm(
      await loginAs(regional.login),
      `/orgs/${t.regionA.id}/announcements/new`,
      `/orgs/${t.regionA.id}/announcements`,
      { title: 'Совещание председателей', body: 'Текст', audienceOrgIds: t.terrA1.id, publish: '1' },
    );
    expect(pub.status).toBe(303);

    const page = await (await loginAs(chair.login)).get(`/orgs/${t.terrA1.id}`);
    expect(page.status).toBe(200);
    const box = /<section class="warn-box todos"[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
    expect(box).toContain('Что нужно сделать');
    expect(box).toContain(
      `href="/orgs/${t.terrA1.id}/reports/${campaign}">Отчёты, возвращённые на исправление: <strong>1</strong>`,
    );
    expect(box).toContain(
      `href="/orgs/${t.terrA1.id}/reports">Отчёты входящих организаций ждут приёма: <strong>2</strong>`,
    );
    expect(box).toContain(`href="/orgs/${t.terrA1.id}/cards">Заказы билетов ждут передачи дальше: <strong>1</strong>`);
    expect(box).toContain(
      `href="/orgs/${t.terrA1.id}/applications">Заявления о вступлении ждут решения: <strong>2</strong>`,
    );
    expect(box).toContain('href="/transfer-requests">Запросы на перевод ждут решения: <strong>1</strong>');
    expect(box).toContain('href="/announcements?unread=1">Непрочитанные объявления: <strong>1</strong>');
  });

  it('a viewer sees only what they may act on (unread announcements), and a quiet primary shows no box', async () => {
    const viewer = await userWith('VIEWER', t.terrA1);
    const page = await (await loginAs(viewer.login)).get(`/orgs/${t.terrA1.id}`);
    expect(page.text).not.toContain('ждут приёма');
    expect(page.text).not.toContain('Заявления о вступлении ждут');
    const quiet = await userWith('CHAIR', t.primA3);
    const p3 = await (await loginAs(quiet.login)).get(`/orgs/${t.primA3.id}`);
    expect(p3.text).not.toContain('Что нужно сделать');
  });

  it('the region counts applications of its whole subtree but only its direct children’s reports', async () => {
    const chair = await userWith('CHAIR', t.regionA);
    const page = await (await loginAs(chair.login)).get(`/orgs/${t.regionA.id}`);
    expect(page.text).toContain('Заявления о вступлении ждут решения: <strong>2</strong>');
    expect(page.text).not.toContain('ждут приёма');
    expect(page.text).not.toContain('Заказы билетов ждут');
  });
});

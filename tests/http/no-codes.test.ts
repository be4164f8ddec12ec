/**
 * No English codes in what people read: audit actions, event kinds, transfer request statuses, exit reasons,
 * report form codes and positions are rendered in Russian words. The pages are rendered with data of every kind
 * and their visible text (tags stripped, so option values do not count) is searched for the codes.
 */
import { api, buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { buildMember } from '../../src/seed/builders.repo';
import { insertCampaign, loadShippedTemplates } from '../../src/modules/reports/reports.repo';
import { AUDIT_LABELS } from '../../src/modules/audit/labels';
import { chairOf, virtualCard } from '../cards/support';
import { pageText } from '../imports/support';

useDb();

/** Upper-case Latin codes (BOARD_MEETING, PENDING, 5SP, UNION, EXIT_VOLUNTARY …); a few words people use are allowed. */
const ALLOWED = new Set(['QR', 'API', 'XLSX', 'CSV', 'PDF', 'ID', 'HTML', 'URL', 'TOTP', 'SMS', 'PUSH']);
function latinCodes(html: string): string[] {
  const text = pageText(html);
  const codes = (text.match(/\b[0-9]*[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\b/g) ?? []).filter(
    (c) => c.length > 1 && !ALLOWED.has(c) && /[A-Z]{2,}|\d[A-Z]/.test(c),
  );
  const actions = Object.keys(AUDIT_LABELS).filter((a) => a.includes('.') && text.includes(a));
  return [...new Set([...codes, ...actions])];
}

describe('pages speak Russian, not codes', () => {
  let t: Tree;
  let admin: Awaited<ReturnType<typeof loginAs>>;

  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    admin = await loginAs((await userWith('ADMIN', t.central, { ndaAccepted: true })).login);
    const chair = await chairOf(t.primA1);
    // An event of every kind, a card blocked, an exited member, a transfer request, a campaign with reports.
    for (const kind of ['BOARD_MEETING', 'CONFERENCE', 'EVENT'])
      await api()
        .post(`/api/v1/orgs/${t.primA1.id}/events`)
        .set('Authorization', chair.auth)
        .send({ title: `Событие ${kind.length}`, kind, date: '2030-01-01' });
    const m = await buildMember({ org: t.primA1 });
    const card = await virtualCard(t.primA1, m.memberId);
    await api().post(`/api/v1/cards/${card.id}/block`).set('Authorization', chair.auth).send({ reason: 'LOST' });
    const leaver = await buildMember({ org: t.primA1, lastName: 'Выбывшая' });
    await api()
      .post(`/api/v1/members/${leaver.memberId}/exit`)
      .set('Authorization', chair.auth)
      .send({ date: '2024-05-05', reason: 'VOLUNTARY' });
    const mover = await buildMember({ org: t.primA1 });
    await db().transferRequest.create({
      data: { memberId: mover.memberId, fromOrgId: t.primA1.id, toOrgId: t.primA2.id, date: new Date('2030-01-01') },
    });
    const campaign = await insertCampaign({ title: 'Отчёт', reportDate: '2099-01-01', deadline: '2099-03-01' });
    const tpl = await db().reportTemplate.findMany({ where: { active: true } });
    await db().report.create({
      data: { campaignId: campaign.id, organisationId: t.regionA.id, templateId: tpl[0].id, status: 'SUBMITTED' },
    });
    // The audit page lists what happened (including a campaign closed through the page).
    await postForm(admin, `/orgs/${t.central.id}/reports`, `/orgs/${t.central.id}/campaigns/${campaign.id}/close`, {
      confirmed: 'yes',
    });
  });

  it('the audit page names every action in Russian, and every audit action has a label', async () => {
    const res = await admin.get(`/orgs/${t.central.id}/audit`);
    expect(res.status).toBe(200);
    expect(pageText(res.text)).toContain('Блокировка билета');
    expect(latinCodes(res.text)).toEqual([]);
  });

  it('events, the member card of an exited member, transfer requests and reports show no codes', async () => {
    const chair = await loginAs((await chairOf(t.primA1)).login);
    const leaver = await db().member.findFirstOrThrow({ where: { person: { lastName: 'Выбывшая' } } });
    const ev = await db().event.findFirstOrThrow({ where: { organisationId: t.primA1.id, kind: 'BOARD_MEETING' } });
    for (const url of [
      `/orgs/${t.primA1.id}/events`,
      `/events/${ev.id}`,
      `/members/${leaver.id}`,
      '/transfer-requests',
      `/orgs/${t.primA1.id}/reports`,
    ]) {
      const res = await chair.get(url);
      expect([url, res.status]).toEqual([url, 200]);
      expect([url, latinCodes(res.text)]).toEqual([url, []]);
    }
    const central = await admin.get(`/orgs/${t.central.id}/reports`);
    expect([latinCodes(central.text)]).toEqual([[]]);
  });
});

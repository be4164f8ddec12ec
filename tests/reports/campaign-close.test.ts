/**
 * Closing a campaign asks to confirm (a second step, without JavaScript too), and the central office can undo
 * it: «Открыть кампанию снова» (its own policy action, audited, confirmed the same way).
 */
import { buildTree, loginAs, postForm, useDb, type Tree } from '../helpers';
import { db } from '../../src/db';
import { today } from '../../src/lib/dates';
import { insertCampaign, loadShippedTemplates } from '../../src/modules/reports/reports.repo';
import { userAt } from './support';

useDb();

const NEXT_YEAR = Number(today().slice(0, 4)) + 1;

describe('closing and reopening a campaign', () => {
  let t: Tree;
  let campaign: string;
  const statusOf = async () => (await db().reportCampaign.findUniqueOrThrow({ where: { id: campaign } })).status;

  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    campaign = (
      await insertCampaign({ title: 'Отчёт', reportDate: `${NEXT_YEAR}-01-01`, deadline: `${NEXT_YEAR}-03-01` })
    ).id;
  });

  const reports = () => `/orgs/${t.central.id}/reports?campaign=${campaign}`;
  const close = () => `/orgs/${t.central.id}/campaigns/${campaign}/close`;
  const reopen = () => `/orgs/${t.central.id}/campaigns/${campaign}/reopen`;

  it('the first POST of «Закрыть кампанию» shows a confirmation and closes nothing', async () => {
    const admin = await loginAs((await userAt(t.central, 'ADMIN')).login);
    const res = await postForm(admin, reports(), close(), {});
    expect(res.status).toBe(200);
    expect(res.text).toContain('Закрыть кампанию?');
    expect(res.text).toContain('name="confirmed" value="yes"');
    expect(await statusOf()).toBe('OPEN');
  });

  it('confirmed, it closes; the administrator sees «Открыть кампанию снова» and reopening also asks first', async () => {
    const admin = await loginAs((await userAt(t.central, 'ADMIN')).login);
    expect((await postForm(admin, reports(), close(), { confirmed: 'yes' })).status).toBe(303);
    expect(await statusOf()).toBe('CLOSED');
    const page = await admin.get(reports());
    expect(page.text).toContain('Открыть кампанию снова');
    expect((await db().indicatorRollup.count()) > 0).toBe(true);

    const ask = await postForm(admin, reports(), reopen(), {});
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Открыть кампанию снова?');
    expect(await statusOf()).toBe('CLOSED');

    const done = await postForm(admin, reports(), reopen(), { confirmed: 'yes' });
    expect(done.status).toBe(303);
    expect((await admin.get(done.headers.location)).text).toContain('снова открыта');
    expect(await statusOf()).toBe('OPEN');
    expect(await db().indicatorRollup.count()).toBe(0);
    const audit = await db().auditLog.findMany({ where: { entity: 'ReportCampaign', entityId: campaign } });
    expect(audit.map((a) => a.details)).toEqual(expect.arrayContaining([{ closed: true }, { reopened: true }]));
  });

  it('the central chair may close but not reopen (403), and does not see the button', async () => {
    const admin = await loginAs((await userAt(t.central, 'ADMIN')).login);
    await postForm(admin, reports(), close(), { confirmed: 'yes' });
    const chair = await loginAs((await userAt(t.central, 'CHAIR')).login);
    expect((await chair.get(reports())).text).not.toContain('Открыть кампанию снова');
    expect((await postForm(chair, reports(), reopen(), { confirmed: 'yes' })).status).toBe(403);
    expect(await statusOf()).toBe('CLOSED');
  });

  it('reopening is refused while another campaign is open', async () => {
    const other = await insertCampaign({
      title: 'Другая',
      reportDate: `${NEXT_YEAR + 1}-01-01`,
      deadline: `${NEXT_YEAR + 1}-03-01`,
    });
    const admin = await loginAs((await userAt(t.central, 'ADMIN')).login);
    const res = await postForm(admin, reports(), reopen(), { confirmed: 'yes' });
    expect(res.status).toBe(303);
    expect((await admin.get(res.headers.location)).text).toContain('сначала закройте');
    expect(await statusOf()).toBe('CLOSED');
    await db().reportCampaign.delete({ where: { id: other.id } });
  });
});

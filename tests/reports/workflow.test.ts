import { api, buildTree, loginAs, postForm, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { today } from '../../src/lib/dates';
import { insertCampaign, loadShippedTemplates } from '../../src/modules/reports/reports.repo';
import { ENTERED_OK, addPosition, authOf, expectStatus, inCampaign, live, step, userAt } from './support';

useDb();

/** The next 1 January: always after today, so members registered or exited today count as of the reporting date. */
const NEXT_YEAR = Number(today().slice(0, 4)) + 1;
const REPORT_DATE = `${NEXT_YEAR}-01-01`;
const DEADLINE = `${NEXT_YEAR}-03-01`;

/**
 * The path of a report: draft → submitted → accepted or returned with a comment → resubmitted; a parent
 * consolidates only accepted reports, and an accepted report keeps its figures whatever the registry does later.
 */
describe('report workflow: submit, checks, accept, return, frozen figures', () => {
  let t: Tree;
  let campaign: string;
  let primAuth: string;
  let terrAuth: string;
  let leaverId: string;

  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    // primA1: 5 working members and one in its профбюро (6 working), a chair.
    const chair = await buildMember({ org: t.primA1, gender: 'FEMALE', birthDate: '1980-01-01' });
    await addPosition(chair.personId, t.primA1, 'CHAIR', '2020-01-01');
    for (let i = 0; i < 3; i++) await buildMember({ org: t.primA1, birthDate: `1981-0${i + 1}-01` });
    leaverId = (await buildMember({ org: t.primA1, birthDate: '1982-01-01' })).memberId;
    await buildMember({ org: t.buroA1, birthDate: '1983-01-01' });
    await buildMember({ org: t.primA2, birthDate: '1984-01-01' });
    primAuth = await authOf(t.primA1);
    terrAuth = await authOf(t.terrA1);
    // The central administrator opens the campaign on its page.
    const admin = await loginAs((await userAt(t.central, 'ADMIN')).login);
    const res = await postForm(admin, `/orgs/${t.central.id}/reports`, `/orgs/${t.central.id}/campaigns`, {
      title: `Статистический отчёт за ${NEXT_YEAR - 1} год`,
      reportDate: `01.01.${NEXT_YEAR}`,
      deadline: `01.03.${NEXT_YEAR}`,
    });
    expect(res.status).toBe(303);
    campaign = /campaign=([0-9a-f-]{36})/.exec(res.headers.location)![1];
  });

  const status = async (org: { id: string }, form: string) =>
    (await inCampaign(org, form, campaign, terrAuth)).body.status;

  it('lists the open campaign with every report not started', async () => {
    const res = expectStatus(
      await api().get(`/api/v1/orgs/${t.terrA1.id}/reports`).query({ campaign }).set('Authorization', terrAuth),
      200,
    );
    expect(res.body.campaign).toMatchObject({
      id: campaign,
      reportDate: REPORT_DATE,
      deadline: DEADLINE,
      status: 'OPEN',
    });
    expect(
      res.body.items.map((i: { organisationId: string; status: string }) => [i.organisationId, i.status]).sort(),
    ).toEqual(
      [
        [t.terrA1.id, 'NOT_STARTED'],
        [t.primA1.id, 'NOT_STARTED'],
        [t.primA2.id, 'NOT_STARTED'],
      ].sort(),
    );
  });

  it("refuses a submission whose check fails (employees fewer than working members) with 422 and the check's message", async () => {
    const res = await step(t.primA1, '5SP', 'submit', primAuth, { campaign, entered: { ...ENTERED_OK(), '01.v': 3 } });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain(
      'Работающих членов Профсоюза не может быть больше, чем работников (строки 02 и 01)',
    );
    expect(res.body.error.checks).toEqual([
      'Работающих членов Профсоюза не может быть больше, чем работников (строки 02 и 01)',
    ]);
    expect(await status(t.primA1, '5SP')).not.toBe('SUBMITTED');
  });

  it('accepts a submission with the entered cells and shows them in the report', async () => {
    const res = expectStatus(await step(t.primA1, '5SP', 'submit', primAuth, { campaign, entered: ENTERED_OK() }), 200);
    expect(res.body).toMatchObject({ organisationId: t.primA1.id, form: '5SP', status: 'SUBMITTED' });
    const r = await inCampaign(t.primA1, '5SP', campaign, primAuth);
    expect(r.body.status).toBe('SUBMITTED');
    expect({ '01': r.v['01'], '02': r.v['02'], '03': r.v['03'], '10': r.v['10'], '40': r.v['40'] }).toEqual({
      '01': 40,
      '02': 6,
      '03': 15,
      '10': 6,
      '40': 1,
    });
  });

  it('refuses a second submission of a submitted report with 422', async () => {
    const res = await step(t.primA1, '5SP', 'submit', primAuth, { campaign, entered: ENTERED_OK() });
    expect(res.status).toBe(422);
  });

  it('forbids the primary chair to accept (or return) their own report: 403, and the status stays', async () => {
    expect((await step(t.primA1, '5SP', 'accept', primAuth, { campaign })).status).toBe(403);
    expect((await step(t.primA1, '5SP', 'return', primAuth, { campaign, comment: 'Сам себе верну' })).status).toBe(403);
    expect(await status(t.primA1, '5SP')).toBe('SUBMITTED');
  });

  it("the territorial chair accepts; the territorial 2SP then includes the child's figures and lists the missing child", async () => {
    const res = expectStatus(await step(t.primA1, '5SP', 'accept', terrAuth, { campaign }), 200);
    expect(res.body.status).toBe('ACCEPTED');
    const terr = await inCampaign(t.terrA1, '2SP', campaign, terrAuth);
    expect({
      '01': terr.v['01'],
      '02': terr.v['02'],
      '03': terr.v['03'],
      '10': terr.v['10'],
      '30': terr.v['30'],
      '40': terr.v['40'],
    }).toEqual({ '01': 40, '02': 6, '03': 15, '10': 6, '30': 1, '40': 1 });
    expect(terr.body.missingChildren).toEqual([
      { id: t.primA2.id, name: 'ППО детского сада А2', status: 'NOT_STARTED' },
    ]);
  });

  it("the territorial chair's report page names the missing child organisation", async () => {
    const agent = await loginAs((await userAt(t.terrA1)).login);
    const page = await agent.get(`/orgs/${t.terrA1.id}/reports/${campaign}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/Не учтены[\s\S]*ППО детского сада А2/);
    expect(page.text).toContain('учтено 1 из 2');
  });

  it('keeps the accepted figures after registry changes (a new member, an exit), while the live computation changes', async () => {
    const before = (await inCampaign(t.primA1, '5SP', campaign, primAuth)).v;
    const terrBefore = (await inCampaign(t.terrA1, '2SP', campaign, terrAuth)).v;
    const liveBefore = (await live(t.primA1, '5SP', REPORT_DATE, primAuth)).v;
    expect(liveBefore['10']).toBe(before['10']);

    expectStatus(
      await api()
        .post(`/api/v1/orgs/${t.primA1.id}/members`)
        .set('Authorization', primAuth)
        .send({
          lastName: 'Новикова',
          firstName: 'Мария',
          middleName: 'Ивановна',
          birthDate: '1996-04-04',
          gender: 'FEMALE',
          category: 'WORKING',
          joinedAt: today(),
          consents: { processing: true },
        }),
      201,
    );
    let now = (await live(t.primA1, '5SP', REPORT_DATE, primAuth)).v;
    expect(now['10']).toBe(before['10']! + 1);
    expect(now['20']).toBe(before['20']! + 1);
    expect((await inCampaign(t.primA1, '5SP', campaign, primAuth)).v).toEqual(before);

    expectStatus(
      await api()
        .post(`/api/v1/members/${leaverId}/exit`)
        .set('Authorization', primAuth)
        .send({ date: today(), reason: 'VOLUNTARY' }),
      200,
    );
    now = (await live(t.primA1, '5SP', REPORT_DATE, primAuth)).v;
    expect(now['21']).toBe(before['21']! + 1);
    expect(now['22']).toBe(before['22']! + 1);
    expect(now['02']).toBe(before['02']); // one in, one out

    const after = await inCampaign(t.primA1, '5SP', campaign, primAuth);
    expect(after.body.status).toBe('ACCEPTED');
    expect(after.v).toEqual(before);
    expect((await inCampaign(t.terrA1, '2SP', campaign, terrAuth)).v).toEqual(terrBefore);
  });

  it('refuses to return a report without a comment (400), and the report stays accepted', async () => {
    const res = await step(t.primA1, '5SP', 'return', terrAuth, { campaign });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.comment).toBeDefined();
    expect((await step(t.primA1, '5SP', 'return', terrAuth, { campaign, comment: '  ' })).status).toBe(400);
    expect(await status(t.primA1, '5SP')).toBe('ACCEPTED');
  });

  it("a returned report does not count in the parent's sum and is listed as missing", async () => {
    const res = expectStatus(
      await step(t.primA1, '5SP', 'return', terrAuth, { campaign, comment: 'Уточните численность работников' }),
      200,
    );
    expect(res.body).toMatchObject({ status: 'RETURNED', comment: 'Уточните численность работников' });
    const terr = await inCampaign(t.terrA1, '2SP', campaign, terrAuth);
    expect({
      '01': terr.v['01'],
      '02': terr.v['02'],
      '10': terr.v['10'],
      '30': terr.v['30'],
      '40': terr.v['40'],
    }).toEqual({ '01': null, '02': 0, '10': 0, '30': 0, '40': 0 });
    expect(terr.body.missingChildren).toEqual(
      expect.arrayContaining([
        { id: t.primA1.id, name: 'ППО школы А1', status: 'RETURNED' },
        { id: t.primA2.id, name: 'ППО детского сада А2', status: 'NOT_STARTED' },
      ]),
    );
    const list = expectStatus(
      await api().get(`/api/v1/orgs/${t.terrA1.id}/reports`).query({ campaign }).set('Authorization', terrAuth),
      200,
    );
    expect(list.body.items.find((i: { organisationId: string }) => i.organisationId === t.primA1.id).status).toBe(
      'RETURNED',
    );
  });

  it('a returned report is computed live again; once resubmitted and accepted it freezes the new figures', async () => {
    const returned = (await inCampaign(t.primA1, '5SP', campaign, primAuth)).v;
    const now = (await live(t.primA1, '5SP', REPORT_DATE, primAuth)).v;
    expect(returned['10']).toBe(now['10']);
    expect(returned['21']).toBe(now['21']);
    expect(returned['01']).toBe(40); // the entered cells stay
    expectStatus(await step(t.primA1, '5SP', 'submit', primAuth, { campaign, entered: ENTERED_OK(45) }), 200);
    expectStatus(await step(t.primA1, '5SP', 'accept', terrAuth, { campaign }), 200);
    const terr = (await inCampaign(t.terrA1, '2SP', campaign, terrAuth)).v;
    expect({ '01': terr['01'], '02': terr['02'], '10': terr['10'], '21': terr['21'] }).toEqual({
      '01': 45,
      '02': now['02'],
      '10': now['10'],
      '21': now['21'],
    });
  });

  it('stores the frozen figures and the return comment on the report row, and audits each step', async () => {
    const r = await db().report.findFirstOrThrow({ where: { campaignId: campaign, organisationId: t.primA1.id } });
    expect(r.status).toBe('ACCEPTED');
    expect((r.frozen as Record<string, number>)['01.v']).toBe(45);
    const actions = (await db().auditLog.findMany({ where: { entityId: r.id } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['report.submitted', 'report.accepted', 'report.returned']));
  });

  it("refuses a workflow step addressed to a form that is not the organisation's form (5SP is submitted only as 5SP)", async () => {
    const before = await db().report.findMany({ where: { campaignId: campaign, organisationId: t.primA2.id } });
    const res = await step(t.primA2, 'UNION', 'submit', await authOf(t.primA2), { campaign, entered: ENTERED_OK() });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await db().report.findMany({ where: { campaignId: campaign, organisationId: t.primA2.id } })).toEqual(
      before,
    );
  });

  describe('through the pages', () => {
    const reportUrl = () => `/orgs/${t.primA2.id}/reports/${campaign}`;

    it('the primary chair types the entered cells and submits on the report page', async () => {
      // Starts from no report, whatever the test above left (it documents a bug that submits primA2's 5SP).
      await db().report.deleteMany({ where: { campaignId: campaign, organisationId: t.primA2.id } });
      const agent = await loginAs((await userAt(t.primA2)).login);
      const page = await agent.get(reportUrl());
      expect(page.status).toBe(200);
      expect(page.text).toContain('name="c_01.v"');
      const res = await postForm(agent, reportUrl(), `${reportUrl()}/save`, {
        version: '1',
        'c_01.v': '12',
        'c_06.v': '0',
        'c_4B.v': '0',
        'c_55.v': '0',
        submit: '1',
      });
      expect(res.status).toBe(303);
      const r = await inCampaign(t.primA2, '5SP', campaign, terrAuth);
      expect(r.body.status).toBe('SUBMITTED');
      expect({ '01': r.v['01'], '02': r.v['02'] }).toEqual({ '01': 12, '02': 1 });
    });

    it('the territorial chair needs a comment to return it on the page (400), then accepts it on the page', async () => {
      const agent = await loginAs((await userAt(t.terrA1)).login);
      const page = await agent.get(reportUrl());
      expect(page.text).toContain('Принять отчёт');
      const bare = await postForm(agent, reportUrl(), `${reportUrl()}/return`, { comment: '' });
      expect(bare.status).toBe(400);
      expect(bare.text).toContain('Укажите, что исправить');
      expect(await status(t.primA2, '5SP')).toBe('SUBMITTED');
      const ok = await postForm(agent, reportUrl(), `${reportUrl()}/accept`, {});
      expect(ok.status).toBe(303);
      expect(await status(t.primA2, '5SP')).toBe('ACCEPTED');
      const terr = await inCampaign(t.terrA1, '2SP', campaign, terrAuth);
      expect(terr.body.missingChildren).toEqual([]);
      expect(terr.v['01']).toBe(45 + 12);
    });
  });

  it('after the campaign is closed nothing can be submitted or returned (422), and accepted figures stay', async () => {
    const before = (await inCampaign(t.terrA1, '2SP', campaign, terrAuth)).v;
    const admin = await loginAs((await userAt(t.central, 'ADMIN')).login);
    const close = await postForm(
      admin,
      `/orgs/${t.central.id}/reports`,
      `/orgs/${t.central.id}/campaigns/${campaign}/close`,
      { confirmed: 'yes' },
    );
    expect(close.status).toBe(303);
    expect((await step(t.terrA1, '2SP', 'submit', terrAuth, { campaign })).status).toBe(422);
    expect((await step(t.primA1, '5SP', 'return', terrAuth, { campaign, comment: 'Поздно, но верните' })).status).toBe(
      422,
    );
    expect(await status(t.primA1, '5SP')).toBe('ACCEPTED');
    expect((await inCampaign(t.terrA1, '2SP', campaign, terrAuth)).v).toEqual(before);
  });
});

describe('between submission and acceptance', () => {
  let t: Tree;
  let campaign: string;

  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    for (let i = 0; i < 3; i++) await buildMember({ org: t.primA3, birthDate: `1985-0${i + 1}-02` });
    campaign = (await insertCampaign({ title: 'Второй отчёт', reportDate: REPORT_DATE, deadline: DEADLINE })).id;
  });

  it('a registry change after submission does not change the figures the parent accepts (they stay the submitted ones and pass the checks)', async () => {
    const primAuth = await authOf(t.primA3);
    // 3 working members of 3 employees: the check 02 <= 01 holds.
    expectStatus(await step(t.primA3, '5SP', 'submit', primAuth, { campaign, entered: ENTERED_OK(3) }), 200);
    const submitted = (await inCampaign(t.primA3, '5SP', campaign, primAuth)).v;
    expect(submitted['02']).toBe(3);
    // The registry moves on: one more working member as of the reporting date.
    expectStatus(
      await api()
        .post(`/api/v1/orgs/${t.primA3.id}/members`)
        .set('Authorization', primAuth)
        .send({
          lastName: 'Поздняя',
          firstName: 'Ольга',
          middleName: 'Петровна',
          birthDate: '1990-10-10',
          gender: 'FEMALE',
          category: 'WORKING',
          joinedAt: today(),
          consents: { processing: true },
        }),
      201,
    );
    expectStatus(await step(t.primA3, '5SP', 'accept', await authOf(t.terrA2), { campaign }), 200);
    const accepted = await inCampaign(t.primA3, '5SP', campaign, await authOf(t.terrA2));
    expect(accepted.body.status).toBe('ACCEPTED');
    expect({ figures: accepted.v['02'], failed: accepted.body.failedChecks }).toEqual({
      figures: submitted['02'],
      failed: [],
    });
  });
});

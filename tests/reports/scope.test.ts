import { api, buildTree, loginAs, postForm, useDb, type Tree } from '../helpers';
import { buildMember, buildUser } from '../../src/seed/builders.repo';
import { bearer } from '../helpers';
import { insertCampaign, loadShippedTemplates } from '../../src/modules/reports/reports.repo';
import { ENTERED_OK, authOf, expectStatus, inCampaign, step, userAt } from './support';

useDb();

/** A chair never sees nor consolidates reports outside their subtree. */
describe('reports are scoped to the chair’s subtree', () => {
  let t: Tree;
  let campaign: string;
  let regionAuth: string;

  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    for (const org of [t.primA1, t.primA2, t.primA3, t.primB1]) await buildMember({ org });
    await buildMember({ org: t.primB1 });
    campaign = (await insertCampaign({ title: 'Отчёт за 2026 год', reportDate: '2027-01-01', deadline: '2027-03-01' }))
      .id;
    regionAuth = await authOf(t.regionA);
    // Region B's primary has submitted; primA1 too.
    expectStatus(
      await step(t.primB1, '5SP', 'submit', await authOf(t.primB1), { campaign, entered: ENTERED_OK() }),
      200,
    );
    expectStatus(
      await step(t.primA1, '5SP', 'submit', await authOf(t.primA1), { campaign, entered: ENTERED_OK() }),
      200,
    );
  });

  it("answers 404 to a regional chair for another region's reports through the API, naming nothing of it", async () => {
    const urls = [
      [`/api/v1/orgs/${t.primB1.id}/reports/5SP`, { campaign }],
      [`/api/v1/orgs/${t.primB1.id}/reports/5SP`, { asOf: '2027-01-01' }],
      [`/api/v1/orgs/${t.primB1.id}/reports/5SP/export`, { format: 'xlsx', campaign }],
      [`/api/v1/orgs/${t.regionB.id}/reports/1SP`, { asOf: '2027-01-01' }],
      [`/api/v1/orgs/${t.regionB.id}/reports`, { campaign }],
      [`/api/v1/orgs/${t.central.id}/reports/UNION`, { asOf: '2027-01-01' }],
    ] as const;
    for (const [url, query] of urls) {
      const res = await api().get(url).query(query).set('Authorization', regionAuth);
      expect([url, res.status]).toEqual([url, 404]);
      expect(res.text).not.toContain('Б1');
    }
  });

  it("answers 404 to a regional chair for another region's report pages and exports", async () => {
    const agent = await loginAs((await userAt(t.regionA)).login);
    for (const url of [
      `/orgs/${t.primB1.id}/reports/${campaign}`,
      `/orgs/${t.primB1.id}/reports/${campaign}/export?format=xlsx`,
      `/orgs/${t.primB1.id}/reports/${campaign}/export?format=pdf`,
      `/orgs/${t.regionB.id}/reports`,
      `/orgs/${t.regionB.id}/stat`,
    ]) {
      const res = await agent.get(url);
      expect([url, res.status]).toEqual([url, 404]);
    }
  });

  it("a regional chair cannot accept or return another region's report (404), and it stays submitted", async () => {
    expect((await step(t.primB1, '5SP', 'accept', regionAuth, { campaign })).status).toBe(404);
    expect((await step(t.primB1, '5SP', 'return', regionAuth, { campaign, comment: 'Чужой отчёт' })).status).toBe(404);
    const agent = await loginAs((await userAt(t.regionA)).login);
    const page = await postForm(
      agent,
      `/orgs/${t.regionA.id}/reports`,
      `/orgs/${t.primB1.id}/reports/${campaign}/accept`,
      {},
    );
    expect(page.status).toBe(404);
    expect((await inCampaign(t.primB1, '5SP', campaign, await authOf(t.regionB))).body.status).toBe('SUBMITTED');
  });

  it("GET /api/v1/orgs/:id/reports?campaign= lists exactly the subtree's reporting organisations", async () => {
    const ids = async (org: { id: string }, auth: string) =>
      expectStatus(
        await api().get(`/api/v1/orgs/${org.id}/reports`).query({ campaign }).set('Authorization', auth),
        200,
      )
        .body.items.map((i: { organisationId: string }) => i.organisationId)
        .sort();
    expect(await ids(t.regionA, regionAuth)).toEqual(
      [t.regionA, t.terrA1, t.primA1, t.primA2, t.terrA2, t.primA3].map((o) => o.id).sort(),
    );
    expect(await ids(t.terrA1, await authOf(t.terrA1))).toEqual([t.terrA1, t.primA1, t.primA2].map((o) => o.id).sort());
    expect(await ids(t.primA1, await authOf(t.primA1))).toEqual([t.primA1.id]);
    const all = await ids(t.central, await authOf(t.central));
    expect(all).toHaveLength(10); // every organisation but the профбюро
    expect(all).toContain(t.primB1.id);
  });

  it("the regional reports page lists only the subtree's organisations", async () => {
    const agent = await loginAs((await userAt(t.regionA)).login);
    const page = await agent.get(`/orgs/${t.regionA.id}/reports`).query({ campaign });
    expect(page.status).toBe(200);
    expect(page.text).toContain('ППО школы А1');
    expect(page.text).not.toContain('ППО школы Б1');
    expect(page.text).not.toContain('Региональная Б');
  });

  it("a primary chair gets 404 on its parent's and its sibling's reports", async () => {
    const auth = await authOf(t.primA1);
    expect(
      (await api().get(`/api/v1/orgs/${t.terrA1.id}/reports/2SP`).query({ campaign }).set('Authorization', auth))
        .status,
    ).toBe(404);
    expect(
      (await api().get(`/api/v1/orgs/${t.primA2.id}/reports/5SP`).query({ campaign }).set('Authorization', auth))
        .status,
    ).toBe(404);
    expect(
      (await api().get(`/api/v1/orgs/${t.terrA1.id}/reports`).query({ campaign }).set('Authorization', auth)).status,
    ).toBe(404);
  });

  it('a viewer above the primary organisation may look but not accept (403)', async () => {
    const viewer = await authOf(t.terrA1, 'VIEWER');
    expectStatus(
      await api().get(`/api/v1/orgs/${t.primA1.id}/reports/5SP`).query({ campaign }).set('Authorization', viewer),
      200,
    );
    expect((await step(t.primA1, '5SP', 'accept', viewer, { campaign })).status).toBe(403);
    expect((await inCampaign(t.primA1, '5SP', campaign, viewer)).body.status).toBe('SUBMITTED');
  });

  it("a consolidated report counts only its own children: region B's accepted report is not in region A's territorial sums", async () => {
    expectStatus(await step(t.primB1, '5SP', 'accept', await authOf(t.terrB1), { campaign }), 200);
    const terrB = await inCampaign(t.terrB1, '2SP', campaign, await authOf(t.terrB1));
    expect(terrB.v['10']).toBe(2);
    const terrA = await inCampaign(t.terrA1, '2SP', campaign, await authOf(t.terrA1));
    expect(terrA.v['10']).toBe(0); // primA1 submitted but not accepted, primA2 not started
    expect(terrA.body.missingChildren.map((c: { id: string }) => c.id).sort()).toEqual(
      [t.primA1.id, t.primA2.id].sort(),
    );
  });

  it("a person who chairs both the primary and its territorial organisation cannot accept the primary's report (it is their own): 403 on the API and the page", async () => {
    const both = await buildUser({
      roles: [
        { role: 'CHAIR', org: t.primA1 },
        { role: 'CHAIR', org: t.terrA1 },
      ],
    });
    const auth = await bearer(both.id);
    expect((await inCampaign(t.primA1, '5SP', campaign, auth)).body.status).toBe('SUBMITTED');
    // The page does not offer the button…
    const agent = await loginAs(both.login);
    const page = await agent.get(`/orgs/${t.primA1.id}/reports/${campaign}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Принять отчёт');
    // …and the endpoints refuse it.
    expect((await step(t.primA1, '5SP', 'accept', auth, { campaign })).status).toBe(403);
    const form = await postForm(
      agent,
      `/orgs/${t.primA1.id}/reports/${campaign}`,
      `/orgs/${t.primA1.id}/reports/${campaign}/accept`,
      {},
    );
    expect(form.status).toBe(403);
    expect((await inCampaign(t.primA1, '5SP', campaign, auth)).body.status).toBe('SUBMITTED');
  });
});

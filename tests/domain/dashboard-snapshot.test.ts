/**
 * The union's dashboard and card progress for today come from a snapshot the job refreshes every two minutes
 * (issue 12), equal to the live figures when made; live again for a session that has changed something since, for
 * the API, for another date or organisation, and when the snapshot is too old.
 */
import { buildMembers, buildUser, type MemberSpec } from '../../src/seed/builders.repo';
import { freshReads, db } from '../../src/db';
import { today } from '../../src/lib/dates';
import { subtreeSummary } from '../../src/modules/organisations/summary.repo';
import { cardProgress, notStarted } from '../../src/modules/cards/progress.repo';
import { listMembers } from '../../src/modules/members/list.repo';
import { refreshSnapshots, SNAPSHOT_MAX_AGE_MS } from '../../src/modules/organisations/snapshots';
import { api, buildTree, csrfFrom, loginAs, PASSWORD, useDb, type Tree } from '../helpers';

useDb();

let n = 0;
const members = (org: { id: string }, count: number) => {
  n += 1;
  const specs: MemberSpec[] = Array.from({ length: count }, (_, i) => ({
    org,
    lastName: `Снимков${'абвгдежзик'[i]}`,
    firstName: 'Иван',
    birthDate: `19${70 + n}-02-${String(i + 1).padStart(2, '0')}`,
    category: i % 2 ? 'STUDENT' : 'WORKING',
    joinedAt: '2016-09-01',
  }));
  return buildMembers(specs);
};

/** The number shown in the dashboard's «всего» tile. */
const totalTile = (html: string) => {
  const m = /<b>([\d\s\u00a0]+)<\/b>всего/.exec(html);
  if (!m) throw new Error('no total on the dashboard');
  return Number(m[1].replace(/\D/g, ''));
};

describe('the union dashboard snapshot', () => {
  let t: Tree;
  let login: string;
  beforeAll(async () => {
    t = await buildTree();
    await members(t.primA1, 4);
    await members(t.primB1, 3);
    const u = await buildUser({ roles: [{ role: 'CHAIR', org: t.central }], ndaAccepted: true });
    login = u.login;
  });

  it('equals the live figures when made, and the pages read it until the session changes something', async () => {
    await refreshSnapshots(t.central);
    const asOf = today();
    const live = await freshReads(() => subtreeSummary(t.central, asOf, { emptyList: 30 }));
    const snap = await subtreeSummary(t.central, asOf, { emptyList: 30 });
    expect(snap.snapshotAt).toBeInstanceOf(Date);
    const { snapshotAt: _at, ...figures } = snap;
    expect(JSON.parse(JSON.stringify(figures))).toEqual(JSON.parse(JSON.stringify(live)));
    const liveProgress = await freshReads(() => cardProgress(t.central, asOf));
    const { snapshotAt: _p, ...progress } = await cardProgress(t.central, asOf);
    expect(progress).toEqual(liveProgress);
    expect(await notStarted(t.central, asOf)).toEqual(await freshReads(() => notStarted(t.central, asOf)));
    expect(figures.members.total).toBe(7);

    // Signed in (signing in is not a change of the registry): the page shows the snapshot and says so.
    const agent = await loginAs(login, PASSWORD);
    let page = await agent.get(`/orgs/${t.central.id}`);
    expect(page.status).toBe(200);
    expect(totalTile(page.text)).toBe(7);
    expect(page.text).toContain('обновляется каждые 2 минуты');
    const progressPage = await agent.get(`/orgs/${t.central.id}/cards/progress`);
    expect(progressPage.text).toContain('обновляется каждые 2 минуты');

    // Members added since (by someone else): the snapshot does not know them yet.
    await members(t.primA2, 2);
    page = await agent.get(`/orgs/${t.central.id}`);
    expect(totalTile(page.text)).toBe(7);
    // The union's member list counts from the same snapshot (its rows are live); fresh, it counts them all.
    const list = { page: 1, pageSize: 50, sort: 'name', asOf } as Parameters<typeof listMembers>[1];
    expect((await listMembers(t.central.path, list)).total).toBe(7);
    expect((await freshReads(() => listMembers(t.central.path, list))).total).toBe(9);
    expect((await listMembers(t.central.path, { ...list, category: 'STUDENT' })).total).toBe(figures.members.STUDENT);
    // The API answers live.
    const token = (await api().post('/api/v1/auth/token').send({ login, password: PASSWORD })).body as {
      token: string;
    };
    const apiSummary = await api()
      .get(`/api/v1/orgs/${t.central.id}/summary`)
      .set('Authorization', `Bearer ${token.token}`);
    expect((apiSummary.body as { members: { total: number } }).members.total).toBe(9);
    // Another date is live.
    page = await agent.get(`/orgs/${t.central.id}?asOf=${encodeURIComponent(today().split('-').reverse().join('.'))}`);
    expect(page.status).toBe(200);

    // This session changes something (a form that saves): from then on its pages are live.
    const csrf = await csrfFrom(agent, `/orgs/${t.primA3.id}/members/new`);
    const saved = await agent.post(`/orgs/${t.primA3.id}/members/new`).type('form').send({
      _csrf: csrf,
      lastName: 'Свежев',
      firstName: 'Пётр',
      middleName: 'Ильич',
      birthDate: '01.03.1980',
      gender: 'MALE',
      category: 'WORKING',
      joinedAt: '01.09.2020',
      consentProcessing: 'on',
    });
    expect(saved.status).toBe(303);
    page = await agent.get(`/orgs/${t.central.id}`);
    expect(totalTile(page.text)).toBe(10);
    expect(page.text).not.toContain('обновляется каждые 2 минуты');
  });

  it('is not used for a region, when too old, or for another date', async () => {
    await refreshSnapshots(t.central);
    const asOf = today();
    expect((await subtreeSummary(t.regionA, asOf)).snapshotAt).toBeUndefined();
    expect((await subtreeSummary(t.central, '2025-01-01')).snapshotAt).toBeUndefined();
    expect((await subtreeSummary(t.central, asOf)).snapshotAt).toBeInstanceOf(Date);
    await db().dashboardSnapshot.updateMany({
      where: { organisationId: t.central.id },
      data: { computedAt: new Date(Date.now() - SNAPSHOT_MAX_AGE_MS - 1000) },
    });
    expect((await subtreeSummary(t.central, asOf)).snapshotAt).toBeUndefined();
    expect((await cardProgress(t.central, asOf)).snapshotAt).toBeUndefined();
  });
});

/**
 * Announcements through the API: publishing inside one's subtree only, who sees them, read receipts and the
 * roll-up per child organisation (equal to a direct count), members-only news.
 */
import { api, bearer, buildTree, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { newsForMember } from '../../src/modules/announcements/announcements.repo';

useDb();

let t: Tree;
let chairA: { id: string };
beforeAll(async () => {
  t = await buildTree();
  chairA = await userWith('CHAIR', t.regionA);
});

async function publish(by: { id: string }, orgId: string, body: Record<string, unknown>) {
  return api()
    .post(`/api/v1/orgs/${orgId}/announcements`)
    .set('Authorization', await bearer(by.id))
    .send(body);
}

async function list(user: { id: string }, unread = false) {
  const res = await api()
    .get(`/api/v1/announcements${unread ? '?unread=true' : ''}`)
    .set('Authorization', await bearer(user.id));
  expect(res.status).toBe(200);
  return res.body as { items: { id: string; read: boolean; important: boolean }[]; total: number };
}

describe('POST /api/v1/orgs/:id/announcements', () => {
  it('publishes to the subtree and answers the number addressed', async () => {
    const prim = await userWith('CHAIR', t.primA1);
    const res = await publish(chairA, t.regionA.id, {
      title: 'Собрание',
      body: 'Текст',
      audience: { kinds: ['PRIMARY'] },
    });
    expect(res.status).toBe(201);
    const frozen = await db().audienceMember.count({ where: { itemId: res.body.id } });
    expect(res.body).toEqual({ id: expect.any(String), addressed: frozen });
    expect(frozen).toBeGreaterThanOrEqual(1);
    expect((await list(prim)).items.map((i) => i.id)).toContain(res.body.id);
  });

  it('is 404 outside the caller’s subtree and 403 without the right', async () => {
    const chairB = await userWith('CHAIR', t.regionB);
    const viewer = await userWith('VIEWER', t.regionA);
    const sub = await userWith('SUBUNIT_CHAIR', t.buroA1);
    const body = { title: 'Собрание', body: 'Текст', audience: {} };
    expect((await publish(chairB, t.regionA.id, body)).status).toBe(404);
    expect((await publish(viewer, t.regionA.id, body)).status).toBe(403);
    expect((await publish(sub, t.buroA1.id, body)).status).toBe(403);
    expect((await publish(chairA, t.central.id, body)).status).toBe(404);
  });

  it('refuses bad input with every field named, and organisations outside the subtree', async () => {
    const bad = await publish(chairA, t.regionA.id, { title: '', body: '', audience: { roles: ['BOSS'] } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(['title', 'body', 'audience.roles.0']));
    const outside = await publish(chairA, t.regionA.id, {
      title: 'Тема',
      body: 'Т',
      audience: { orgIds: [t.primB1.id] },
    });
    expect(outside.status).toBe(400);
    expect(outside.body.error.fields['audience.orgIds']).toMatch(/структуру/);
    expect(await db().announcement.count({ where: { title: 'Тема' } })).toBe(0);
  });
});

describe('reading', () => {
  it('shows an announcement only to its addressees; opening it records the receipt once', async () => {
    const reader = await userWith('REGISTRAR', t.primA2);
    const stranger = await userWith('CHAIR', t.primB1);
    const { body: created } = await publish(chairA, t.regionA.id, { title: 'Прочтите', body: 'Важно', audience: {} });
    expect((await list(stranger)).items.map((i) => i.id)).not.toContain(created.id);
    const other = await api()
      .get(`/api/v1/announcements/${created.id}`)
      .set('Authorization', await bearer(stranger.id));
    expect(other.status).toBe(404);

    expect((await list(reader, true)).items.find((i) => i.id === created.id)?.read).toBe(false);
    const auth = await bearer(reader.id);
    const one = await api().get(`/api/v1/announcements/${created.id}`).set('Authorization', auth);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: created.id, title: 'Прочтите', body: 'Важно', read: true });
    expect(one.headers['cache-control']).toMatch(/no-store/);
    await api().get(`/api/v1/announcements/${created.id}`).set('Authorization', auth);
    expect(await db().announcementRead.count({ where: { announcementId: created.id } })).toBe(1);
    expect((await list(reader)).items.find((i) => i.id === created.id)?.read).toBe(true);
    expect((await list(reader, true)).items.map((i) => i.id)).not.toContain(created.id);
  });

  it('puts unread important announcements first', async () => {
    const u = await buildTree();
    const chair = await userWith('CHAIR', u.central);
    const reader = await userWith('CHAIR', u.primB1);
    const imp = await publish(chair, u.central.id, {
      title: 'Важное старое',
      body: 'Т',
      important: true,
      audience: {},
    });
    const plain = await publish(chair, u.central.id, { title: 'Обычное новое', body: 'Т', audience: {} });
    const items = (await list(reader)).items;
    expect(items.map((i) => i.id)).toEqual([imp.body.id, plain.body.id]);
    await api()
      .get(`/api/v1/announcements/${imp.body.id}`)
      .set('Authorization', await bearer(reader.id));
    expect((await list(reader)).items.map((i) => i.id)).toEqual([plain.body.id, imp.body.id]);
  });
});

describe('GET /api/v1/announcements/:id/receipts', () => {
  it('rolls the receipts up per child and equals a direct count', async () => {
    const u = await buildTree();
    const chair = await userWith('CHAIR', u.central);
    const inA = [
      await userWith('CHAIR', u.primA1),
      await userWith('VIEWER', u.primA3),
      await userWith('CHAIR', u.terrA1),
    ];
    const inB = [await userWith('CHAIR', u.primB1)];
    const { body: created } = await publish(chair, u.central.id, { title: 'Всем', body: 'Т', audience: {} });
    expect(created.addressed).toBe(1 + inA.length + inB.length);
    for (const r of [inA[0], inA[1], inB[0]])
      await api()
        .get(`/api/v1/announcements/${created.id}`)
        .set('Authorization', await bearer(r.id));
    const res = await api()
      .get(`/api/v1/announcements/${created.id}/receipts`)
      .set('Authorization', await bearer(chair.id));
    expect(res.status).toBe(200);
    const reads = await db().announcementRead.count({ where: { announcementId: created.id } });
    expect(res.body).toMatchObject({ addressed: 5, read: reads, percent: 60 });
    expect(res.body.children).toEqual([
      { id: u.regionA.id, name: 'Региональная А', kind: 'REGIONAL', addressed: 3, read: 2, percent: 66.7 },
      { id: u.regionB.id, name: 'Региональная Б', kind: 'REGIONAL', addressed: 1, read: 1, percent: 100 },
    ]);
    // A reader below the publisher is not the publisher: 404; a viewer at the publisher: 403.
    const below = await api()
      .get(`/api/v1/announcements/${created.id}/receipts`)
      .set('Authorization', await bearer(inA[0].id));
    expect(below.status).toBe(404);
    const viewer = await userWith('VIEWER', u.central);
    const v = await api()
      .get(`/api/v1/announcements/${created.id}/receipts`)
      .set('Authorization', await bearer(viewer.id));
    expect(v.status).toBe(403);
  });
});

describe('members-only news', () => {
  it('reaches the members under the publisher, not users and not another branch', async () => {
    const reader = await userWith('CHAIR', t.primA3);
    const { body: created } = await publish(chairA, t.regionA.id, {
      title: 'Новость для членов',
      body: 'Т',
      audience: { members: true, kinds: ['PRIMARY'] },
    });
    expect(created.addressed).toBe(0);
    expect((await list(reader)).items.map((i) => i.id)).not.toContain(created.id);
    expect((await newsForMember(t.primA3.path)).items.map((i) => i.id)).toContain(created.id);
    expect((await newsForMember(t.buroA1.path)).items.map((i) => i.id)).not.toContain(created.id);
    expect((await newsForMember(t.primB1.path)).items.map((i) => i.id)).not.toContain(created.id);
  });

  it('members: true with roles is accepted as members-only news (roles select users, members hold none)', async () => {
    const reader = await userWith('CHAIR', t.primA3);
    const res = await publish(chairA, t.regionA.id, {
      title: 'Новость с ролями',
      body: 'Т',
      audience: { members: true, roles: ['CHAIR'] },
    });
    expect(res.status).toBe(201);
    const created = res.body as { id: string };
    expect((await list(reader)).items.map((i) => i.id)).not.toContain(created.id);
    expect((await newsForMember(t.primA3.path)).items.map((i) => i.id)).toContain(created.id);
  });
});

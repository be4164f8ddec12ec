/**
 * The shared audience: who an item is for (scope, kinds, roles, chosen organisations), evaluated now for
 * visibility and frozen at publication for the statistics; the roll-up per child equals a direct count.
 */
import crypto from 'node:crypto';
import { buildTree, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { Prisma } from '../../src/generated/prisma/client';
import { loadActor } from '../../src/modules/auth/auth.repo';
import { audienceInput, percentOf, type Audience } from '../../src/modules/audience/audience.input';
import { audienceOrgsError, freezeAudience, markDone, notDone, rollup } from '../../src/modules/audience/audience.repo';
import { audienceVisibleSql } from '../../src/modules/audience/audience.sql';
import { feed, recordRead, unreadSummary } from '../../src/modules/announcements/announcements.repo';
import { buildMembers, buildUser } from '../../src/seed/builders.repo';
import type { Role } from '../../src/generated/prisma/enums';

useDb();

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
});

const audience = (a: Partial<Audience> = {}): Audience => ({ kinds: [], roles: [], orgIds: [], members: false, ...a });

/** Publishes a bare item (an announcement row) with an audience: the row and its frozen audience in one transaction. */
async function publish(publisher: { id: string; path: string }, a: Audience) {
  return db().$transaction(async (tx) => {
    const row = await tx.announcement.create({
      data: {
        organisationId: publisher.id,
        title: 'Тест',
        body: 'Текст',
        status: 'PUBLISHED',
        publishedAt: new Date(),
        audienceKinds: a.kinds,
        audienceRoles: a.roles,
        audienceOrgIds: a.orgIds,
        audienceMembers: a.members,
      },
    });
    const addressed = await freezeAudience(tx, { type: 'ANNOUNCEMENT', id: row.id }, publisher, a);
    return { id: row.id, addressed };
  });
}

async function visibleIds(userId: string): Promise<string[]> {
  const actor = await loadActor(userId, 'session');
  const rows = await db().$queryRaw<{ id: string }[]>(
    Prisma.sql`SELECT a.id FROM "Announcement" a WHERE ${audienceVisibleSql('a', actor!)}`,
  );
  return rows.map((r) => r.id);
}

async function frozen(itemId: string): Promise<string[]> {
  const rows = await db().audienceMember.findMany({
    where: { itemType: 'ANNOUNCEMENT', itemId },
    select: { userId: true },
  });
  return rows.map((r) => r.userId).sort();
}

describe('audience input', () => {
  it('accepts form values (one string or several) and API arrays alike', () => {
    expect(audienceInput.parse({ kinds: 'PRIMARY', roles: ['CHAIR', 'VIEWER', 'CHAIR'] })).toEqual(
      audience({ kinds: ['PRIMARY'], roles: ['CHAIR', 'VIEWER'] }),
    );
    expect(audienceInput.parse({})).toEqual(audience());
    expect(audienceInput.parse({ members: 'on' }).members).toBe(true);
  });

  it('refuses unknown kinds, roles and malformed ids with Russian messages', () => {
    const r = audienceInput.safeParse({ kinds: ['SCHOOL'], roles: ['BOSS'], orgIds: ['x'] });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => i.message).join(' ');
    expect(messages).toMatch(/Вид организации/);
    expect(messages).toMatch(/Роль/);
    expect(messages).toMatch(/идентификатор организации/);
    expect(audienceInput.safeParse({ other: 1 }).success).toBe(false);
  });

  it('a members’ audience ignores roles (members hold none; the API contract accepts the pair)', () => {
    expect(audienceInput.parse({ members: true, roles: ['CHAIR'], kinds: ['PRIMARY'] })).toEqual(
      audience({ members: true, kinds: ['PRIMARY'] }),
    );
  });

  it('keeps the chosen organisations inside the publisher’s subtree', async () => {
    expect(await audienceOrgsError(t.regionA, audience({ orgIds: [t.terrA2.id, t.primA1.id] }))).toBeNull();
    expect(await audienceOrgsError(t.regionA, audience({ orgIds: [t.regionA.id] }))).toBeNull();
    expect(await audienceOrgsError(t.regionA, audience({ orgIds: [t.primB1.id] }))).toMatch(/в структуру публикующей/);
    expect(await audienceOrgsError(t.regionA, audience({ orgIds: [t.central.id] }))).toMatch(/структуру/);
    expect(await audienceOrgsError(t.regionA, audience({ orgIds: [crypto.randomUUID()] }))).toMatch(/структуру/);
  });

  it('rounds percentages half up to one decimal, from the counts', () => {
    expect(percentOf(1, 8)).toBe(12.5);
    expect(percentOf(1, 16)).toBe(6.3);
    expect(percentOf(1, 3)).toBe(33.3);
    expect(percentOf(2, 3)).toBe(66.7);
    expect(percentOf(1, 2000)).toBe(0.1);
    expect(percentOf(1, 2001)).toBe(0);
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(7, 7)).toBe(100);
  });
});

describe('who sees an item (evaluated now)', () => {
  it('is never visible outside the publisher’s subtree, nor above it', async () => {
    const inA = await Promise.all([
      userWith('CHAIR', t.regionA),
      userWith('CHAIR', t.terrA1),
      userWith('REGISTRAR', t.primA1),
      userWith('SUBUNIT_CHAIR', t.buroA1),
      userWith('VIEWER', t.primA3),
    ]);
    const outside = await Promise.all([
      userWith('CHAIR', t.regionB),
      userWith('CHAIR', t.primB1),
      userWith('ADMIN', t.central),
      userWith('VIEWER', t.central),
    ]);
    const item = await publish(t.regionA, audience());
    for (const u of inA) expect(await visibleIds(u.id)).toContain(item.id);
    for (const u of outside) expect(await visibleIds(u.id)).not.toContain(item.id);
    expect(await frozen(item.id)).toEqual(expect.arrayContaining(inA.map((u) => u.id)));
    for (const u of outside) expect(await frozen(item.id)).not.toContain(u.id);
  });

  it('narrows by organisation kind', async () => {
    const prim = await userWith('CHAIR', t.primA2);
    const terr = await userWith('CHAIR', t.terrA1);
    const item = await publish(t.regionA, audience({ kinds: ['PRIMARY'] }));
    expect(await visibleIds(prim.id)).toContain(item.id);
    expect(await visibleIds(terr.id)).not.toContain(item.id);
    expect(await frozen(item.id)).toContain(prim.id);
    expect(await frozen(item.id)).not.toContain(terr.id);
  });

  it('narrows by role', async () => {
    const chair = await userWith('CHAIR', t.primA3);
    const registrar = await userWith('REGISTRAR', t.primA3);
    const viewer = await userWith('VIEWER', t.primA3);
    const item = await publish(t.terrA2, audience({ roles: ['CHAIR', 'VIEWER'] }));
    expect(await visibleIds(chair.id)).toContain(item.id);
    expect(await visibleIds(viewer.id)).toContain(item.id);
    expect(await visibleIds(registrar.id)).not.toContain(item.id);
    expect(await frozen(item.id)).toEqual(expect.arrayContaining([chair.id, viewer.id]));
    expect(await frozen(item.id)).not.toContain(registrar.id);
  });

  it('narrows by chosen organisations (their whole subtrees)', async () => {
    const underA2 = await userWith('CHAIR', t.primA3);
    const underA1 = await userWith('CHAIR', t.primA1);
    const item = await publish(t.regionA, audience({ orgIds: [t.terrA2.id] }));
    expect(await visibleIds(underA2.id)).toContain(item.id);
    expect(await visibleIds(underA1.id)).not.toContain(item.id);
    expect(await frozen(item.id)).toContain(underA2.id);
    expect(await frozen(item.id)).not.toContain(underA1.id);
  });

  it('shows current items to a user appointed later, who is not counted as addressed', async () => {
    const item = await publish(t.terrB1, audience());
    const later = await userWith('CHAIR', t.primB1);
    expect(await visibleIds(later.id)).toContain(item.id);
    expect(await frozen(item.id)).not.toContain(later.id);
  });

  it('ignores assignments whose term has ended and users who are disabled', async () => {
    const ended = await userWith('CHAIR', t.primA1, { startsOn: '2020-01-01', endsOn: '2021-01-01' });
    const disabled = await userWith('CHAIR', t.primA1);
    await db().user.update({ where: { id: disabled.id }, data: { active: false } });
    const item = await publish(t.primA1, audience());
    expect(await frozen(item.id)).not.toContain(ended.id);
    expect(await frozen(item.id)).not.toContain(disabled.id);
    expect(await visibleIds(ended.id)).not.toContain(item.id);
  });

  it('keeps members-only items away from users and counts the active members', async () => {
    const chair = await userWith('CHAIR', t.primB1);
    const base = {
      lastName: 'Иванов',
      firstName: 'Иван',
      birthDate: '1980-01-01',
      category: 'WORKING',
      joinedAt: '2020-01-01',
    } as const;
    await buildMembers([
      { ...base, org: t.primB1 },
      { ...base, firstName: 'Пётр', org: t.primB1 },
      { ...base, firstName: 'Ушёл', org: t.primB1, exit: { date: '2021-01-01', kind: 'EXIT_VOLUNTARY' } },
    ]);
    const item = await publish(t.regionB, audience({ members: true }));
    expect(item.addressed).toBe(2);
    expect(await frozen(item.id)).toEqual([]);
    expect(await visibleIds(chair.id)).not.toContain(item.id);
  });
});

describe('the navigation’s unread count (one fixed statement) and the feed agree', () => {
  it('for every kind of audience, a reminder frozen for some, a read item and a user of two assignments', async () => {
    const u = await buildTree();
    const users = [
      await userWith('CHAIR', u.primA1),
      await userWith('REGISTRAR', u.primA3),
      await userWith('VIEWER', u.terrA2),
      await userWith('CHAIR', u.regionA),
      await userWith('CHAIR', u.primB1),
      await userWith('SUBUNIT_CHAIR', u.buroA1),
      await buildUser({
        roles: [
          { role: 'VIEWER', org: u.primA1 },
          { role: 'CHAIR', org: u.terrA2 },
        ],
      }),
      await userWith('CHAIR', u.primA2, { startsOn: '2020-01-01', endsOn: '2021-01-01' }),
    ];
    const items = [
      await publish(u.regionA, audience()),
      await publish(u.central, audience({ kinds: ['PRIMARY'] })),
      await publish(u.regionA, audience({ roles: ['CHAIR'] })),
      await publish(u.regionA, audience({ orgIds: [u.terrA2.id] })),
      await publish(u.terrA1, audience({ kinds: ['PROFBURO', 'TERRITORIAL'], roles: ['SUBUNIT_CHAIR', 'VIEWER'] })),
      await publish(u.regionB, audience({ members: true })),
      await publish(u.primA1, audience()),
    ];
    // A reminder of the first item, for two of its users only (frozen), and one item already read by user 0.
    const reminder = await db().announcement.create({
      data: {
        organisationId: u.regionA.id,
        title: 'Напоминание',
        body: 'Текст',
        status: 'PUBLISHED',
        publishedAt: new Date(),
        audienceKinds: [],
        audienceRoles: [],
        audienceOrgIds: [],
        reminderOfId: items[0].id,
        frozenOnly: true,
      },
    });
    await db().audienceMember.createMany({
      data: [
        { user: users[1], org: u.primA3 },
        { user: users[6], org: u.terrA2 },
      ].map((x) => ({
        itemType: 'ANNOUNCEMENT' as const,
        itemId: reminder.id,
        userId: x.user.id,
        organisationId: x.org.id,
        orgPath: x.org.path,
      })),
    });
    await db().$transaction((tx) => recordRead(tx, items[6].id, users[0].id));
    const ours = new Set([...items.map((i) => i.id), reminder.id]);
    const seen: number[] = [];
    for (const user of users) {
      const actor = (await loadActor(user.id, 'session'))!;
      const fromFeed = (await feed(actor, { unreadOnly: true, page: 1, pageSize: 100 })).items.map((i) => i.id);
      const summary = await unreadSummary(actor, 100);
      const fromNav = summary.items.map((i) => i.id);
      expect(fromNav.filter((id) => ours.has(id)).sort()).toEqual(fromFeed.filter((id) => ours.has(id)).sort());
      expect(summary.count).toBe(summary.items.length);
      seen.push(fromNav.filter((id) => ours.has(id)).length);
    }
    // Not trivially equal: the users see different numbers of this test's items, the ended assignment none (user 1: three and the reminder; user 6: both assignments' items).
    expect(seen).toEqual([3, 4, 2, 2, 1, 3, 6, 0]);
  });
});

describe('the roll-up per child organisation', () => {
  it('equals a direct count of the frozen users and of those done', async () => {
    // A fresh union of its own, so that the counts are exactly this test's users.
    const u = await buildTree();
    const spec: [Role, keyof Tree][] = [
      ['CHAIR', 'central'],
      ['CHAIR', 'regionA'],
      ['REGISTRAR', 'terrA1'],
      ['CHAIR', 'primA1'],
      ['SUBUNIT_CHAIR', 'buroA1'],
      ['VIEWER', 'primA2'],
      ['CHAIR', 'primA3'],
      ['CHAIR', 'regionB'],
      ['CHAIR', 'primB1'],
      ['VIEWER', 'primB1'],
    ];
    const users: { org: Tree[keyof Tree]; user: { id: string; login: string } }[] = [];
    for (const [role, org] of spec) users.push({ org: u[org], user: await userWith(role, u[org]) });
    const item = await publish(u.central, audience({ roles: ['CHAIR', 'REGISTRAR', 'SUBUNIT_CHAIR'] }));
    const ref = { type: 'ANNOUNCEMENT' as const, id: item.id };
    // Mark some done (two of region A, one of region B), one of them twice, and one who is not addressed.
    const doneIds = [users[2].user.id, users[4].user.id, users[8].user.id];
    await db().$transaction(async (tx) => {
      for (const id of [...doneIds, doneIds[0], users[5].user.id]) await markDone(tx, ref, id);
    });

    const r = await rollup(ref);
    // Direct count: the addressed users under each region (roles CHAIR/REGISTRAR/SUBUNIT_CHAIR, not VIEWER).
    const addressed = users.filter((x) => spec[users.indexOf(x)][0] !== 'VIEWER');
    const under = (child: { path: string }) => addressed.filter((x) => x.org.path.startsWith(child.path));
    expect(item.addressed).toBe(addressed.length);
    expect(r.addressed).toBe(addressed.length);
    expect(r.done).toBe(doneIds.length);
    expect(r.own).toEqual({ addressed: 1, done: 0, percent: 0 });
    const a = r.children.find((c) => c.id === u.regionA.id)!;
    const b = r.children.find((c) => c.id === u.regionB.id)!;
    expect(a).toMatchObject({ addressed: under(u.regionA).length, done: 2, name: 'Региональная А', kind: 'REGIONAL' });
    expect(b).toMatchObject({ addressed: under(u.regionB).length, done: 1 });
    expect(a.percent).toBe(percentOf(2, under(u.regionA).length));
    expect(r.children.map((c) => c.id)).toEqual([u.regionA.id, u.regionB.id]);

    // The not-yet-done list of a child: only its users, only those not done, by name; and the whole list.
    const listA = await notDone(ref, { withinPath: u.central.path, child: u.regionA.id, page: 1, pageSize: 50 });
    const wantA = under(u.regionA).filter((x) => !doneIds.includes(x.user.id));
    expect(listA.total).toBe(wantA.length);
    expect(listA.items.map((i) => i.userId).sort()).toEqual(wantA.map((x) => x.user.id).sort());
    const own = await notDone(ref, { withinPath: u.central.path, child: 'own', page: 1, pageSize: 50 });
    expect(own.items.map((i) => i.userId)).toEqual([users[0].user.id]);
    const paged = await notDone(ref, { withinPath: u.central.path, page: 2, pageSize: 2 });
    expect(paged.total).toBe(addressed.length - doneIds.length);
    expect(paged.items).toHaveLength(2);
    // Within a narrower scope only that scope's users are listed.
    const inB = await notDone(ref, { withinPath: u.regionB.path, page: 1, pageSize: 50 });
    expect(inB.items.every((i) => under(u.regionB).some((x) => x.user.id === i.userId))).toBe(true);
    expect(inB.total).toBe(under(u.regionB).length - 1);
  });
});

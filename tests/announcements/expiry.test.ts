/**
 * Draft → published → archived by the expiry date: an announcement past its last day of showing leaves the
 * readers' start page, feed and unread count at once (read time), the nightly job writes the archive down
 * (with an audit row), and the publisher still opens it and sees why it is off.
 */
import { api, bearer, buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { enqueue, queueNames } from '../../src/jobs/queue';
import { addDays, toDate, today } from '../../src/lib/dates';
import { SYSTEM_ACTOR } from '../../src/policy/actor';
import { archiveExpiredAnnouncements } from '../../src/modules/announcements/announcements.service';

useDb();

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
});

const idFrom = (location: string) => /\/announcements\/([0-9a-f-]{36})/.exec(location)![1];

async function publishForm(agent: Awaited<ReturnType<typeof loginAs>>, orgId: string, data: Record<string, string>) {
  return postForm(agent, `/orgs/${orgId}/announcements/new`, `/orgs/${orgId}/announcements`, {
    body: 'Текст',
    publish: '1',
    ...data,
  });
}

/** Moves the dates back (as if the days had passed): shown from a week before `day` up to `day`. */
async function expire(id: string, day: string) {
  await db().announcement.update({
    where: { id },
    data: { publishOn: toDate(addDays(day, -7)), expiresOn: toDate(day) },
  });
}

describe('announcement expiry', () => {
  it('an expired one leaves the readers at once, stays with the publisher, and the job archives it', async () => {
    const chair = await userWith('CHAIR', t.terrA1);
    const reader = await userWith('CHAIR', t.primA1);
    const agent = await loginAs(chair.login);
    const old = idFrom(
      (await publishForm(agent, t.terrA1.id, { title: 'Приём заявок до вчера', important: 'on' })).headers.location,
    );
    const current = idFrom((await publishForm(agent, t.terrA1.id, { title: 'Действует сегодня' })).headers.location);
    await expire(old, addDays(today(), -1));
    await expire(current, today());

    // Read time: before any job ran, the expired one is gone for the reader (page, feed, count, API).
    const r = await loginAs(reader.login);
    expect((await r.get(`/announcements/${old}`)).status).toBe(404);
    expect((await r.get(`/announcements/${current}`)).status).toBe(200);
    const home = await r.get(`/orgs/${t.primA1.id}`);
    expect(home.text).not.toContain('Приём заявок до вчера');
    const feed = await api()
      .get('/api/v1/announcements')
      .set('Authorization', await bearer(reader.id));
    expect((feed.body as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(old);
    expect(
      (
        await api()
          .get(`/api/v1/announcements/${old}`)
          .set('Authorization', await bearer(reader.id))
      ).status,
    ).toBe(404);

    // The publisher still opens it; the lists say it is off and why; it can no longer be edited or reminded.
    const shown = await agent.get(`/announcements/${old}`);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('Снято: срок показа истёк');
    expect(shown.text).not.toContain('Снять с показа');
    const list = await agent.get(`/orgs/${t.terrA1.id}/announcements`);
    const row = list.text.split('<tr>').find((x) => x.includes(`/announcements/${old}"`));
    expect(row).toContain('Снято: срок показа истёк');
    expect((await agent.get(`/announcements/${old}/edit`)).status).toBe(409);
    await postForm(agent, `/announcements/${old}/receipts`, `/announcements/${old}/remind`, {});
    expect(await db().announcement.count({ where: { reminderOfId: old } })).toBe(0);
    const receipts = await api()
      .get(`/api/v1/announcements/${old}/receipts`)
      .set('Authorization', await bearer(chair.id));
    expect(receipts.status).toBe(200);

    // The job: the expired one becomes ARCHIVED with an audit row; today's stays; a second run changes nothing.
    expect(await archiveExpiredAnnouncements(SYSTEM_ACTOR)).toBeGreaterThanOrEqual(1);
    const a = await db().announcement.findUniqueOrThrow({ where: { id: old } });
    expect(a).toMatchObject({ status: 'ARCHIVED', archivedAt: expect.any(Date) });
    expect((await db().announcement.findUniqueOrThrow({ where: { id: current } })).status).toBe('PUBLISHED');
    expect(await db().auditLog.count({ where: { action: 'announcement.archived', entityId: old, userId: null } })).toBe(
      1,
    );
    expect(await archiveExpiredAnnouncements(SYSTEM_ACTOR)).toBe(0);
    expect((await agent.get(`/announcements/${old}`)).status).toBe(200);
    expect((await r.get(`/announcements/${old}`)).status).toBe(404);
  });

  it('runs as a scheduled queue job', async () => {
    expect(queueNames()).toContain('announcement.expire');
    const chair = await userWith('CHAIR', t.terrA2);
    const agent = await loginAs(chair.login);
    const id = idFrom((await publishForm(agent, t.terrA2.id, { title: 'Прошлогоднее' })).headers.location);
    await expire(id, addDays(today(), -30));
    await enqueue('announcement.expire', {});
    for (let i = 0; i < 50; i++) {
      if ((await db().announcement.findUniqueOrThrow({ where: { id } })).status === 'ARCHIVED') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect((await db().announcement.findUniqueOrThrow({ where: { id } })).status).toBe('ARCHIVED');
  });

  it('refuses to publish what has already expired, keeping what was typed; nothing saved', async () => {
    const chair = await userWith('CHAIR', t.primA2);
    const agent = await loginAs(chair.login);
    const y = addDays(today(), -2);
    const res = await publishForm(agent, t.primA2.id, {
      title: 'Запоздалое объявление',
      expiresOn: `${y.slice(8, 10)}.${y.slice(5, 7)}.${y.slice(0, 4)}`,
      publishOn: `${y.slice(8, 10)}.${y.slice(5, 7)}.${y.slice(0, 4)}`,
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Срок показа уже прошёл');
    expect(res.text).toContain('Запоздалое объявление');
    expect(await db().announcement.count({ where: { title: 'Запоздалое объявление' } })).toBe(0);

    // A draft whose date has passed is not published either: a flash says why.
    const draft = idFrom((await publishForm(agent, t.primA2.id, { title: 'Черновик', publish: '0' })).headers.location);
    await expire(draft, y);
    const pub = await postForm(agent, `/announcements/${draft}`, `/announcements/${draft}/publish`, {});
    expect(pub.status).toBe(303);
    expect((await agent.get(`/announcements/${draft}`)).text).toContain('Срок показа уже прошёл');
    expect((await db().announcement.findUniqueOrThrow({ where: { id: draft } })).status).toBe('DRAFT');
  });

  it('one published with a later publication date waits for that day', async () => {
    const chair = await userWith('CHAIR', t.terrB1);
    const reader = await userWith('CHAIR', t.primB1);
    const agent = await loginAs(chair.login);
    const d = addDays(today(), 2);
    const res = await publishForm(agent, t.terrB1.id, {
      title: 'Объявление на послезавтра',
      publishOn: `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`,
    });
    expect(res.status).toBe(303);
    const id = idFrom(res.headers.location);
    const r = await loginAs(reader.login);
    expect((await r.get(`/announcements/${id}`)).status).toBe(404);
    expect((await r.get(`/orgs/${t.primB1.id}`)).text).not.toContain('Объявление на послезавтра');
    await db().announcement.update({ where: { id }, data: { publishOn: toDate(today()) } });
    expect((await r.get(`/orgs/${t.primB1.id}`)).text).toContain('Объявление на послезавтра');
    expect((await r.get(`/announcements/${id}`)).status).toBe(200);
  });
});

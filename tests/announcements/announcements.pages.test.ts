/**
 * Announcements in the browser: the form (draft, publish, errors kept), safe text, the unread count in the
 * navigation, history of edits, taking down, the receipts page and the reminder to the not-yet-read.
 */
import { buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';

useDb();

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
});

const idFrom = (location: string) => /\/announcements\/([0-9a-f-]{36})/.exec(location)![1];

describe('announcement pages', () => {
  it('publishes from the form; the text is escaped and only http(s) addresses become links', async () => {
    const chair = await userWith('CHAIR', t.terrA1);
    const reader = await userWith('CHAIR', t.primA1);
    const agent = await loginAs(chair.login);
    const form = `/orgs/${t.terrA1.id}/announcements/new`;
    const res = await postForm(agent, form, `/orgs/${t.terrA1.id}/announcements`, {
      title: 'Совещание <b>председателей</b>',
      body: 'Первый абзац <script>alert(1)</script>\n\nСсылка: https://example.org/a?x=1&y=2. И javascript:alert(1)',
      publish: '1',
    });
    expect(res.status).toBe(303);
    const id = idFrom(res.headers.location);
    const r = await loginAs(reader.login);
    const page = await r.get(`/announcements/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).toContain('Совещание &lt;b&gt;председателей&lt;/b&gt;');
    expect(page.text).toContain('<a href="https://example.org/a?x=1&amp;y=2"');
    expect(page.text).not.toMatch(/href="javascript/);
    expect(page.headers['cache-control']).toMatch(/no-store/);
  });

  it('re-shows the form with what was typed and every error', async () => {
    const chair = await userWith('CHAIR', t.terrA2);
    const agent = await loginAs(chair.login);
    const res = await postForm(agent, `/orgs/${t.terrA2.id}/announcements/new`, `/orgs/${t.terrA2.id}/announcements`, {
      title: 'Ок',
      body: 'Текст, который не должен пропасть',
      expiresOn: '31.02.2026',
      audienceOrgIds: t.primB1.id,
      publish: '1',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Заголовок: не короче 3 символов');
    expect(res.text).toContain('Текст, который не должен пропасть');
    expect(res.text).toContain('ДД.ММ.ГГГГ');
    const outside = await postForm(
      agent,
      `/orgs/${t.terrA2.id}/announcements/new`,
      `/orgs/${t.terrA2.id}/announcements`,
      {
        title: 'Тема вне структуры',
        body: 'Т',
        audienceOrgIds: t.primB1.id,
        publish: '1',
      },
    );
    expect(outside.status).toBe(400);
    expect(outside.text).toContain('должны входить в структуру');
    expect(outside.text).not.toContain('ППО школы Б1');
    expect(await db().announcement.count({ where: { title: 'Тема вне структуры' } })).toBe(0);
  });

  it('counts unread in the navigation and shows them on the start page until read', async () => {
    const u = await buildTree();
    const chair = await userWith('CHAIR', u.regionB);
    const reader = await userWith('CHAIR', u.primB1);
    const agent = await loginAs(chair.login);
    const res = await postForm(
      agent,
      `/orgs/${u.regionB.id}/announcements/new`,
      `/orgs/${u.regionB.id}/announcements`,
      {
        title: 'Срочно прочтите',
        body: 'Т',
        important: 'on',
        publish: '1',
      },
    );
    const id = idFrom(res.headers.location);
    const r = await loginAs(reader.login);
    const home = await r.get(`/orgs/${u.primB1.id}`);
    expect(home.text).toMatch(/Объявления <span class="badge bad"[^>]*>1<\/span>/);
    expect(home.text).toContain('Непрочитанные объявления (1)');
    expect(home.text).toContain('Срочно прочтите');
    await r.get(`/announcements/${id}`);
    const after = await r.get(`/orgs/${u.primB1.id}`);
    expect(after.text).not.toContain('Непрочитанные объявления');
    expect(after.text).not.toMatch(/Объявления <span class="badge/);
  });

  it('keeps an important one above newer ordinary ones on the start page until it is read', async () => {
    const u = await buildTree();
    const chair = await userWith('CHAIR', u.terrB1);
    const reader = await userWith('CHAIR', u.primB1);
    const agent = await loginAs(chair.login);
    const post = (title: string, important: boolean) =>
      postForm(agent, `/orgs/${u.terrB1.id}/announcements/new`, `/orgs/${u.terrB1.id}/announcements`, {
        title,
        body: 'Т',
        publish: '1',
        ...(important ? { important: 'on' } : {}),
      });
    const imp = idFrom((await post('Важное раннее', true)).headers.location);
    await post('Обычное позднее', false);
    const r = await loginAs(reader.login);
    for (const url of [`/orgs/${u.primB1.id}`, '/announcements']) {
      const text = (await r.get(url)).text;
      expect(text.indexOf('Важное раннее')).toBeGreaterThan(-1);
      expect(text.indexOf('Важное раннее')).toBeLessThan(text.indexOf('Обычное позднее'));
    }
    await r.get(`/announcements/${imp}`);
    const feed = (await r.get('/announcements')).text;
    expect(feed.indexOf('Обычное позднее')).toBeLessThan(feed.indexOf('Важное раннее'));
    expect((await r.get(`/orgs/${u.primB1.id}`)).text).not.toContain('Важное раннее');
  });

  it('keeps the earlier text when a published announcement is edited; drafts are not shown; taking down asks to confirm', async () => {
    const chair = await userWith('CHAIR', t.primA2);
    const reader = await userWith('VIEWER', t.primA2);
    const agent = await loginAs(chair.login);
    const draft = await postForm(
      agent,
      `/orgs/${t.primA2.id}/announcements/new`,
      `/orgs/${t.primA2.id}/announcements`,
      {
        title: 'Черновик объявления',
        body: 'Первая редакция',
        publish: '0',
      },
    );
    const id = idFrom(draft.headers.location);
    const r = await loginAs(reader.login);
    expect((await r.get(`/announcements/${id}`)).status).toBe(404);
    expect((await postForm(agent, `/announcements/${id}`, `/announcements/${id}/publish`, {})).status).toBe(303);
    expect((await r.get(`/announcements/${id}`)).status).toBe(200);
    const edit = await postForm(agent, `/announcements/${id}/edit`, `/announcements/${id}/edit`, {
      title: 'Черновик объявления (испр.)',
      body: 'Вторая редакция',
      version: '1',
    });
    expect(edit.status).toBe(303);
    const versions = await db().announcementVersion.findMany({ where: { announcementId: id } });
    expect(versions).toMatchObject([{ version: 1, body: 'Первая редакция' }]);
    expect((await agent.get(`/announcements/${id}`)).text).toContain('История изменений');
    // A stale form (version 1 again) changes nothing.
    const stale = await postForm(agent, `/announcements/${id}/edit`, `/announcements/${id}/edit`, {
      title: 'Чужая правка',
      body: 'Т',
      version: '1',
    });
    expect(stale.status).toBe(409);
    // Taking down without the confirmation does nothing.
    await postForm(agent, `/announcements/${id}`, `/announcements/${id}/archive`, {});
    expect((await db().announcement.findUnique({ where: { id } }))!.status).toBe('PUBLISHED');
    await postForm(agent, `/announcements/${id}`, `/announcements/${id}/archive`, { confirm: 'on' });
    expect((await db().announcement.findUnique({ where: { id } }))!.status).toBe('ARCHIVED');
    expect((await r.get(`/announcements/${id}`)).status).toBe(404);
  });

  it('lists the not-yet-read per child and reminds only them', async () => {
    const u = await buildTree();
    const chair = await userWith('CHAIR', u.regionA);
    const readerA = await userWith('CHAIR', u.primA1);
    const lazy = await userWith('CHAIR', u.primA3, {});
    await db().user.update({ where: { id: lazy.id }, data: { fullName: 'Ёлкина Анна' } });
    const agent = await loginAs(chair.login);
    const res = await postForm(
      agent,
      `/orgs/${u.regionA.id}/announcements/new`,
      `/orgs/${u.regionA.id}/announcements`,
      {
        title: 'Отчёт до пятницы',
        body: 'Т',
        publish: '1',
      },
    );
    const id = idFrom(res.headers.location);
    await (await loginAs(readerA.login)).get(`/announcements/${id}`);
    const receipts = await agent.get(`/announcements/${id}/receipts?child=${u.terrA2.id}`);
    expect(receipts.status).toBe(200);
    expect(receipts.text).toContain('Ёлкина Анна');
    expect(receipts.text).toContain('ППО школы А3');
    expect(receipts.text).not.toContain(readerA.login);
    // Another branch's chair cannot open the receipts.
    const other = await loginAs((await userWith('CHAIR', u.regionB)).login);
    expect((await other.get(`/announcements/${id}/receipts`)).status).toBe(404);

    const remind = await postForm(agent, `/announcements/${id}/receipts`, `/announcements/${id}/remind`, {});
    expect(remind.status).toBe(303);
    const reminder = await db().announcement.findFirstOrThrow({ where: { reminderOfId: id } });
    const frozen = await db().audienceMember.findMany({ where: { itemId: reminder.id }, select: { userId: true } });
    expect(frozen.map((f) => f.userId)).toContain(lazy.id);
    expect(frozen.map((f) => f.userId)).not.toContain(readerA.id);
    expect(reminder.addressed).toBe(frozen.length);
    expect((await (await loginAs(readerA.login)).get(`/announcements/${reminder.id}`)).status).toBe(404);
    const lazyAgent = await loginAs(lazy.login);
    expect((await lazyAgent.get(`/announcements/${reminder.id}`)).status).toBe(200);
    // Reading the reminder counts as reading the original.
    expect(await db().announcementRead.count({ where: { announcementId: id, userId: lazy.id } })).toBe(1);
  });
});

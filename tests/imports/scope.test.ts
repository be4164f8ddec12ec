import type request from 'supertest';
import { db } from '../../src/db';
import { buildMembers } from '../../src/seed/builders.repo';
import { api, bearer, buildTree, csrfFrom, loginAs, useDb, userWith, type Tree } from '../helpers';
import { csv, expectStatus, importViaPage, membersOf, uploadJob, uploadPage, waitJob } from './support';

useDb();

let t: Tree;
let chairA1: request.Agent;
let authA1: string;
let previewJob: string;
let doneJob: string;

const FILE = () =>
  csv([
    ['Фамилия', 'Имя', 'Отчество', 'Дата рождения'],
    ['Озерова', 'Ольга', 'Олеговна', '01.01.1980'],
    ['Прохоров', 'Павел', 'Петрович', '02.02.1981'],
  ]);

beforeAll(async () => {
  t = await buildTree();
  const u = await userWith('CHAIR', t.primA1);
  chairA1 = await loginAs(u.login);
  authA1 = await bearer(u.id);
  previewJob = await uploadJob(chairA1, t.primA1.id, FILE(), 'preview.csv');
  doneJob = (
    await importViaPage(
      chairA1,
      t.primA1.id,
      csv([
        ['Фамилия', 'Имя', 'Дата рождения'],
        ['Рябова', 'Римма', '03.03.1983'],
      ]),
      'done.csv',
    )
  ).id;
});

describe('scope', () => {
  it("another organisation's chair gets 404 on the job page, its actions and GET /api/v1/jobs/:id", async () => {
    const other = await userWith('CHAIR', t.primB1);
    const agent = await loginAs(other.login);
    const auth = await bearer(other.id);
    expect((await agent.get(`/imports/${previewJob}`)).status).toBe(404);
    expect((await agent.get(`/imports/${doneJob}`)).status).toBe(404);
    expect((await agent.get(`/imports/${doneJob}/rejected.xlsx`)).status).toBe(404);
    const csrf = await csrfFrom(agent, `/orgs/${t.primB1.id}/imports`);
    expect(
      (await agent.post(`/imports/${previewJob}/run`).type('form').send({ _csrf: csrf, consents: 'on' })).status,
    ).toBe(404);
    expect((await agent.post(`/imports/${doneJob}/undo`).type('form').send({ _csrf: csrf })).status).toBe(404);
    expect((await api().get(`/api/v1/jobs/${doneJob}`).set('Authorization', auth)).status).toBe(404);
    expect((await api().get(`/api/v1/jobs/${previewJob}`).set('Authorization', auth)).status).toBe(404);
    // Nothing was run or undone by them.
    expect((await db().importJob.findUniqueOrThrow({ where: { id: previewJob } })).status).toBe('PREVIEW');
    expect((await db().importJob.findUniqueOrThrow({ where: { id: doneJob } })).status).toBe('DONE');
    // A sibling primary's chair of the same territory is just as much outside.
    const sib = await userWith('CHAIR', t.primA2);
    expect(
      (
        await api()
          .get(`/api/v1/jobs/${doneJob}`)
          .set('Authorization', await bearer(sib.id))
      ).status,
    ).toBe(404);
  });

  it('the chair above (territorial) sees the job', async () => {
    const terr = await userWith('CHAIR', t.terrA1);
    expect(
      (
        await api()
          .get(`/api/v1/jobs/${doneJob}`)
          .set('Authorization', await bearer(terr.id))
      ).status,
    ).toBe(200);
  });

  it("another organisation's chair cannot upload into this one (404)", async () => {
    const other = await userWith('CHAIR', t.primB1);
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/imports`)
      .set('Authorization', await bearer(other.id))
      .field('mode', 'add')
      .attach('file', FILE(), 'x.csv');
    expect(res.status).toBe(404);
  });

  it('a VIEWER gets 403 on upload (page and API) and on the job page; nothing is stored', async () => {
    const viewer = await userWith('VIEWER', t.primA1);
    const agent = await loginAs(viewer.login);
    const jobsBefore = await db().importJob.count();
    const csrf = await csrfFrom(agent, `/orgs/${t.primA1.id}`);
    const page = await agent
      .post(`/orgs/${t.primA1.id}/imports`)
      .field('_csrf', csrf)
      .field('mode', 'add')
      .attach('file', FILE(), 'x.csv');
    expect(page.status).toBe(403);
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/imports`)
      .set('Authorization', await bearer(viewer.id))
      .field('mode', 'add')
      .attach('file', FILE(), 'x.csv');
    expect(res.status).toBe(403);
    expect((await agent.get(`/orgs/${t.primA1.id}/imports`)).status).toBe(403);
    expect((await agent.get(`/imports/${previewJob}`)).status).toBe(403);
    expect(
      (
        await api()
          .get(`/api/v1/jobs/${doneJob}`)
          .set('Authorization', await bearer(viewer.id))
      ).status,
    ).toBe(403);
    expect(await db().importJob.count()).toBe(jobsBefore);
  });

  it('a REGISTRAR may upload', async () => {
    const reg = await userWith('REGISTRAR', t.primA1);
    const agent = await loginAs(reg.login);
    expect((await uploadPage(agent, t.primA1.id, FILE(), 'reg.csv')).status).toBe(303);
  });

  it('a page upload without the CSRF token is refused', async () => {
    const jobsBefore = await db().importJob.count();
    const res = await chairA1.post(`/orgs/${t.primA1.id}/imports`).field('mode', 'add').attach('file', FILE(), 'x.csv');
    expect(res.status).toBe(403);
    expect(await db().importJob.count()).toBe(jobsBefore);
  });
});

describe('the API path', () => {
  it('POST /api/v1/orgs/:id/imports with «Фамилия;Имя;Отчество;Дата рождения» → 202, then GET /api/v1/jobs/:id → done with result.created', async () => {
    const org = t.primA3;
    const chair = await userWith('CHAIR', org);
    const auth = await bearer(chair.id);
    const file = Buffer.from(
      'Фамилия;Имя;Отчество;Дата рождения\r\nСоколова;Софья;Сергеевна;04.04.1984\r\nТарасов;Тимур;Тимурович;05.05.1985\r\nУ;;;\r\n',
      'utf8',
    );
    const res = expectStatus(
      await api()
        .post(`/api/v1/orgs/${org.id}/imports`)
        .set('Authorization', auth)
        .field('mode', 'add')
        .attach('file', file, 'api.csv'),
      202,
    );
    expect(res.body).toEqual({ jobId: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    let body:
      | {
          status: string;
          progress: number;
          result: {
            created: number;
            updated: number;
            exited: number;
            rejected: { row: number; errors: string[] }[];
          } | null;
        }
      | undefined;
    const until = Date.now() + 30_000;
    for (;;) {
      const r = expectStatus(await api().get(`/api/v1/jobs/${res.body.jobId}`).set('Authorization', auth), 200);
      body = r.body;
      expect(['queued', 'running', 'done', 'failed']).toContain(body!.status);
      if (body!.status === 'done' || body!.status === 'failed') break;
      if (Date.now() > until) throw new Error(`job still ${body!.status}`);
      await new Promise((r2) => setTimeout(r2, 50));
    }
    expect(body!.status).toBe('done');
    expect(body!.progress).toBe(1);
    expect(body!.result).toMatchObject({ created: 2, updated: 0, exited: 0 });
    expect(body!.result!.rejected).toEqual([
      expect.objectContaining({ row: 4, errors: expect.arrayContaining([expect.stringMatching(/^Имя:/)]) }),
    ]);
    const members = await membersOf(org.id);
    expect(members.map((m) => m.person.lastName).sort()).toEqual(['Соколова', 'Тарасов']);
  });

  it("answers 422 with the file's headers when the columns cannot be matched", async () => {
    const res = await api()
      .post(`/api/v1/orgs/${t.primA2.id}/imports`)
      .set('Authorization', authA1 /* not theirs */)
      .field('mode', 'add')
      .attach(
        'file',
        csv([
          ['A', 'B'],
          ['1', '2'],
        ]),
        'x.csv',
      );
    expect(res.status).toBe(404);
    const chair = await userWith('CHAIR', t.primA2);
    const res2 = await api()
      .post(`/api/v1/orgs/${t.primA2.id}/imports`)
      .set('Authorization', await bearer(chair.id))
      .field('mode', 'add')
      .attach(
        'file',
        csv([
          ['Колонка1', 'Колонка2'],
          ['1', '2'],
        ]),
        'x.csv',
      );
    expect(res2.status).toBe(422);
    expect(res2.body.error.message).toMatch(/Укажите столбец «Дата рождения»/);
    expect(res2.body.error.message).toContain('Колонка1, Колонка2');
    expect(await membersOf(t.primA2.id)).toHaveLength(0);
  });

  it('refuses an exit date in the future for a sync, as the page does', async () => {
    const [m] = await buildMembers([
      {
        org: t.buroA1,
        lastName: 'Фомина',
        firstName: 'Фаина',
        middleName: 'Фёдоровна',
        birthDate: '1970-07-07',
        category: 'WORKING',
        joinedAt: '2000-01-01',
      },
    ]);
    const res = await api()
      .post(`/api/v1/orgs/${t.buroA1.id}/imports`)
      .set('Authorization', authA1)
      .field('mode', 'sync')
      .field('exitReason', 'DISMISSED')
      .field('exitDate', '2099-01-01')
      .attach(
        'file',
        csv([
          ['Фамилия', 'Имя', 'Отчество', 'Дата рождения'],
          ['Хохлов', 'Харитон', 'Петрович', '01.01.1990'],
        ]),
        'x.csv',
      );
    // Let a wrongly accepted job finish before looking (it runs in this process).
    if (res.status === 202) await waitJob(res.body.jobId);
    const member = await db().member.findUniqueOrThrow({ where: { id: m.memberId } });
    expect({ status: res.status, exitDateError: res.body.error?.fields?.exitDate !== undefined }).toEqual({
      status: 400,
      exitDateError: true,
    });
    // The member must not be exited on 01.01.2099.
    expect(member.status).toBe('ACTIVE');
  });
});

import type request from 'supertest';
import { db } from '../../src/db';
import { buildMembers, buildOrg, type BuiltOrg } from '../../src/seed/builders.repo';
import { identityKey } from '../../src/lib/names';
import { api, bearer, buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';
import {
  csv,
  expectStatus,
  membersOf,
  pageText,
  resultOf,
  runPage,
  tableCounts,
  tile,
  uploadJob,
  waitJob,
} from './support';

useDb();

let t: Tree;
let chair: request.Agent;
let chairAuth: string;
let n = 0;
const newPrimary = (): Promise<BuiltOrg> =>
  buildOrg(t.terrA2, 'PRIMARY', { name: `ППО вуза ${++n}`, institutionType: 'OOVO' });
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

beforeAll(async () => {
  t = await buildTree();
  const u = await userWith('CHAIR', t.regionA);
  chair = await loginAs(u.login);
  chairAuth = await bearer(u.id);
});

const HEAD = ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Телефон', 'Номер студенческого'];

describe('sync mode: the file is the full list', () => {
  let org: BuiltOrg;
  let sibling: BuiltOrg;
  let ids: Record<'stays' | 'phone' | 'renamed' | 'gone' | 'goneToo' | 'sibling', string>;
  let cardId: string;
  let jobId: string;
  let before: Record<string, number>;

  beforeAll(async () => {
    org = await newPrimary();
    sibling = await newPrimary();
    const base = { category: 'STUDENT' as const, joinedAt: '2022-09-01' };
    const [stays, phone, renamed, gone, goneToo] = await buildMembers([
      {
        org,
        lastName: 'Абрамова',
        firstName: 'Алина',
        middleName: 'Петровна',
        birthDate: '2003-01-10',
        phone: '+7 900 000-00-01',
        externalId: 'S1',
        ...base,
      },
      {
        org,
        lastName: 'Борисов',
        firstName: 'Борис',
        middleName: 'Борисович',
        birthDate: '2003-02-11',
        phone: '+7 900 000-00-02',
        externalId: 'S2',
        ...base,
      },
      {
        org,
        lastName: 'Сидорова',
        firstName: 'Вера',
        middleName: 'Олеговна',
        birthDate: '2003-03-12',
        externalId: 'S3',
        ...base,
      },
      {
        org,
        lastName: 'Гришин',
        firstName: 'Глеб',
        middleName: 'Ильич',
        birthDate: '2002-04-13',
        externalId: 'S4',
        ...base,
      },
      {
        org,
        lastName: 'Дроздова',
        firstName: 'Дина',
        middleName: null,
        birthDate: '2002-05-14',
        externalId: null,
        ...base,
      },
    ]);
    const [sib] = await buildMembers([
      {
        org: sibling,
        lastName: 'Егоров',
        firstName: 'Егор',
        middleName: 'Егорович',
        birthDate: '2001-06-15',
        externalId: 'S9',
        ...base,
      },
    ]);
    ids = {
      stays: stays.memberId,
      phone: phone.memberId,
      renamed: renamed.memberId,
      gone: gone.memberId,
      goneToo: goneToo.memberId,
      sibling: sib.memberId,
    };
    const card = await db().card.create({
      data: {
        number: '9600000000000017',
        memberId: ids.gone,
        form: 'PLASTIC',
        status: 'ISSUED',
        issuedAt: new Date('2023-01-10T00:00:00Z'),
      },
    });
    cardId = card.id;
  });

  const file = () =>
    csv([
      HEAD,
      ['Абрамова', 'Алина', 'Петровна', '10.01.2003', '+7 900 000-00-01', 'S1'], // unchanged
      ['Борисов', 'Борис', 'Борисович', '11.02.2003', '+7 911 222-33-44', 'S2'], // new phone
      ['Сидоренко', 'Вера', 'Олеговна', '12.03.2003', '', 'S3'], // surname corrected, matched by the number
      ['Новикова', 'Нина', 'Никитична', '20.08.2005', '', 'S5'], // new
    ]);

  it('shows in the preview who will be added, updated and exited, and changes nothing yet', async () => {
    before = await tableCounts();
    jobId = await uploadJob(chair, org.id, file(), 'kontingent.csv', {
      mode: 'sync',
      category: 'STUDENT',
      joinedAt: '01.09.2025',
    });
    const page = expectStatus(await chair.get(`/imports/${jobId}`), 200);
    expect(tile(page.text, 'будут добавлены')).toBe(1);
    expect(tile(page.text, 'будут обновлены')).toBe(2);
    expect(tile(page.text, 'будут сняты с учёта')).toBe(2);
    expect(tile(page.text, 'без изменений')).toBe(1);
    const text = pageText(page.text);
    expect(text).toContain('Гришин Глеб Ильич');
    expect(text).toContain('Дроздова Дина');
    expect(text).not.toContain('Егоров'); // a sibling organisation's member is not in this list

    const job = await db().importJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.status).toBe('PREVIEW');
    expect(await tableCounts()).toEqual(before);
    const members = await membersOf(org.id);
    expect(members.every((m) => m.status === 'ACTIVE' && m.version === 1)).toBe(true);
    expect(members.find((m) => m.id === ids.phone)!.person.phone).toBe('+7 900 000-00-02');
    expect((await db().card.findUniqueOrThrow({ where: { id: cardId } })).status).toBe('ISSUED');
  });

  it('refuses to run a sync without the exit reason and date, and without the consents ticked', async () => {
    const res = await runPage(chair, jobId, { consents: '', exitReason: '', exitDate: '' });
    expect(res.status).toBe(400);
    const text = pageText(res.text);
    expect(text).toContain('Выберите причину выбытия');
    expect(text).toContain('Дата выбытия');
    expect(text).toContain('Подтвердите, что согласия');
    expect((await db().importJob.findUniqueOrThrow({ where: { id: jobId } })).status).toBe('PREVIEW');
    expect(await tableCounts()).toEqual(before);
  });

  it('on confirmation exits the missing members with the chosen reason and date, updates the changed and adds the new', async () => {
    expectStatus(await runPage(chair, jobId, { exitReason: 'EXIT_GRADUATED', exitDate: '30.06.2025' }), 303);
    const job = await waitJob(jobId);
    expect(job.status).toBe('DONE');
    expect(resultOf(job)).toMatchObject({ created: 1, updated: 2, exited: 2, unchanged: 1, rejected: [] });

    const members = await membersOf(org.id);
    const byId = Object.fromEntries(members.map((m) => [m.id, m]));
    for (const gone of [ids.gone, ids.goneToo]) {
      const m = await db().member.findUniqueOrThrow({
        where: { id: gone },
        include: { registrations: true, movements: true },
      });
      expect(m).toMatchObject({ status: 'EXITED', exitKind: 'EXIT_GRADUATED' });
      expect(day(m.exitedAt)).toBe('2025-06-30');
      expect(m.registrations.map((r) => [day(r.validTo), r.endKind])).toEqual([['2025-06-30', 'EXIT_GRADUATED']]);
      expect(m.movements.filter((x) => x.kind === 'EXIT_GRADUATED').map((x) => day(x.date))).toEqual(['2025-06-30']);
    }
    const card = await db().card.findUniqueOrThrow({ where: { id: cardId }, include: { events: true } });
    expect(card.status).toBe('BLOCKED');
    expect(day(card.blockedAt)).toBe('2025-06-30');
    expect(card.events.map((e) => e.status)).toContain('BLOCKED');

    expect(byId[ids.phone].person.phone).toBe('+7 911 222-33-44');
    expect(byId[ids.phone].status).toBe('ACTIVE');
    const renamed = byId[ids.renamed].person;
    expect(renamed.lastName).toBe('Сидоренко');
    expect(renamed.identityKey).toBe(
      identityKey({ lastName: 'Сидоренко', firstName: 'Вера', middleName: 'Олеговна', birthDate: '2003-03-12' }),
    );
    expect(byId[ids.renamed].status).toBe('ACTIVE');
    expect(byId[ids.stays].version).toBe(1); // untouched
    const fresh = members.filter((m) => !Object.values(ids).includes(m.id));
    expect(fresh.map((m) => [m.person.lastName, m.externalId, m.category, m.status])).toEqual([
      ['Новикова', 'S5', 'STUDENT', 'ACTIVE'],
    ]);
    expect(day(fresh[0].joinedAt)).toBe('2025-09-01');
    // The sibling organisation is not part of this list.
    expect((await db().member.findUniqueOrThrow({ where: { id: ids.sibling } })).status).toBe('ACTIVE');
    const after = await tableCounts();
    expect(after.member - before.member).toBe(1);
    expect(after.person - before.person).toBe(1);
  });

  it('syncs through the API with a short exit reason code', async () => {
    const o = await newPrimary();
    const [keep, drop] = await buildMembers([
      {
        org: o,
        lastName: 'Жилина',
        firstName: 'Жанна',
        middleName: 'Ивановна',
        birthDate: '1980-01-01',
        externalId: 'P1',
        category: 'WORKING',
        joinedAt: '2010-01-01',
      },
      {
        org: o,
        lastName: 'Зотов',
        firstName: 'Захар',
        middleName: 'Ильич',
        birthDate: '1981-01-01',
        externalId: 'P2',
        category: 'WORKING',
        joinedAt: '2010-01-01',
      },
    ]);
    const res = expectStatus(
      await api()
        .post(`/api/v1/orgs/${o.id}/imports`)
        .set('Authorization', chairAuth)
        .field('mode', 'sync')
        .field('exitReason', 'DISMISSED')
        .field('exitDate', '2025-12-31')
        .attach(
          'file',
          csv([
            ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Табельный номер'],
            ['Жилина', 'Жанна', 'Ивановна', '01.01.1980', 'P1'],
          ]),
          'staff.csv',
        ),
      202,
    );
    const job = await waitJob(res.body.jobId);
    expect(job.status).toBe('DONE');
    expect(resultOf(job)).toMatchObject({ created: 0, updated: 0, exited: 1, unchanged: 1 });
    const d = await db().member.findUniqueOrThrow({ where: { id: drop.memberId } });
    expect(d).toMatchObject({ status: 'EXITED', exitKind: 'EXIT_DISMISSED' });
    expect(day(d.exitedAt)).toBe('2025-12-31');
    expect((await db().member.findUniqueOrThrow({ where: { id: keep.memberId } })).status).toBe('ACTIVE');
  });
});

describe('all or nothing', () => {
  it('a run that fails after writing its new rows leaves nothing, and the job is FAILED with a Russian reason', async () => {
    const org = await newPrimary();
    const [late] = await buildMembers([
      {
        org,
        lastName: 'Поздняков',
        firstName: 'Павел',
        middleName: 'Павлович',
        birthDate: '2004-04-04',
        externalId: 'L1',
        category: 'STUDENT',
        joinedAt: '2024-09-01',
      },
    ]);
    const file = csv([
      HEAD,
      ['Ранняя', 'Рената', 'Руслановна', '01.01.2005', '', 'N1'],
      ['Ранний', 'Роман', 'Русланович', '02.02.2005', '', 'N2'],
    ]);
    const before = await tableCounts();
    const jobId = await uploadJob(chair, org.id, file, 'bad-date.csv', {
      mode: 'sync',
      category: 'STUDENT',
      joinedAt: '01.09.2023',
    });
    // The missing member registered on 01.09.2024 cannot be exited on 01.01.2024: the run fails after the creates.
    expectStatus(await runPage(chair, jobId, { exitReason: 'EXIT_GRADUATED', exitDate: '01.01.2024' }), 303);
    const job = await waitJob(jobId);
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatch(/Дата выбытия раньше постановки на учёт/);
    expect(await tableCounts()).toEqual(before);
    expect((await membersOf(org.id)).map((m) => m.id)).toEqual([late.memberId]);
    expect(await db().person.count({ where: { lastName: { in: ['Ранняя', 'Ранний'] } } })).toBe(0);
    expect((await db().member.findUniqueOrThrow({ where: { id: late.memberId } })).status).toBe('ACTIVE');

    const page = expectStatus(await chair.get(`/imports/${jobId}`), 200);
    expect(pageText(page.text)).toMatch(
      /Импорт не выполнен, ничего не изменено: Дата выбытия раньше постановки на учёт/,
    );
    const status = expectStatus(await api().get(`/api/v1/jobs/${jobId}`).set('Authorization', chairAuth), 200);
    expect(status.body).toMatchObject({ status: 'failed', error: expect.stringMatching(/Дата выбытия/) });
  });
});

describe('sync with a row that has an error', () => {
  it('does not exit a current member whose row is in the file but was rejected for a typo', async () => {
    const org = await newPrimary();
    const [ok, typo] = await buildMembers([
      {
        org,
        lastName: 'Тарасова',
        firstName: 'Таисия',
        middleName: 'Петровна',
        birthDate: '2003-01-01',
        externalId: 'R1',
        category: 'STUDENT',
        joinedAt: '2022-09-01',
      },
      {
        org,
        lastName: 'Уваров',
        firstName: 'Ульян',
        middleName: 'Петрович',
        birthDate: '2003-02-02',
        externalId: 'R2',
        category: 'STUDENT',
        joinedAt: '2022-09-01',
      },
    ]);
    const file = csv([
      HEAD,
      ['Тарасова', 'Таисия', 'Петровна', '01.01.2003', '', 'R1'],
      ['Уваров', 'Ульян', 'Петрович', '02.02.2003', 'звонить маме', 'R2'], // a bad phone: the row is rejected, but the student is still on the list
    ]);
    const jobId = await uploadJob(chair, org.id, file, 'typo.csv', {
      mode: 'sync',
      category: 'STUDENT',
      joinedAt: '01.09.2025',
    });
    const page = expectStatus(await chair.get(`/imports/${jobId}`), 200);
    expect(pageText(page.text)).toContain('Телефон «звонить маме» записан неверно');
    const previewExited = tile(page.text, 'будут сняты с учёта');
    expectStatus(await runPage(chair, jobId, { exitReason: 'EXIT_GRADUATED', exitDate: '30.06.2025' }), 303);
    const job = await waitJob(jobId);
    expect(job.status).toBe('DONE');
    expect(resultOf(job).rejected.map((r) => r.row)).toEqual([3]);
    const statuses = {
      ok: (await db().member.findUniqueOrThrow({ where: { id: ok.memberId } })).status,
      typo: (await db().member.findUniqueOrThrow({ where: { id: typo.memberId } })).status,
    };
    expect({ previewExited, exited: resultOf(job).exited, ...statuses }).toEqual({
      previewExited: 0,
      exited: 0,
      ok: 'ACTIVE',
      typo: 'ACTIVE',
    });
  });
});

describe('column mapping', () => {
  it("lets the chair map unrecognised columns, re-checks the preview, and remembers the mapping for the organisation's next file", async () => {
    const org = await newPrimary();
    const odd = (rows: string[][]) => csv([['Ф', 'И', 'О', 'Д.Р.', 'Шифр'], ...rows]);
    const jobId = await uploadJob(
      chair,
      org.id,
      odd([['Фролова', 'Фаина', 'Фёдоровна', '01.01.2001', 'Z1']]),
      'odd.csv',
      { joinedAt: '01.09.2025' },
    );
    let page = expectStatus(await chair.get(`/imports/${jobId}`), 200);
    expect(pageText(page.text)).toContain('Укажите столбцы «Фамилия» и «Имя»');
    expect(page.text).toMatch(/<button class="btn" disabled>/);

    const csrf = (await chair.get(`/imports/${jobId}`)).text.match(/name="_csrf" value="([^"]+)"/)![1];
    expectStatus(
      await chair.post(`/imports/${jobId}/mapping`).type('form').send({
        _csrf: csrf,
        mode: 'add',
        col_lastName: '0',
        col_firstName: '1',
        col_middleName: '2',
        col_birthDate: '3',
        col_externalId: '4',
        category: 'STUDENT',
        joinedAt: '01.09.2025',
      }),
      303,
    );
    page = expectStatus(await chair.get(`/imports/${jobId}`), 200);
    expect(pageText(page.text)).not.toContain('Укажите столбцы');
    expect(tile(page.text, 'будут добавлены')).toBe(1);
    expectStatus(await runPage(chair, jobId), 303);
    expect(resultOf(await waitJob(jobId))).toMatchObject({ created: 1, rejected: [] });
    const [m] = await membersOf(org.id);
    expect([m.person.lastName, m.externalId, m.category]).toEqual(['Фролова', 'Z1', 'STUDENT']);

    // The next file with the same layout opens with the remembered mapping.
    const next = await uploadJob(
      chair,
      org.id,
      odd([['Харитонова', 'Хельга', 'Петровна', '02.02.2002', 'Z2']]),
      'odd2.csv',
      { joinedAt: '01.09.2025' },
    );
    page = expectStatus(await chair.get(`/imports/${next}`), 200);
    expect(pageText(page.text)).not.toContain('Укажите столбцы');
    expect(tile(page.text, 'будут добавлены')).toBe(1);
  });

  it('refuses an import into an organisation that is not a primary one', async () => {
    const csrf = (await chair.get(`/orgs/${t.terrA2.id}/imports`)).text.match(/name="_csrf" value="([^"]+)"/)![1];
    const res = await chair
      .post(`/orgs/${t.terrA2.id}/imports`)
      .field('_csrf', csrf)
      .field('mode', 'add')
      .attach(
        'file',
        csv([
          ['Фамилия', 'Имя', 'Дата рождения'],
          ['Царёва', 'Цветана', '01.01.1990'],
        ]),
        'x.csv',
      );
    expect(res.status).toBe(400);
    expect(pageText(res.text)).toContain('Откройте импорт в первичной организации');
    expect(await db().importJob.count({ where: { organisationId: t.terrA2.id } })).toBe(0);
  });
});

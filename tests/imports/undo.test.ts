import type request from 'supertest';
import { db } from '../../src/db';
import type { Prisma } from '../../src/generated/prisma/client';
import { buildMembers, buildOrg, type BuiltOrg } from '../../src/seed/builders.repo';
import { api, bearer, buildTree, csrfFrom, loginAs, useDb, userWith, type Tree } from '../helpers';
import { today } from '../../src/lib/dates';
import { csv, expectStatus, importViaPage, jobRow, membersOf, pageText, resultOf, tableCounts } from './support';

useDb();

let t: Tree;
let chair: request.Agent;
let chairAuth: string;
let n = 0;
const newPrimary = (): Promise<BuiltOrg> =>
  buildOrg(t.terrA1, 'PRIMARY', { name: `ППО школы ${++n}`, institutionType: 'OO' });
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

beforeAll(async () => {
  t = await buildTree();
  const u = await userWith('CHAIR', t.terrA1);
  chair = await loginAs(u.login);
  chairAuth = await bearer(u.id);
});

async function undo(jobId: string) {
  const csrf = await csrfFrom(chair, `/imports/${jobId}`);
  return chair.post(`/imports/${jobId}/undo`).type('form').send({ _csrf: csrf });
}

const HEAD = ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Телефон', 'Табельный номер'];

describe('undo of an add import', () => {
  let org: BuiltOrg;
  let jobId: string;
  let handId: string;
  let editedId: string;
  let countsBefore: Record<string, number>;

  beforeAll(async () => {
    org = await newPrimary();
    countsBefore = await tableCounts();
    const job = await importViaPage(
      chair,
      org.id,
      csv([
        HEAD,
        ['Алексеева', 'Анна', 'Андреевна', '01.01.1981', '', 'U1'],
        ['Баранов', 'Богдан', 'Борисович', '02.02.1982', '', 'U2'],
        ['Васильева', 'Валентина', 'Викторовна', '03.03.1983', '', 'U3'],
      ]),
      'three.csv',
      { joinedAt: '01.09.2020' },
    );
    expect(resultOf(job)).toMatchObject({ created: 3, rejected: [] });
    jobId = job.id;

    // Meanwhile: a member added by hand, and one of the imported edited through the API.
    const hand = expectStatus(
      await api()
        .post(`/api/v1/orgs/${org.id}/members`)
        .set('Authorization', chairAuth)
        .send({
          lastName: 'Ручной',
          firstName: 'Роман',
          middleName: 'Романович',
          birthDate: '1984-04-04',
          category: 'WORKING',
          joinedAt: '2021-01-15',
          consents: { processing: true },
        }),
      201,
    );
    handId = hand.body.id;
    const edited = (await membersOf(org.id)).find((m) => m.person.lastName === 'Баранов')!;
    editedId = edited.id;
    const got = expectStatus(await api().get(`/api/v1/members/${editedId}`).set('Authorization', chairAuth), 200);
    expectStatus(
      await api()
        .patch(`/api/v1/members/${editedId}`)
        .set('Authorization', chairAuth)
        .send({ phone: '+7 903 555-66-77', version: got.body.version }),
      200,
    );
  });

  it('removes exactly the members it created, keeps the one edited since and the one added by hand, and says what it could not reverse', async () => {
    expectStatus(await undo(jobId), 303);
    const job = await jobRow(jobId);
    expect(job.status).toBe('UNDONE');
    const r = resultOf(job);
    expect(r.undo!.reversed).toBe(2);
    expect(r.undo!.skipped).toEqual([{ memberId: editedId, reason: 'изменён после импорта' }]);

    const left = await membersOf(org.id);
    expect(left.map((m) => m.id).sort()).toEqual([editedId, handId].sort());
    expect(left.find((m) => m.id === editedId)!.person.phone).toBe('+7 903 555-66-77');
    expect(await db().person.count({ where: { lastName: { in: ['Алексеева', 'Васильева'] } } })).toBe(0);
    const hand = await db().member.findUniqueOrThrow({
      where: { id: handId },
      include: { registrations: true, movements: true },
    });
    expect(hand.status).toBe('ACTIVE');
    expect(hand.registrations).toHaveLength(1);
    expect(hand.movements.map((m) => m.kind)).toEqual(['JOINED']);

    const after = await tableCounts();
    // Two members stay (the edited one and the hand-made one), each with one person, registration, movement and consent.
    for (const k of ['person', 'member', 'registration', 'movement', 'consent'] as const)
      expect(after[k] - countsBefore[k]).toBe(2);

    const page = expectStatus(await chair.get(`/imports/${jobId}`), 200);
    const text = pageText(page.text);
    expect(text).toContain('Импорт отменён');
    expect(text).toMatch(/Отмена: возвращено 2; не отменено 1 \(записи изменены после импорта\)/);
  });

  it('refuses to undo the same import twice', async () => {
    const before = await tableCounts();
    const res = expectStatus(await undo(jobId), 303);
    const page = await chair.get(res.headers.location);
    expect(pageText(page.text)).toContain('Не выполнено: Отменить можно только завершённый импорт');
    expect(await tableCounts()).toEqual(before);
  });
});

describe('undo of a sync import', () => {
  it('re-activates the members it exited (their cards too) and restores the data it updated', async () => {
    const org = await newPrimary();
    const [kept, exited] = await buildMembers([
      {
        org,
        lastName: 'Крылова',
        firstName: 'Ксения',
        middleName: 'Львовна',
        birthDate: '1990-10-10',
        phone: '+7 900 100-00-00',
        externalId: 'K1',
        category: 'WORKING',
        joinedAt: '2015-09-01',
      },
      {
        org,
        lastName: 'Лаптев',
        firstName: 'Лев',
        middleName: 'Львович',
        birthDate: '1991-11-11',
        externalId: 'K2',
        category: 'WORKING',
        joinedAt: '2016-09-01',
      },
    ]);
    const card = await db().card.create({
      data: {
        number: '9600000000000025',
        memberId: exited.memberId,
        form: 'PLASTIC',
        status: 'ISSUED',
        issuedAt: new Date('2020-02-02T00:00:00Z'),
      },
    });
    const before = await tableCounts();

    const job = await importViaPage(
      chair,
      org.id,
      csv([HEAD, ['Крылова', 'Ксения', 'Львовна', '10.10.1990', '+7 900 999-99-99', 'K1']]),
      'staff.csv',
      { mode: 'sync', joinedAt: '01.09.2020' },
      { exitReason: 'EXIT_DISMISSED', exitDate: '31.08.2025' },
    );
    expect(resultOf(job)).toMatchObject({ created: 0, updated: 1, exited: 1 });
    expect((await db().member.findUniqueOrThrow({ where: { id: exited.memberId } })).status).toBe('EXITED');
    expect((await db().card.findUniqueOrThrow({ where: { id: card.id } })).status).toBe('BLOCKED');

    expectStatus(await undo(job.id), 303);
    const done = await jobRow(job.id);
    expect(done.status).toBe('UNDONE');
    expect(resultOf(done).undo).toMatchObject({ reversed: 2, skipped: [] });

    const m = await db().member.findUniqueOrThrow({
      where: { id: exited.memberId },
      include: { registrations: true, movements: true },
    });
    expect(m).toMatchObject({ status: 'ACTIVE', exitedAt: null, exitKind: null });
    expect(m.registrations.map((r) => [day(r.validFrom), r.validTo, r.endKind])).toEqual([['2016-09-01', null, null]]);
    expect(m.movements.map((x) => x.kind)).toEqual(['JOINED']);
    const c = await db().card.findUniqueOrThrow({ where: { id: card.id } });
    expect(c).toMatchObject({ status: 'ISSUED', blockedAt: null, blockReason: null });
    const k = await db().member.findUniqueOrThrow({ where: { id: kept.memberId }, include: { person: true } });
    expect(k.person.phone).toBe('+7 900 100-00-00');
    expect(k.status).toBe('ACTIVE');

    const after = await tableCounts();
    for (const key of ['person', 'member', 'registration', 'movement', 'consent', 'card'] as const)
      expect(after[key]).toBe(before[key]);
  });

  it('puts back the categories a sync changed: the period it opened goes and the closed one reopens; a period begun that day gets its category back', async () => {
    const org = await newPrimary();
    const now = today();
    const [old, fresh] = await buildMembers([
      {
        org,
        lastName: 'Соболева',
        firstName: 'Софья',
        middleName: 'Петровна',
        birthDate: '1980-01-01',
        externalId: 'C1',
        category: 'WORKING',
        joinedAt: '2015-09-01',
      },
      {
        org,
        lastName: 'Титов',
        firstName: 'Тимур',
        middleName: 'Олегович',
        birthDate: '1999-02-02',
        externalId: 'C2',
        category: 'STUDENT',
        joinedAt: now,
      },
    ]);
    const periods = async (id: string) =>
      (await db().registration.findMany({ where: { memberId: id }, orderBy: { validFrom: 'asc' } })).map((r) => [
        day(r.validFrom),
        day(r.validTo),
        r.category,
        r.startKind,
        r.endKind,
      ]);
    const before = { old: await periods(old.memberId), fresh: await periods(fresh.memberId) };
    const file = csv([
      [...HEAD, 'Категория'],
      ['Соболева', 'Софья', 'Петровна', '01.01.1980', '', 'C1', 'пенсионер'],
      ['Титов', 'Тимур', 'Олегович', '02.02.1999', '', 'C2', 'работающий'],
    ]);
    const job = await importViaPage(
      chair,
      org.id,
      file,
      'categories.csv',
      { mode: 'sync', joinedAt: '01.09.2020' },
      { exitReason: 'EXIT_DISMISSED', exitDate: '31.08.2025' },
    );
    expect(resultOf(job)).toMatchObject({ created: 0, updated: 2, exited: 0 });
    expect(await periods(old.memberId)).toEqual([
      ['2015-09-01', now, 'WORKING', 'JOINED', 'CATEGORY_CHANGE'],
      [now, null, 'PENSIONER', 'CATEGORY_CHANGE', null],
    ]);
    expect(await periods(fresh.memberId)).toEqual([[now, null, 'WORKING', 'JOINED', null]]);

    expectStatus(await undo(job.id), 303);
    expect(resultOf(await jobRow(job.id)).undo).toMatchObject({ reversed: 2, skipped: [] });
    expect({ old: await periods(old.memberId), fresh: await periods(fresh.memberId) }).toEqual(before);
    const members = await db().member.findMany({
      where: { id: { in: [old.memberId, fresh.memberId] } },
      orderBy: { externalId: 'asc' },
    });
    expect(members.map((m) => m.category)).toEqual(['WORKING', 'STUDENT']);
  });

  it('still reports, not guesses, a category changed by an import recorded before the change date was kept', async () => {
    const org = await newPrimary();
    const [m] = await buildMembers([
      {
        org,
        lastName: 'Усова',
        firstName: 'Ульяна',
        middleName: 'Ильинична',
        birthDate: '1985-05-05',
        externalId: 'U1',
        category: 'WORKING',
        joinedAt: '2015-09-01',
      },
    ]);
    const file = csv([
      [...HEAD, 'Категория'],
      ['Усова', 'Ульяна', 'Ильинична', '05.05.1985', '', 'U1', 'пенсионер'],
    ]);
    const job = await importViaPage(
      chair,
      org.id,
      file,
      'legacy.csv',
      { mode: 'sync', joinedAt: '01.09.2020' },
      { exitReason: 'EXIT_DISMISSED', exitDate: '31.08.2025' },
    );
    // An import of the earlier version kept only the flag.
    const ch = await db().importChange.findFirstOrThrow({ where: { importId: job.id } });
    const { categoryDate: _d, categorySplit: _s, ...legacy } = ch.before as Prisma.InputJsonObject;
    await db().importChange.update({ where: { id: ch.id }, data: { before: legacy } });
    expectStatus(await undo(job.id), 303);
    expect(resultOf(await jobRow(job.id)).undo).toMatchObject({
      reversed: 0,
      skipped: [{ memberId: m.memberId, reason: 'смена категории не отменяется автоматически' }],
    });
    expect((await db().member.findUniqueOrThrow({ where: { id: m.memberId } })).category).toBe('PENSIONER');
  });

  it("gives back an exited member's ordered card only while its order is still open", async () => {
    const org = await newPrimary();
    const [stay, gone] = await buildMembers([
      {
        org,
        lastName: 'Фомина',
        firstName: 'Фаина',
        middleName: 'Петровна',
        birthDate: '1982-02-02',
        externalId: 'F1',
        category: 'WORKING',
        joinedAt: '2015-09-01',
      },
      {
        org,
        lastName: 'Харитонов',
        firstName: 'Харитон',
        middleName: 'Ильич',
        birthDate: '1983-03-03',
        externalId: 'F2',
        category: 'WORKING',
        joinedAt: '2015-09-01',
      },
    ]);
    const order = await db().cardOrder.create({
      data: { organisationId: org.id, holderId: t.central.id, status: 'FORWARDED' },
    });
    const card = await db().card.create({
      data: {
        number: '9600000000000033',
        memberId: gone.memberId,
        form: 'PLASTIC',
        status: 'ORDERED',
        orderId: order.id,
      },
    });
    const job = await importViaPage(
      chair,
      org.id,
      csv([HEAD, ['Фомина', 'Фаина', 'Петровна', '02.02.1982', '', 'F1']]),
      'list.csv',
      { mode: 'sync', joinedAt: '01.09.2020' },
      { exitReason: 'EXIT_DISMISSED', exitDate: '31.08.2025' },
    );
    expect(resultOf(job)).toMatchObject({ exited: 1 });
    // Meanwhile the central office closed the order: every card in it was blocked.
    await db().cardOrder.update({ where: { id: order.id }, data: { status: 'CLOSED' } });
    expectStatus(await undo(job.id), 303);
    expect((await db().member.findUniqueOrThrow({ where: { id: gone.memberId } })).status).toBe('ACTIVE');
    expect(await db().card.findUniqueOrThrow({ where: { id: card.id } })).toMatchObject({
      status: 'BLOCKED',
      blockReason: 'EXIT',
    });
    expect((await db().member.findUniqueOrThrow({ where: { id: stay.memberId } })).status).toBe('ACTIVE');
  });

  it('refuses to undo an import finished more than 30 days ago', async () => {
    const org = await newPrimary();
    const job = await importViaPage(
      chair,
      org.id,
      csv([HEAD, ['Мухина', 'Мария', 'Марковна', '12.12.1992', '', 'M1']]),
      'old.csv',
      { joinedAt: '01.09.2020' },
    );
    await db().importJob.update({
      where: { id: job.id },
      data: { finishedAt: new Date(Date.now() - 31 * 86_400_000) },
    });
    const res = expectStatus(await undo(job.id), 303);
    const page = await chair.get(res.headers.location);
    expect(pageText(page.text)).toContain('Импорт старше 30 дней');
    expect((await jobRow(job.id)).status).toBe('DONE');
    expect(await membersOf(org.id)).toHaveLength(1);
  });
});

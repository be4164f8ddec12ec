import { buildOrg, buildMember, type BuiltOrg } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { CONSENT_TEXT_VERSION } from '../../src/modules/members/members.service';
import { buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';
import {
  csv,
  expectStatus,
  importViaPage,
  membersOf,
  pageText,
  readXlsx,
  resultOf,
  tableCounts,
  tile,
  uploadJob,
  waitJob,
  runPage,
  xlsx,
} from './support';
import type request from 'supertest';

useDb();

let t: Tree;
let chair: request.Agent;
let n = 0;
/** A fresh primary organisation of region A for each case: its counts start at zero. */
const newPrimary = (): Promise<BuiltOrg> =>
  buildOrg(t.terrA1, 'PRIMARY', { name: `ППО колледжа ${++n}`, institutionType: 'POO' });

beforeAll(async () => {
  t = await buildTree();
  const u = await userWith('CHAIR', t.regionA);
  chair = await loginAs(u.login);
});

/** The member's registration periods, movements and consents, as plain values. */
async function historyOf(memberId: string) {
  const m = await db().member.findUniqueOrThrow({
    where: { id: memberId },
    include: { registrations: true, movements: true, person: { include: { consents: true } } },
  });
  return m;
}

describe('add mode with a good file', () => {
  it('adds every row of a UTF-8 CSV with a BOM and «;», each with a registration, a JOINED movement and a PROCESSING consent', async () => {
    const org = await newPrimary();
    const before = await tableCounts();
    const file = csv([
      ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Пол', 'Телефон', 'Табельный номер'],
      ['Орлова', 'Анна', 'Сергеевна', '14.03.1985', 'Ж', '+7 900 111-22-33', 'T-001'],
      ['Семёнов', 'Пётр', 'Ильич', '02.01.1979', 'М', '', 'T-002'],
      ['Ли', 'Юлия', '', '1990-07-30', '', '', 'T-003'],
    ]);
    const job = await importViaPage(chair, org.id, file, 'spisok.csv', { joinedAt: '01.09.2020', category: 'WORKING' });
    expect(job.status).toBe('DONE');
    expect(resultOf(job)).toMatchObject({ created: 3, updated: 0, exited: 0, unchanged: 0, rejected: [] });

    const members = await membersOf(org.id);
    expect(members.map((m) => `${m.person.lastName} ${m.person.firstName}`).sort()).toEqual([
      'Ли Юлия',
      'Орлова Анна',
      'Семёнов Пётр',
    ]);
    const orlova = members.find((m) => m.person.lastName === 'Орлова')!;
    expect(orlova.person).toMatchObject({ middleName: 'Сергеевна', gender: 'FEMALE', phone: '+7 900 111-22-33' });
    expect(orlova.person.birthDate.toISOString().slice(0, 10)).toBe('1985-03-14');
    expect(orlova).toMatchObject({ status: 'ACTIVE', category: 'WORKING', externalId: 'T-001' });
    expect(members.find((m) => m.person.lastName === 'Ли')!.person.middleName).toBeNull();

    for (const m of members) {
      const h = await historyOf(m.id);
      expect(h.joinedAt.toISOString().slice(0, 10)).toBe('2020-09-01');
      expect(h.registrations).toHaveLength(1);
      expect(h.registrations[0]).toMatchObject({
        organisationId: org.id,
        category: 'WORKING',
        startKind: 'JOINED',
        validTo: null,
      });
      expect(h.registrations[0].validFrom.toISOString().slice(0, 10)).toBe('2020-09-01');
      expect(h.movements.map((x) => [x.kind, x.date.toISOString().slice(0, 10), x.organisationId])).toEqual([
        ['JOINED', '2020-09-01', org.id],
      ]);
      const processing = h.person.consents.filter((c) => c.kind === 'PROCESSING');
      expect(processing).toHaveLength(1);
      expect(processing[0]).toMatchObject({ withdrawnAt: null, textVersion: CONSENT_TEXT_VERSION });
    }
    const after = await tableCounts();
    expect(after.member - before.member).toBe(3);
    expect(after.person - before.person).toBe(3);
    expect(after.registration - before.registration).toBe(3);
    expect(after.movement - before.movement).toBe(3);
    expect(after.consent - before.consent).toBe(3);
  });

  it('reads a Windows-1251 CSV separated by «,» without garbling the letters', async () => {
    const org = await newPrimary();
    const file = csv(
      [
        ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Категория', 'Номер студенческого'],
        ['Ёлкина', 'Дарья', 'Юрьевна', '05.11.2003', 'студент', 'С-17'],
        ['Щукин', 'Эдуард', 'Фёдорович', '21.06.2002', 'обучающийся', 'С-18'],
      ],
      { sep: ',', encoding: 'win1251' },
    );
    expect(file.includes(Buffer.from('Ёлкина', 'utf8'))).toBe(false); // really not UTF-8
    const job = await importViaPage(chair, org.id, file, 'students.csv', {
      joinedAt: '01.09.2022',
      category: 'WORKING',
    });
    expect(job.status).toBe('DONE');
    expect(resultOf(job)).toMatchObject({ created: 2, rejected: [] });
    const members = await membersOf(org.id);
    expect(
      members.map((m) => [m.person.lastName, m.person.firstName, m.person.middleName, m.category, m.externalId]).sort(),
    ).toEqual([
      ['Ёлкина', 'Дарья', 'Юрьевна', 'STUDENT', 'С-17'],
      ['Щукин', 'Эдуард', 'Фёдорович', 'STUDENT', 'С-18'],
    ]);
  });

  it('reads an XLSX with date cells and text dates', async () => {
    const org = await newPrimary();
    const file = await xlsx([
      ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Дата вступления', 'Эл. почта'],
      ['Кравец', 'Инна', 'Олеговна', new Date(Date.UTC(1975, 3, 9)), new Date(Date.UTC(2001, 8, 1)), 'inna@example.ru'],
      ['Белов', 'Кирилл', 'Андреевич', '17.12.1968', '15.02.1995', ''],
    ]);
    const job = await importViaPage(chair, org.id, file, 'spisok.xlsx', { joinedAt: '01.09.2020' });
    expect(job.status).toBe('DONE');
    expect(resultOf(job)).toMatchObject({ created: 2, rejected: [] });
    const members = await membersOf(org.id);
    const byName = Object.fromEntries(members.map((m) => [m.person.lastName, m]));
    expect(byName['Кравец'].person.birthDate.toISOString().slice(0, 10)).toBe('1975-04-09');
    expect(byName['Кравец'].joinedAt.toISOString().slice(0, 10)).toBe('2001-09-01');
    expect(byName['Кравец'].person.email).toBe('inna@example.ru');
    expect(byName['Белов'].person.birthDate.toISOString().slice(0, 10)).toBe('1968-12-17');
    expect(byName['Белов'].joinedAt.toISOString().slice(0, 10)).toBe('1995-02-15');
  });
});

describe('add mode with rows that cannot be added', () => {
  let org: BuiltOrg;
  let jobId: string;
  const file = () =>
    csv([
      ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'СНИЛС'],
      ['Орехова', 'Анна', 'Павловна', '14.03.1985', '112-233-445 95'], // 2: fine
      ['Кузнецова', 'Вера', 'Ивановна', '05.05.1970', ''], // 3: registered in region B
      ['Ивaнов', 'Иван', 'Иванович', '01.02.1980', ''], // 4: a Latin «a»
      ['Петров', 'Пётр', 'Петрович', '31.02.1990', ''], // 5: no such date
      ['Сидоров', 'Сидор', 'Сидорович', '10.10.1980', '112-233-445 96'], // 6: bad checksum
      ['  ОРЕХОВА ', 'анна', 'павловна', '14.03.1985', ''], // 7: row 2 again, typed differently
    ]);

  beforeAll(async () => {
    org = await newPrimary();
    await buildMember({
      org: t.primB1,
      lastName: 'Кузнецова',
      firstName: 'Вера',
      middleName: 'Ивановна',
      birthDate: '1970-05-05',
    });
  });

  it('shows each row error in the preview before anything is written', async () => {
    const before = await tableCounts();
    jobId = await uploadJob(chair, org.id, file(), 'with-errors.csv', { joinedAt: '01.09.2020' });
    const page = expectStatus(await chair.get(`/imports/${jobId}`), 200);
    expect(tile(page.text, 'будут добавлены')).toBe(1);
    expect(tile(page.text, 'строк с ошибками')).toBe(5);
    const text = pageText(page.text);
    expect(text).toContain('другой организации');
    expect(text).toMatch(/латинская буква «a»/);
    expect(text).toContain('«31.02.1990»: нужна дата ДД.ММ.ГГГГ');
    expect(text).toContain('неверная контрольная сумма');
    expect(text).toContain('уже есть в файле в строке 2');
    expect(await tableCounts()).toEqual(before);
    expect(await membersOf(org.id)).toHaveLength(0);
  });

  it('adds the good row and reports every other row with its Russian reason', async () => {
    expectStatus(await runPage(chair, jobId), 303);
    const job = await waitJob(jobId);
    expect(job.status).toBe('DONE');
    const r = resultOf(job);
    expect(r.created).toBe(1);
    const byRow = Object.fromEntries(r.rejected.map((x) => [x.row, x.errors.join('; ')]));
    expect(Object.keys(byRow).map(Number).sort()).toEqual([3, 4, 5, 6, 7]);
    expect(byRow[3]).toMatch(/другой организации/);
    expect(byRow[4]).toMatch(/^Фамилия: латинская буква «a» среди русских/);
    expect(byRow[5]).toBe('Дата рождения «31.02.1990»: нужна дата ДД.ММ.ГГГГ');
    expect(byRow[6]).toMatch(/СНИЛС: неверная контрольная сумма/);
    expect(byRow[7]).toBe('Этот человек уже есть в файле в строке 2');

    const members = await membersOf(org.id);
    expect(members.map((m) => m.person.lastName)).toEqual(['Орехова']);
    expect(members[0].person.snils).toBe('11223344595');
    // The person of region B was not copied nor moved.
    expect(await db().person.count({ where: { lastName: 'Кузнецова', firstName: 'Вера' } })).toBe(1);
    const kuz = await db().member.findFirstOrThrow({ where: { person: { lastName: 'Кузнецова', firstName: 'Вера' } } });
    expect(kuz.organisationId).toBe(t.primB1.id);
  });

  it('offers the rejected rows as an XLSX that reads back with each row number and reason', async () => {
    const page = expectStatus(await chair.get(`/imports/${jobId}`), 200);
    expect(page.text).toContain(`/imports/${jobId}/rejected.xlsx`);
    const res = expectStatus(
      await chair
        .get(`/imports/${jobId}/rejected.xlsx`)
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        }),
      200,
    );
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const rows = await readXlsx(res.body as Buffer);
    // The file's own columns first, then the row number and the reasons.
    const header = rows.findIndex((r) => r.includes('Строка файла'));
    expect(header).toBeGreaterThanOrEqual(0);
    const at = rows[header].indexOf('Строка файла');
    expect(rows[header][at + 1]).toBe('Причины');
    const data = rows.slice(header + 1);
    expect(data.map((r) => Number(r[at])).sort()).toEqual([3, 4, 5, 6, 7]);
    expect(data.find((r) => r[at] === '5')![at + 1]).toBe('Дата рождения «31.02.1990»: нужна дата ДД.ММ.ГГГГ');
    expect(data.find((r) => r[at] === '3')![at + 1]).toMatch(/другой организации/);
  });

  it("puts the rejected rows' own cells into the XLSX, so that they can be corrected and uploaded again", async () => {
    const res = expectStatus(
      await chair
        .get(`/imports/${jobId}/rejected.xlsx`)
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        }),
      200,
    );
    const cells = (await readXlsx(res.body as Buffer)).flat();
    // «an XLSX of rejected rows» (issue 5): the row itself, not only its number.
    expect(cells).toEqual(expect.arrayContaining(['Ивaнов', 'Петров', '31.02.1990', 'Сидоров']));
  });
});

describe('Excel-mangled values', () => {
  it('accepts serial-number dates and pads the leading zeros of a СНИЛС stored as a number (XLSX)', async () => {
    const org = await newPrimary();
    const file = await xlsx([
      ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'СНИЛС', 'Дата вступления'],
      ['Зайцева', 'Мария', 'Олеговна', 33000, 1234567819, 43709], // 07.05.1990; 012-345-678 19; 01.09.2019
      ['Волков', 'Олег', 'Игоревич', '12.12.1988', 123456784, ''], // 001-234-567 84
    ]);
    const job = await importViaPage(chair, org.id, file, 'excel.xlsx', { joinedAt: '01.09.2020' });
    expect(job.status).toBe('DONE');
    expect(resultOf(job)).toMatchObject({ created: 2, rejected: [] });
    const byName = Object.fromEntries((await membersOf(org.id)).map((m) => [m.person.lastName, m]));
    expect(byName['Зайцева'].person.birthDate.toISOString().slice(0, 10)).toBe('1990-05-07');
    expect(byName['Зайцева'].joinedAt.toISOString().slice(0, 10)).toBe('2019-09-01');
    expect(byName['Зайцева'].person.snils).toBe('01234567819');
    expect(byName['Волков'].person.snils).toBe('00123456784');
  });

  it('accepts serial-number dates in a CSV and rejects an externalId turned into 1.23457E+15 with the «искажён Excel» message', async () => {
    const org = await newPrimary();
    const file = csv([
      ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Табельный номер'],
      ['Гусева', 'Нина', 'Павловна', '33000', '000123'],
      ['Лосев', 'Глеб', 'Ильич', '11.11.1981', '1.23457E+15'],
    ]);
    const job = await importViaPage(chair, org.id, file, 'excel.csv', { joinedAt: '01.09.2020' });
    expect(job.status).toBe('DONE');
    const r = resultOf(job);
    expect(r.created).toBe(1);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0].row).toBe(3);
    expect(r.rejected[0].errors.join('; ')).toMatch(/«1\.23457E\+15» искажён Excel/);
    const [gus] = await membersOf(org.id);
    expect(gus.person.birthDate.toISOString().slice(0, 10)).toBe('1990-05-07');
    expect(gus.externalId).toBe('000123'); // text kept as text, zeros and all
  });

  it('rejects an externalId mangled by a Russian Excel (decimal comma: 1,23457E+15) as well', async () => {
    const org = await newPrimary();
    const file = csv([
      ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Табельный номер'],
      ['Тихонова', 'Лидия', 'Петровна', '11.11.1981', '1,23457E+15'],
    ]);
    const job = await importViaPage(chair, org.id, file, 'excel-ru.csv', { joinedAt: '01.09.2020' });
    expect(job.status).toBe('DONE');
    const r = resultOf(job);
    expect(r.rejected.map((x) => x.errors.join('; '))).toEqual([expect.stringMatching(/искажён Excel/)]);
    expect(r.created).toBe(0);
  });
});

describe('idempotence', () => {
  it('changes nothing when the same file is imported a second time (add)', async () => {
    const org = await newPrimary();
    const file = csv([
      ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Телефон', 'Табельный номер'],
      ['Яковлева', 'Ольга', 'Ивановна', '03.03.1983', '+7 901 000-00-01', 'A1'],
      ['Жуков', 'Денис', 'Олегович', '04.04.1984', '', 'A2'],
      ['Чернова', 'Алла', '', '05.05.1985', '', 'A3'],
    ]);
    const first = await importViaPage(chair, org.id, file, 'same.csv', { joinedAt: '01.09.2020' });
    expect(resultOf(first)).toMatchObject({ created: 3, rejected: [] });
    const counts = await tableCounts();
    const versions = (await membersOf(org.id)).map((m) => [m.id, m.version]);

    const second = await importViaPage(chair, org.id, file, 'same.csv', { joinedAt: '01.09.2020' });
    expect(second.status).toBe('DONE');
    expect(resultOf(second)).toMatchObject({ created: 0, updated: 0, exited: 0, unchanged: 3, rejected: [] });
    expect(await tableCounts()).toEqual(counts);
    expect((await membersOf(org.id)).map((m) => [m.id, m.version])).toEqual(versions);
  });

  it('changes nothing when the same full list is synced a second time', async () => {
    const org = await newPrimary();
    await buildMember({
      org,
      lastName: 'Старикова',
      firstName: 'Раиса',
      middleName: 'Львовна',
      birthDate: '1960-01-01',
      externalId: 'S0',
    });
    const file = csv([
      ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Телефон', 'Табельный номер'],
      ['Старикова', 'Раиса', 'Львовна', '01.01.1960', '+7 902 000-00-00', 'S0'],
      ['Панова', 'Ева', 'Игоревна', '06.06.1996', '', 'S1'],
    ]);
    const run = { exitReason: 'EXIT_DISMISSED', exitDate: '30.06.2025' };
    const first = await importViaPage(chair, org.id, file, 'full.csv', { mode: 'sync', joinedAt: '01.09.2020' }, run);
    expect(resultOf(first)).toMatchObject({ created: 1, updated: 1, exited: 0, rejected: [] });
    const counts = await tableCounts();
    const versions = (await membersOf(org.id)).map((m) => [m.id, m.version, m.status]);

    const second = await importViaPage(chair, org.id, file, 'full.csv', { mode: 'sync', joinedAt: '01.09.2020' }, run);
    expect(second.status).toBe('DONE');
    expect(resultOf(second)).toMatchObject({ created: 0, updated: 0, exited: 0, unchanged: 2, rejected: [] });
    expect(await tableCounts()).toEqual(counts);
    expect((await membersOf(org.id)).map((m) => [m.id, m.version, m.status])).toEqual(versions);
  });
});

describe('add mode: a СНИЛС that already belongs to someone with another name', () => {
  /** A valid СНИЛС from nine digits (the checksum rule of src/lib/snils.ts). */
  const snils = (body: string) => {
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(body[i]) * (9 - i);
    return body + String(sum % 101 === 100 ? 0 : sum % 101).padStart(2, '0');
  };

  it('names this organisation when the СНИЛС is a member of it, and says nothing of where the other person is otherwise', async () => {
    const org = await newPrimary();
    const mine = snils('731245896');
    const elsewhere = snils('842356017');
    await buildMember({
      org,
      lastName: 'Гордеева',
      firstName: 'Нина',
      middleName: 'Павловна',
      birthDate: '1981-02-02',
      snils: mine,
    });
    await buildMember({
      org: t.primB1,
      lastName: 'Лаптев',
      firstName: 'Олег',
      middleName: 'Юрьевич',
      birthDate: '1977-07-07',
      snils: elsewhere,
    });
    const file = csv([
      ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'СНИЛС'],
      ['Гордеев', 'Никита', 'Павлович', '03.03.1983', mine],
      ['Лаптева', 'Ольга', 'Юрьевна', '08.08.1978', elsewhere],
    ]);
    const job = await importViaPage(chair, org.id, file, 'snils.csv', { joinedAt: '01.09.2020' });
    const byRow = Object.fromEntries(resultOf(job).rejected.map((x) => [x.row, x.errors.join('; ')]));
    expect(byRow).toEqual({
      2: 'Такой СНИЛС уже у другого члена этой организации: проверьте ФИО, дату рождения и СНИЛС',
      3: 'Такой СНИЛС уже у другого человека в реестре',
    });
    expect((await membersOf(org.id)).map((m) => m.person.lastName)).toEqual(['Гордеева']);
  });

  it('a former member typed with the СНИЛС of someone else is refused: neither record is reused or renamed', async () => {
    const org = await newPrimary();
    const others = snils('613572948');
    const own = snils('624681357');
    const former = await buildMember({
      org,
      lastName: 'Вернувшаяся',
      firstName: 'Ада',
      middleName: 'Львовна',
      birthDate: '1970-03-03',
      snils: own,
    });
    await db()
      .$executeRaw`UPDATE "Member" SET status = 'EXITED', "exitedAt" = '2024-01-01', "exitKind" = 'EXIT_VOLUNTARY' WHERE id = ${former.memberId}::uuid`;
    const holder = await buildMember({
      org: t.primB1,
      lastName: 'Держатель',
      firstName: 'Иван',
      middleName: 'Иванович',
      birthDate: '1966-06-06',
      snils: others,
    });
    const before = await db().person.findMany({ where: { id: { in: [former.personId, holder.personId] } } });
    const file = csv([
      ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'СНИЛС'],
      ['Вернувшаяся', 'Ада', 'Львовна', '03.03.1970', others],
    ]);
    const job = await importViaPage(chair, org.id, file, 'snils2.csv', { joinedAt: '01.09.2020' });
    expect(resultOf(job).rejected.map((x) => x.errors.join('; '))).toEqual([
      'Такой СНИЛС уже у другого человека в реестре',
    ]);
    expect(await db().person.findMany({ where: { id: { in: [former.personId, holder.personId] } } })).toEqual(before);
  });
});

import ExcelJS from 'exceljs';
import { buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';
import { buildMembers } from '../../src/seed/builders.repo';
import { db } from '../../src/db';

useDb();

const binary = (r: any, cb: (e: Error | null, b: Buffer) => void) => {
  const c: Buffer[] = [];
  r.on('data', (x: Buffer) => c.push(x));
  r.on('end', () => cb(null, Buffer.concat(c)));
};

describe('custom reports (отчёты по заданным параметрам)', () => {
  let t: Tree;
  let chair: Awaited<ReturnType<typeof loginAs>>;
  beforeAll(async () => {
    t = await buildTree();
    chair = await loginAs((await userWith('CHAIR', t.regionA)).login);
    await buildMembers([
      {
        org: t.primA1,
        lastName: 'Альфа',
        firstName: 'Анна',
        birthDate: '1995-01-01',
        gender: 'FEMALE',
        category: 'WORKING',
        joinedAt: '2020-01-01',
      },
      {
        org: t.primA1,
        lastName: 'Бета',
        firstName: 'Борис',
        birthDate: '1960-01-01',
        gender: 'MALE',
        category: 'WORKING',
        joinedAt: '2000-01-01',
      },
      {
        org: t.primA2,
        lastName: 'Гамма',
        firstName: 'Галина',
        birthDate: '1998-05-05',
        gender: 'FEMALE',
        category: 'STUDENT',
        joinedAt: '2021-09-01',
      },
      {
        org: t.primA3,
        lastName: 'Дельта',
        firstName: 'Дарья',
        birthDate: '1990-02-02',
        gender: 'FEMALE',
        category: 'WORKING',
        joinedAt: '2019-01-01',
        exit: { date: '2025-03-01', kind: 'EXIT_VOLUNTARY' },
      },
      {
        org: t.primB1,
        lastName: 'Чужая',
        firstName: 'Вера',
        birthDate: '1990-02-02',
        gender: 'FEMALE',
        category: 'WORKING',
        joinedAt: '2019-01-01',
      },
    ]);
  });

  it('counts women under 35 as of a date, grouped by child organisation, matching a direct count', async () => {
    const res = await chair.get(
      `/orgs/${t.regionA.id}/custom?run=1&gender=FEMALE&age=under35&asOf=01.01.2025&group=on`,
    );
    expect(res.status).toBe(200);
    const [{ n }] = await db().$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM "Registration" r JOIN "Member" m ON m.id = r."memberId" JOIN "Person" p ON p.id = m."personId" JOIN "Organisation" o ON o.id = r."organisationId"
      WHERE o.path LIKE ${t.regionA.path} || '%' AND r."validFrom" <= '2025-01-01' AND (r."validTo" IS NULL OR r."validTo" > '2025-01-01')
        AND p.gender = 'FEMALE' AND p."birthDate" > date '2025-01-01' - interval '35 years'`;
    expect(Number(n)).toBe(3);
    expect(res.text).toContain('Найдено: 3');
    expect(res.text).toContain('Районная А1');
    expect(res.text).not.toContain('Чужая');
  });

  it('lists those who exited in a window, not those registered on the date', async () => {
    const res = await chair.get(`/orgs/${t.regionA.id}/custom?run=1&exitedFrom=01.01.2025&exitedTo=31.12.2025`);
    expect(res.text).toContain('Найдено: 1');
    expect(res.text).toContain('Дельта');
  });

  it('saves the parameters for reuse', async () => {
    const page = await chair.get(`/orgs/${t.regionA.id}/custom`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const res = await chair
      .post(`/orgs/${t.regionA.id}/custom/save`)
      .type('form')
      .send({ _csrf: csrf, name: 'Молодые женщины', gender: 'FEMALE', age: 'under35', asOf: '01.01.2025' });
    expect(res.status).toBe(303);
    const again = await chair.get(res.headers.location);
    expect(again.text).toContain('Найдено: 3');
  });

  it('exports all rows as XLSX with neutralised cells and logs the disclosure', async () => {
    const res = await chair
      .get(`/orgs/${t.regionA.id}/custom/export?format=xlsx&asOf=01.01.2025&columns=name&columns=organisation`)
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toEqual([undefined, 'ФИО', 'Организация']);
    expect(ws.rowCount).toBe(1 + 4);
    const log = await db().auditLog.findFirst({
      where: { action: 'member.exported', entity: 'CustomReport' },
      orderBy: { id: 'desc' },
    });
    expect(log?.rowCount).toBe(4);
  });

  it('refuses a bad date with a Russian message and gives a viewer no export', async () => {
    const bad = await chair.get(`/orgs/${t.regionA.id}/custom?run=1&asOf=31.02.2025`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Такой даты нет: в этом месяце нет 31-го числа');
    const viewer = await loginAs((await userWith('VIEWER', t.regionA)).login);
    expect((await viewer.get(`/orgs/${t.regionA.id}/custom/export?format=xlsx`)).status).toBe(403);
  });
});

import ExcelJS from 'exceljs';
import { buildTree, csrfFrom, loginAs, useDb, userWith, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { today } from '../../src/lib/dates';
import { asText } from '../../src/lib/text';

useDb();

describe('group operations on the member list', () => {
  let t: Tree;
  let chair: Awaited<ReturnType<typeof loginAs>>;
  beforeAll(async () => {
    t = await buildTree();
    const u = await userWith('CHAIR', t.terrA1);
    chair = await loginAs(u.login);
  });

  const post = async (op: string, data: Record<string, string | string[]>) => {
    const csrf = await csrfFrom(chair, `/members?org=${t.terrA1.id}`);
    return chair
      .post(`/members/bulk/${op}`)
      .type('form')
      .send({ _csrf: csrf, org: t.terrA1.id, ...data });
  };

  it('asks for confirmation with the count, then exits all the ticked members in one step', async () => {
    const a = await buildMember({ org: t.primA1 });
    const b = await buildMember({ org: t.primA2 });
    const ask = await post('exit', { ids: [a.memberId, b.memberId] });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Выбрано: <strong>2</strong>');
    expect((await db().member.findUniqueOrThrow({ where: { id: a.memberId } })).status).toBe('ACTIVE');
    const done = await post('exit', {
      ids: [a.memberId, b.memberId],
      confirmed: '2',
      reason: 'EXIT_VOLUNTARY',
      date: today(),
    });
    expect(done.status).toBe(303);
    const rows = await db().member.findMany({ where: { id: { in: [a.memberId, b.memberId] } } });
    expect(rows.every((r) => r.status === 'EXITED' && r.exitKind === 'EXIT_VOLUNTARY')).toBe(true);
    const log = await db().auditLog.findFirst({
      where: { action: 'member.exited', organisationId: t.terrA1.id },
      orderBy: { id: 'desc' },
    });
    expect(log?.rowCount).toBe(2);
  });

  it('ignores ticked members outside the list organisation and refuses a target outside the scope', async () => {
    const inside = await buildMember({ org: t.primA1 });
    const outside = await buildMember({ org: t.primB1 });
    const res = await post('transfer', {
      ids: [inside.memberId, outside.memberId],
      confirmed: '1',
      toOrgId: t.primB1.id,
      date: today(),
    });
    expect(res.status).toBe(400);
    expect((await db().member.findUniqueOrThrow({ where: { id: outside.memberId } })).organisationId).toBe(t.primB1.id);
    const ok = await post('transfer', {
      ids: [inside.memberId, outside.memberId],
      confirmed: '1',
      toOrgId: t.primA2.id,
      date: today(),
    });
    expect(ok.status).toBe(303);
    expect((await db().member.findUniqueOrThrow({ where: { id: inside.memberId } })).organisationId).toBe(t.primA2.id);
    expect((await db().member.findUniqueOrThrow({ where: { id: outside.memberId } })).organisationId).toBe(t.primB1.id);
  });

  it('changes the category of all members matching the filter, splitting their registration periods', async () => {
    const m = await buildMember({ org: t.primA2, lastName: 'Групповая', category: 'WORKING', joinedAt: '2010-01-01' });
    const res = await post('category', {
      all: 'on',
      q: 'Групповая',
      confirmed: '1',
      newCategory: 'PENSIONER',
      date: today(),
    });
    expect(res.status).toBe(303);
    const regs = await db().registration.findMany({ where: { memberId: m.memberId }, orderBy: { validFrom: 'asc' } });
    expect(regs.map((r) => r.category)).toEqual(['WORKING', 'PENSIONER']);
  });

  it('exports the selection as a streamed XLSX and logs the disclosure with its row count', async () => {
    const m = await buildMember({ org: t.primA1, lastName: 'Выгрузкина', phone: '=HYPERLINK("x")' });
    const csrf = await csrfFrom(chair, `/members?org=${t.terrA1.id}`);
    const res = await chair
      .post('/members/bulk/export')
      .type('form')
      .send({ _csrf: csrf, org: t.terrA1.id, ids: m.memberId, confirmed: '1' })
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.worksheets[0];
    expect(ws.getRow(2).getCell(1).value).toBe('Выгрузкина');
    expect(asText(ws.getRow(2).getCell(8).value)).toBe(`'=HYPERLINK("x")`);
    const log = await db().auditLog.findFirst({
      where: { action: 'member.exported', organisationId: t.terrA1.id },
      orderBy: { id: 'desc' },
    });
    expect(log?.rowCount).toBe(1);
  });

  it('gives a viewer 403 and never changes anything', async () => {
    const v = await userWith('VIEWER', t.terrA1);
    const viewer = await loginAs(v.login);
    const m = await buildMember({ org: t.primA1 });
    const csrf = await csrfFrom(viewer, `/members?org=${t.terrA1.id}`);
    const res = await viewer.post('/members/bulk/exit').type('form').send({
      _csrf: csrf,
      org: t.terrA1.id,
      ids: m.memberId,
      confirmed: '1',
      reason: 'EXIT_VOLUNTARY',
      date: today(),
    });
    expect(res.status).toBe(403);
    expect((await db().member.findUniqueOrThrow({ where: { id: m.memberId } })).status).toBe('ACTIVE');
  });
});

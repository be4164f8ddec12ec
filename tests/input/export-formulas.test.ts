import { api, buildTree, loginAs, useDb } from '../helpers';
import { neutralise } from '../../src/lib/exports';
import { authOf, binary, chairOf, expectStatus, xlsxRows } from '../cards/support';

useDb();

describe('every cell of an export is neutralised, the title row included', () => {
  it('an event titled like a formula comes out as text in the attendance sheet', async () => {
    const t = await buildTree();
    const title = '=HYPERLINK("http://example.invalid","Открыть")';
    const id = expectStatus(
      await api()
        .post(`/api/v1/orgs/${t.primA1.id}/events`)
        .set('Authorization', await authOf(t.primA1))
        .send({ title, kind: 'EVENT', date: '2026-02-01' }),
      201,
    ).body.id;
    const agent = await loginAs((await chairOf(t.primA1)).login);
    const res = await agent.get(`/events/${id}/attendance.xlsx`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    const rows = await xlsxRows(res.body);
    expect(String(rows[0][0])).toBe(`'${title}, 01.02.2026`);
  });

  it.each(['=1+1', '+SUM(A1)', '-2+3+cmd|', '@A1', '\t=1', '\r=1'])('%j is prefixed', (v) => {
    expect(neutralise(v)).toBe(`'${v}`);
  });

  it.each(['+7 900 123-45-67', '-15', 'Иванова', ''])('%j is left as is', (v) => {
    expect(neutralise(v)).toBe(v);
  });
});

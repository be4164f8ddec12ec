/**
 * Every column of a custom report stays inside the actor's subtree: an activist holding a position in the region
 * whose membership (and card) is in another region shows no card number, no dates and no category of that
 * membership; positions are named in Russian, never by their code.
 */
import { buildTree, loginAs, userWith, useDb, type Tree } from '../helpers';
import { db } from '../../src/db';
import { buildMember } from '../../src/seed/builders.repo';
import { addPosition } from '../reports/support';
import { virtualCard } from '../cards/support';

useDb();

describe('custom reports: профактив with a membership elsewhere', () => {
  let t: Tree;
  let card: string;
  beforeAll(async () => {
    t = await buildTree();
    const m = await buildMember({ org: t.primB1, lastName: 'Двухрегионова', joinedAt: '2011-03-04' });
    card = (await virtualCard(t.primB1, m.memberId)).number;
    await addPosition(m.personId, t.primA1, 'COMMITTEE_MEMBER', '2020-01-01');
    const local = await buildMember({ org: t.primA1, lastName: 'Местная' });
    await addPosition(local.personId, t.primA1, 'CHAIR', '2020-01-01');
  });

  const url = (org: { id: string }, format?: string) =>
    `/orgs/${org.id}${format ? '/custom/export' : '/custom'}?run=1&subject=activists&columns=name&columns=position&columns=card&columns=joinedAt&columns=category&columns=organisation${format ? `&format=${format}` : ''}`;

  it('the page lists the activist with the position in Russian but nothing of the membership in region Б', async () => {
    const chair = await loginAs((await userWith('CHAIR', t.regionA, { ndaAccepted: true })).login);
    const res = await chair.get(url(t.regionA));
    expect(res.status).toBe(200);
    expect(res.text).toContain('Двухрегионова');
    expect(res.text).toContain('Член профкома');
    expect(res.text).toContain('Председатель');
    expect(res.text).not.toContain(card);
    expect(res.text).not.toContain('04.03.2011');
    expect(res.text).not.toContain('ППО школы Б1');
    expect(res.text.replace(/<[^>]*>/g, ' ')).not.toMatch(/COMMITTEE_MEMBER|\bCHAIR\b/);
  });

  it('the export carries no card of another region either', async () => {
    const chair = await loginAs((await userWith('CHAIR', t.regionA, { ndaAccepted: true })).login);
    const res = await chair
      .get(url(t.regionA, 'xlsx'))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ArrayBuffer);
    const text = JSON.stringify(wb.worksheets[0].getSheetValues());
    expect(text).toContain('Двухрегионова');
    expect(text).not.toContain(card);
    expect(text).not.toContain('COMMITTEE_MEMBER');
  });

  it('region Б (where the membership is) still sees the card in a members report (the control)', async () => {
    const chair = await loginAs((await userWith('CHAIR', t.regionB, { ndaAccepted: true })).login);
    const res = await chair.get(`/orgs/${t.regionB.id}/custom?run=1&columns=name&columns=card`);
    expect(res.text).toContain(card);
    expect(await db().card.count({ where: { number: card } })).toBe(1);
  });
});

/**
 * Members (and chairs) without a recorded gender are counted as «пол не указан» rows in every statistical form
 * that breaks members down by gender, so the rows add up to the total.
 */
import { buildTree, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { loadShippedTemplates } from '../../src/modules/reports/reports.repo';
import { addPosition, authOf, live } from './support';

useDb();

describe('«пол не указан» in the forms', () => {
  let t: Tree;
  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    await buildMember({ org: t.primA1, gender: 'FEMALE', birthDate: '1980-01-01' });
    await buildMember({ org: t.primA1, gender: 'MALE', birthDate: '1981-01-01' });
    await buildMember({ org: t.primA1, gender: null, birthDate: '1982-01-01' });
    const chair = await buildMember({ org: t.primA1, gender: null, birthDate: '1983-01-01' });
    await addPosition(chair.personId, t.primA1, 'CHAIR', '2020-01-01');
  });

  it.each(['5SP', '2SP', 'UNION'])('form %s: women, «пол не указан» and the rest add up', async (form) => {
    const org = form === '5SP' ? t.primA1 : form === '2SP' ? t.terrA1 : t.central;
    const { body, v } = await live(org, form, '2030-01-01', await authOf(org));
    expect(v['10']).toBe(4);
    expect(v['11']).toBe(1);
    expect(v['11N']).toBe(2);
    const row = (code: string) => (body.rows as { code: string; title: string }[]).find((r) => r.code === code);
    expect(row('11N')?.title).toBe('пол не указан');
    if (row('42N')) expect(v['42N']).toBe(1);
  });
});

import { buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { loadShippedTemplates } from '../../src/modules/reports/reports.repo';
import { buildRollup } from '../../src/modules/reports/figures';
import type request from 'supertest';

useDb();

const AS_OF = '2026-06-30';

/** The live form page on a date with a rollup: the saved figures at once, and a recount from the registry on demand. */
describe('the live form page on a campaign date', () => {
  let t: Tree;
  let central: request.Agent;
  /** The number in the row «Всего членов Профсоюза» (code 10) of the union form on the page. */
  const total = (html: string) =>
    Number(
      /data-label="Код">10<\/td>[\s\S]*?class="num[^"]*">\s*([\d\s\u202f\u00a0]+)/
        .exec(html)?.[1]
        .replace(/[\s\u202f\u00a0]/g, ''),
    );

  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    for (const org of [t.primA1, t.primA2, t.primB1]) await buildMember({ org, joinedAt: '2020-01-01' });
    central = await loginAs((await userWith('CHAIR', t.central)).login);
    const c = await db().organisation.findUniqueOrThrow({ where: { id: t.central.id } });
    await buildRollup(c, AS_OF);
  });

  it('shows the saved figures with when they were saved, and recounts from the registry on «Пересчитать»', async () => {
    const page = await central.get(`/orgs/${t.central.id}/stat?form=UNION&asOf=${AS_OF}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('из свёртки, сохранённой');
    expect(page.text).toContain('fresh=1');
    // A member registered later with an earlier date: the registry changes, the saved figures do not.
    await buildMember({ org: t.primA3, joinedAt: '2021-01-01' });
    const again = await central.get(`/orgs/${t.central.id}/stat?form=UNION&asOf=${AS_OF}`);
    const fresh = await central.get(`/orgs/${t.central.id}/stat?form=UNION&asOf=${AS_OF}&fresh=1`);
    expect(fresh.text).not.toContain('из свёртки');
    expect({ saved: total(page.text), again: total(again.text), fresh: total(fresh.text) }).toEqual({
      saved: 3,
      again: 3,
      fresh: 4,
    });
    const xlsx = await central
      .get(`/orgs/${t.central.id}/stat?form=UNION&asOf=${AS_OF}&format=xlsx`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-disposition']).toContain('UNION-rollup-2026-06-30.xlsx');
  });

  it('on a date without a rollup computes from the registry', async () => {
    const page = await central.get(`/orgs/${t.central.id}/stat?form=UNION&asOf=2026-07-01`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('из свёртки');
    expect(total(page.text)).toBe(4);
  });
});

/**
 * A primary chair's transfer form has no other organisation to offer: instead of an empty list the page says
 * what to do (the receiving organisation files a transfer request, approved on /transfer-requests).
 */
import { buildTree, loginAs, userWith, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';

useDb();

describe('transfer form with nothing to choose', () => {
  let t: Tree;
  beforeAll(async () => {
    t = await buildTree();
  });

  it('a chair of a primary without sub-units gets guidance, not an empty select', async () => {
    const m = await buildMember({ org: t.primA2 });
    const chair = await userWith('CHAIR', t.primA2);
    const agent = await loginAs(chair.login);
    const page = await agent.get(`/members/${m.memberId}/transfer`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Перевести некуда');
    expect(page.text).toContain('href="/transfer-requests"');
    expect(page.text).not.toContain('name="toOrgId"');
  });

  it('a search with no result says so and shows the same guidance', async () => {
    const m = await buildMember({ org: t.primA1 });
    const chair = await userWith('CHAIR', t.terrA1);
    const agent = await loginAs(chair.login);
    const page = await agent.get(`/members/${m.memberId}/transfer`).query({ q: 'Нет такой' });
    expect(page.text).toContain('ничего не найдено');
    expect(page.text).toContain('Перевести некуда');
    const all = await agent.get(`/members/${m.memberId}/transfer`);
    expect(all.text).toContain('name="toOrgId"');
    expect(all.text).toContain('ППО детского сада А2');
  });
});

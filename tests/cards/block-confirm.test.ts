/**
 * Blocking (and reissuing) a card from the member page is never one tap: the first POST shows a
 * «Проверьте» page (works without JavaScript), only the confirmed second POST acts.
 */
import { buildTree, loginAs, postForm, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { cardsOf, chairOf, virtualCard } from './support';

useDb();

describe('block a card from the member page', () => {
  let t: Tree;
  beforeAll(async () => {
    t = await buildTree();
  });

  it('the first POST asks to confirm and changes nothing; the confirmed POST blocks and reissues', async () => {
    const member = (await buildMember({ org: t.primA1 })).memberId;
    const card = await virtualCard(t.primA1, member);
    const agent = await loginAs((await chairOf(t.primA1)).login);
    const page = `/members/${member}`;
    const first = await postForm(agent, page, `/cards/${card.id}/block`, { reason: 'LOST', reissue: 'on' });
    expect(first.status).toBe(200);
    expect(first.text).toContain('Заблокировать и перевыпустить билет?');
    expect(first.text).toContain('name="confirmed" value="yes"');
    expect(first.text).toContain('name="reissue" value="on"');
    expect(first.text).toContain(`href="/members/${member}#cards"`);
    expect((await cardsOf(t.primA1, member)).map((c) => c.status)).toEqual(['ISSUED']);

    const done = await postForm(agent, page, `/cards/${card.id}/block`, {
      reason: 'LOST',
      reissue: 'on',
      confirmed: 'yes',
    });
    expect(done.status).toBe(303);
    const after = await cardsOf(t.primA1, member);
    expect(after.find((c) => c.id === card.id)).toMatchObject({ status: 'BLOCKED', blockReason: 'LOST' });
    expect(after).toHaveLength(2);
  });

  it('a plain block is confirmed the same way', async () => {
    const member = (await buildMember({ org: t.primA1 })).memberId;
    const card = await virtualCard(t.primA1, member);
    const agent = await loginAs((await chairOf(t.primA1)).login);
    const first = await postForm(agent, `/members/${member}`, `/cards/${card.id}/block`, { reason: 'DAMAGED' });
    expect(first.text).toContain('Заблокировать билет?');
    expect(first.text).not.toContain('name="reissue"');
    expect((await cardsOf(t.primA1, member))[0].status).toBe('ISSUED');
    await postForm(agent, `/members/${member}`, `/cards/${card.id}/block`, { reason: 'DAMAGED', confirmed: 'yes' });
    expect(await cardsOf(t.primA1, member)).toEqual([expect.objectContaining({ status: 'BLOCKED' })]);
  });

  it('a card outside the subtree is 404 even at the confirmation step', async () => {
    const member = (await buildMember({ org: t.primB1 })).memberId;
    const card = await virtualCard(t.primB1, member);
    const agent = await loginAs((await chairOf(t.primA1)).login);
    const res = await postForm(agent, `/orgs/${t.primA1.id}`, `/cards/${card.id}/block`, { reason: 'LOST' });
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(card.number);
  });
});

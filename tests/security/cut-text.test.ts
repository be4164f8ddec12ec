/**
 * Texts shortened to fit (a decline reason, a saved report's name, a card order's return comment, …) are cut
 * without leaving half of a surrogate pair: an emoji at the cut must not turn a long text into a 500.
 */
import { buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { buildMember } from '../../src/seed/builders.repo';
import { cutText } from '../../src/lib/text';
import { badTextAt } from '../../src/http/text';
import { TEXT_LIMIT, cleanText } from '../../src/modules/library/text';

useDb();

describe('cutText', () => {
  it('keeps a surrogate pair whole or drops it, never half of it', () => {
    expect(cutText('абв😀', 4)).toBe('абв');
    expect(cutText('абв😀', 5)).toBe('абв😀');
    expect(cutText('абвг', 2)).toBe('аб');
    expect(badTextAt(cutText(`${'я'.repeat(99)}😀`, 100))).toBeNull();
  });

  it('the searchable text of a library document is cut the same way', () => {
    expect(badTextAt(cleanText(`${'я'.repeat(TEXT_LIMIT - 1)}😀`))).toBeNull();
  });
});

describe('a long text with an emoji at the cut', () => {
  let t: Tree;
  let chair: Awaited<ReturnType<typeof loginAs>>;
  beforeAll(async () => {
    t = await buildTree();
    chair = await loginAs((await userWith('CHAIR', t.primA1)).login);
  });

  it('declining a join application with such a reason: done, no 500', async () => {
    const app = await db().joinApplication.create({
      data: { organisationId: t.primA1.id, lastName: 'Заявкина', firstName: 'Анна', birthDate: new Date('1990-01-01') },
    });
    const page = `/orgs/${t.primA1.id}/applications`;
    const res = await postForm(chair, page, `/applications/${app.id}/decline`, { reason: `${'я'.repeat(499)}😀` });
    expect(res.status).toBe(303);
    const after = await db().joinApplication.findUniqueOrThrow({ where: { id: app.id } });
    expect(after.status).toBe('DECLINED');
    expect(after.declineReason).toBe('я'.repeat(499));
  });

  it('saving a custom report under such a name: saved, no 500', async () => {
    const page = `/orgs/${t.primA1.id}/custom`;
    const res = await postForm(chair, page, `${page}/save`, { name: `${'я'.repeat(99)}😀` });
    expect(res.status).toBe(303);
    const saved = await db().savedReport.findFirst({ where: { organisationId: t.primA1.id } });
    expect(saved?.name).toBe('я'.repeat(99));
  });

  it('a member search of 60 characters with an emoji at the cut: a page, no 500', async () => {
    const q = encodeURIComponent(`${'я'.repeat(59)}😀`);
    const res = await chair.get(`/members?org=${t.primA1.id}&q=${q}`);
    expect(res.status).toBe(200);
  });

  it('the transfer form’s organisation search of 60 characters with an emoji at the cut: a page, no 500', async () => {
    const m = await buildMember({ org: t.primA1 });
    const q = encodeURIComponent(`${'я'.repeat(59)}😀`);
    const res = await chair.get(`/members/${m.memberId}/transfer?q=${q}`);
    expect(res.status).toBe(200);
  });
});

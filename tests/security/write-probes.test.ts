/**
 * What the write sweep (leak-writes.test.ts) found, each as its own probe: a multipart POST to a page that takes
 * no file skipped the CSRF check (and ended in a 500), and a member form sent without its version gave a 500.
 */
import { buildTree, csrfFrom, loginAs, useDb, userWith } from '../helpers';
import { db } from '../../src/db';
import { buildMember } from '../../src/seed/builders.repo';

useDb();

async function chairWithMember() {
  const t = await buildTree();
  const chair = await loginAs((await userWith('CHAIR', t.primA1)).login);
  const m = await buildMember({ org: t.primA1, lastName: 'Проверкина' });
  return { chair, m };
}

describe('writes the sweep found', () => {
  it('a multipart POST to a page without a file is refused as a stale form (CSRF), token or not, and acts on nothing', async () => {
    const { chair, m } = await chairWithMember();
    const token = await csrfFrom(chair, '/profile');
    const before = await db().member.findUniqueOrThrow({ where: { id: m.memberId } });
    for (const fields of [{}, { _csrf: token }]) {
      let req = chair.post(`/members/${m.memberId}/exit`).redirects(0);
      for (const [k, v] of Object.entries({ ...fields, reason: 'VOLUNTARY', date: '01.01.2020', confirmed: 'yes' }))
        req = req.field(k, v);
      const res = await req;
      expect(res.status).toBe(403);
      expect(res.text).toContain('Форма устарела');
    }
    expect(await db().member.findUniqueOrThrow({ where: { id: m.memberId } })).toEqual(before);
  });

  it('an upload page still takes its multipart form with the token', async () => {
    const t = await buildTree();
    const regional = await loginAs((await userWith('CHAIR', t.regionA)).login);
    const token = await csrfFrom(regional, `/orgs/${t.regionA.id}/documents/new`);
    const res = await regional
      .post(`/orgs/${t.regionA.id}/documents`)
      .redirects(0)
      .field('_csrf', token)
      .field('title', 'Положение')
      .attach('file', Buffer.from('not a document'), 'x.pdf');
    // The form is re-shown with its errors (the file is not a PDF): the token was accepted.
    expect(res.status).toBeLessThan(500);
    expect(res.status).not.toBe(403);
  });

  it('a member form sent without its version is refused as a stale form, not a 500', async () => {
    const { chair, m } = await chairWithMember();
    const token = await csrfFrom(chair, `/members/${m.memberId}`);
    const res = await chair
      .post(`/members/${m.memberId}/category`)
      .type('form')
      .send({ _csrf: token, category: 'WORKING', date: '01.01.2020' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Запись уже изменил другой пользователь');
  });
});

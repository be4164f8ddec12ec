/**
 * The quorum of an event (more than half of its expected participants) can be set on the event page, not only
 * through the API: card numbers one a line and/or the organisation's elected body. A card outside the
 * organisation is refused by line number, naming no one.
 */
import { api, buildTree, loginAs, postForm, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { addPosition } from '../reports/support';
import { chairOf, virtualCard } from '../cards/support';

useDb();

describe('expected participants on the event page', () => {
  let t: Tree;
  let eventId: string;

  beforeAll(async () => {
    t = await buildTree();
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/events`)
      .set('Authorization', (await chairOf(t.primA1)).auth)
      .send({ title: 'Заседание профкома', kind: 'BOARD_MEETING', date: '2030-05-01' });
    eventId = res.body.id;
  });

  it('shows the form to who manages events, and sets the list from card numbers and the elected body', async () => {
    const a = await buildMember({ org: t.primA1 });
    const b = await buildMember({ org: t.primA1, lastName: 'Комитетова' });
    await addPosition(b.personId, t.primA1, 'COMMITTEE_MEMBER', '2020-01-01');
    const cardA = await virtualCard(t.primA1, a.memberId);
    const agent = await loginAs((await chairOf(t.primA1)).login);
    const page = await agent.get(`/events/${eventId}`);
    expect(page.text).toContain('Ожидаемые участники и кворум');
    expect(page.text).toContain('кворум не считается');
    const res = await postForm(agent, `/events/${eventId}`, `/events/${eventId}/participants`, {
      cardNumbers: `${cardA.number}\n`,
      electedBody: 'on',
    });
    expect(res.status).toBe(303);
    const after = await agent.get(`/events/${eventId}`);
    expect(after.text).toContain('Ожидаемых участников: 2');
    expect(after.text).toContain('<b>0 из 2</b>ожидаемых');
    const stats = await api()
      .get(`/api/v1/events/${eventId}`)
      .set('Authorization', (await chairOf(t.primA1)).auth);
    expect(stats.body).toMatchObject({ expected: 2, quorum: false });
  });

  it('refuses a card of another region by its line, keeps what was typed, names no one, changes nothing', async () => {
    const other = await buildMember({ org: t.primB1, lastName: 'Чужаков' });
    const cardB = await virtualCard(t.primB1, other.memberId);
    const agent = await loginAs((await chairOf(t.primA1)).login);
    const res = await postForm(agent, `/events/${eventId}`, `/events/${eventId}/participants`, {
      cardNumbers: `\n${cardB.number}`,
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('в строке 2 нет билета члена Профсоюза этой организации');
    expect(res.text).toContain(cardB.number);
    expect(res.text).not.toContain('Чужаков');
    const stats = await api()
      .get(`/api/v1/events/${eventId}`)
      .set('Authorization', (await chairOf(t.primA1)).auth);
    expect(stats.body.expected).toBe(2);
  });

  it('a profburo chair who checks people in sees no form and is refused (403); outside the subtree 404', async () => {
    const { userWith } = await import('../helpers');
    const sub = await userWith('SUBUNIT_CHAIR', t.buroA1);
    const agent = await loginAs(sub.login);
    const other = await loginAs((await chairOf(t.primB1)).login);
    expect((await postForm(other, `/orgs/${t.primB1.id}`, `/events/${eventId}/participants`, {})).status).toBe(404);
    expect((await postForm(agent, `/orgs/${t.buroA1.id}`, `/events/${eventId}/participants`, {})).status).toBe(404);
  });
});

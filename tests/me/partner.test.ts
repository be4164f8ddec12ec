/**
 * «Мои данные» says to which partner the member's data went: after the central office exports the bonus-programme
 * list, a member with the bonus consent and a card sees the partner (page, API and PDF); a member without the
 * consent sees none.
 */
import { api, buildTree, loginAs, useDb, userWith } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';
import { binary, virtualCard } from '../cards/support';
import { memberAgent, memberToken } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pdfParse = require('pdf-parse/lib/pdf-parse.js') as (b: Buffer) => Promise<{ text: string }>;

useDb();

it('names the bonus partner to the members whose data went there, and only to them', async () => {
  const t = await buildTree();
  const yes = await buildMember({
    org: t.primA1,
    lastName: 'Партнёрова',
    firstName: 'Вера',
    email: 'partnerova@example.ru',
    consents: { bonusProgramme: true },
  });
  const no = await buildMember({
    org: t.primA1,
    lastName: 'Безбонусов',
    firstName: 'Олег',
    email: 'bezbonusov@example.ru',
  });
  await virtualCard(t.primA1, yes.memberId);
  await virtualCard(t.primA1, no.memberId);
  const disclosures = async (email: string) =>
    (
      await api()
        .get('/api/v1/member/data')
        .set('Authorization', await memberToken(email))
    ).body.disclosures as { to: string; what: string }[];
  expect(await disclosures('partnerova@example.ru')).toEqual([]);

  const admin = await loginAs((await userWith('ADMIN', t.central)).login);
  expect((await admin.get(`/orgs/${t.central.id}/bonus.xlsx`).buffer(true).parse(binary)).status).toBe(200);

  expect(await disclosures('partnerova@example.ru')).toEqual([
    expect.objectContaining({ to: expect.stringContaining('Партнёр бонусной программы') }),
  ]);
  expect(await disclosures('bezbonusov@example.ru')).toEqual([]);
  const agent = await memberAgent('partnerova@example.ru');
  expect((await agent.get('/me/data')).text).toContain('Партнёр бонусной программы');
  const pdf = await agent.get('/me/data.pdf').buffer(true).parse(binary);
  expect((await pdfParse(pdf.body as Buffer)).text).toContain('Партнёр бонусной программы');
});

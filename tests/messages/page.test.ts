/** The chair's message page: a preview with counts and reasons, then a confirmed send; bad input is re-shown. */
import { buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { memberWith, waitDone } from './support';

useDb();

let t: Tree;
let chair: Awaited<ReturnType<typeof loginAs>>;

beforeAll(async () => {
  t = await buildTree();
  chair = await loginAs((await userWith('CHAIR', t.primA1)).login);
  await memberWith(t.primA1, { consent: true });
  await memberWith(t.primA1, { consent: true, email: false });
  await memberWith(t.primA1, { consent: false });
});

describe('the message page', () => {
  const url = () => `/orgs/${t.primA1.id}/messages`;

  it('is linked from the organisation and shows how many will get an e-mail and why others will not', async () => {
    expect((await chair.get(`/orgs/${t.primA1.id}`)).text).toContain(`href="${url()}"`);
    const res = await chair.get(url());
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('Получат: 1</strong>');
    expect(res.text).toMatch(/без согласия на рассылку — 1; без адреса электронной почты — 1/);
  });

  it('re-shows the form with the text typed and a Russian message when the text is missing', async () => {
    const res = await postForm(chair, url(), url(), { channel: 'EMAIL', subject: 'Тема письма', text: '  ' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Напишите текст сообщения');
    expect(res.text).toContain('value="Тема письма"');
    expect(await db().message.count()).toBe(0);
  });

  it('sends only after the preview is confirmed, then shows the progress with a confirmation', async () => {
    const first = await postForm(chair, url(), url(), { channel: 'EMAIL', text: 'Привет', confirm: 'no' });
    expect(first.status).toBe(200);
    expect(first.text).toContain('Отправить 1 получателю');
    expect(await db().message.count()).toBe(0);
    const sent = await postForm(chair, url(), url(), { channel: 'EMAIL', text: 'Привет', confirm: 'yes' });
    expect(sent.status).toBe(303);
    const id = /\/messages\/([0-9a-f-]{36})$/.exec(sent.headers.location)![1];
    await waitDone(id);
    const page = await chair.get(`/messages/${id}`);
    expect(page.text).toContain('Сообщение поставлено в очередь: получателей 1, без согласия 1, без контакта 1.');
    expect(page.text).toContain('Отправка: завершена');
    // No SMTP server configured: the letter is kept in the outbox, linked to its delivery row.
    const d = await db().messageDelivery.findFirstOrThrow({ where: { messageId: id } });
    expect(await db().outbox.count({ where: { recipientId: d.id, status: 'STORED' } })).toBe(1);
  });

  it('a chair of a sibling organisation gets 404 for the page and for the message', async () => {
    const other = await loginAs((await userWith('CHAIR', t.primA2)).login);
    expect((await other.get(url())).status).toBe(404);
    const m = await db().message.findFirstOrThrow();
    expect((await other.get(`/messages/${m.id}`)).status).toBe(404);
  });
});

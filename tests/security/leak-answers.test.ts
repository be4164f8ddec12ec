/**
 * The answers to writes and the files they lead to, asked by the chair of a primary organisation of region A about
 * a person of the sibling region B (whose name, card number or СНИЛС the chair knows or guesses): the duplicate
 * check (API and form), a СНИЛС of B, a check-in with B's card and the attendance sheet, an import row that is B's
 * member, a join application of B's member, a card order, an event, an announcement and a survey naming B's ids,
 * a message. None may carry B's names, organisation or ids (beyond the member id the API contract's 409 keeps).
 */
import JSZip from 'jszip';
import type request from 'supertest';
import { api, bearer, buildTree, csrfFrom, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { buildMember } from '../../src/seed/builders.repo';
import { virtualCard } from '../cards/support';
import { csv, uploadJob, waitJob } from '../imports/support';

useDb();

const MARKS = ['утечк', 'секретин', 'тайнин'];
let t: Tree;
let auth: string;
let chair: request.Agent;
let b: { memberId: string; personId: string; card: string; ids: string[] };
const SNILS = '112-233-445 95';

function leaks(text: string): string[] {
  const low = text.toLowerCase();
  return [...MARKS.filter((m) => low.includes(m)), ...b.ids.filter((id) => text.includes(id))];
}

async function unzipText(buf: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(buf);
  return (await Promise.all(Object.values(zip.files).map((f) => f.async('string')))).join('\n');
}

function raw(res: request.Response, cb: (err: Error | null, body: unknown) => void): void {
  const chunks: Buffer[] = [];
  const s = res as unknown as NodeJS.ReadableStream;
  s.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  s.on('end', () => cb(null, Buffer.concat(chunks)));
}

const whole = (res: request.Response) => `${JSON.stringify(res.headers)}\n${res.text ?? JSON.stringify(res.body)}`;

beforeAll(async () => {
  t = await buildTree();
  await db().organisation.update({ where: { id: t.regionB.id }, data: { name: 'Тайнинская региональная' } });
  await db().organisation.update({ where: { id: t.terrB1.id }, data: { name: 'Тайнинская районная' } });
  await db().organisation.update({ where: { id: t.primB1.id }, data: { name: 'ППО Тайнинской школы' } });
  const m = await buildMember({
    org: t.primB1,
    lastName: 'Утечкина',
    firstName: 'Секретина',
    middleName: 'Петровна',
    birthDate: '1981-02-03',
    snils: SNILS.replace(/\D/g, ''),
    email: 'utechkina@example.org',
    consents: { messaging: true },
  });
  const card = await virtualCard(t.primB1, m.memberId);
  b = {
    ...m,
    card: card.number,
    ids: [m.memberId, m.personId, card.id, card.number, t.regionB.id, t.terrB1.id, t.primB1.id],
  };
  const u = await userWith('CHAIR', t.primA1);
  auth = await bearer(u.id);
  chair = await loginAs(u.login);
});

const newMember = (over: Record<string, unknown> = {}) => ({
  lastName: 'Утечкина',
  firstName: 'Секретина',
  middleName: 'Петровна',
  birthDate: '1981-02-03',
  category: 'WORKING',
  joinedAt: '2020-01-01',
  consents: { processing: true },
  ...over,
});

describe('writes about a person of the sibling region answer nothing of them', () => {
  it('the duplicate check (API): 409 without B’s organisation, its id or its name', async () => {
    const res = await api().post(`/api/v1/orgs/${t.primA1.id}/members`).set('Authorization', auth).send(newMember());
    expect(res.status).toBe(409);
    // The contract keeps `existing.memberId`; outside the caller's scope it is a stand-in, not B's member id: the
    // same on every asking, UUID-shaped, opening nothing.
    expect(leaks(whole(res).replace(/утечкина|секретина/gi, ''))).toEqual([]);
    expect(res.body.error.existing.organisationId).toBeUndefined();
    const standIn = (res.body as { error: { existing: { memberId: string } } }).error.existing.memberId;
    expect(standIn).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = await api().post(`/api/v1/orgs/${t.primA1.id}/members`).set('Authorization', auth).send(newMember());
    expect((again.body as { error: { existing: { memberId: string } } }).error.existing.memberId).toBe(standIn);
    expect((await api().get(`/api/v1/members/${standIn}`).set('Authorization', auth)).status).toBe(404);
  });

  it('the duplicate check (form): the page names neither B’s organisation nor any id of B', async () => {
    const url = `/orgs/${t.primA1.id}/members/new`;
    const res = await postForm(chair, url, url, {
      lastName: 'Утечкина',
      firstName: 'Секретина',
      middleName: 'Петровна',
      birthDate: '03.02.1981',
      category: 'WORKING',
      joinedAt: '01.01.2020',
      consentProcessing: 'on',
    });
    expect(res.status).toBeLessThan(500);
    expect(leaks(whole(res).replace(/утечкина|секретина/gi, ''))).toEqual([]);
  });

  it('a СНИЛС of B’s member typed for another person: a conflict that names no one', async () => {
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/members`)
      .set('Authorization', auth)
      .send(newMember({ lastName: 'Другова', firstName: 'Анна', snils: SNILS }));
    expect(res.status).toBe(409);
    expect(leaks(whole(res))).toEqual([]);
    expect(whole(res)).not.toContain('Петровна');
  });

  it('a check-in with B’s card (API and page), then the attendance sheet: "not a participant", nothing of B', async () => {
    const ev = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/events`)
      .set('Authorization', auth)
      .send({ title: 'Собрание', kind: 'EVENT', date: '2030-01-01' });
    const apiRes = await api()
      .post(`/api/v1/events/${ev.body.id}/checkins`)
      .set('Authorization', auth)
      .send({ cardNumber: b.card });
    expect(leaks(whole(apiRes).split(b.card).join(''))).toEqual([]);
    const page = await postForm(chair, `/events/${ev.body.id}`, `/events/${ev.body.id}/checkin`, {
      cardNumber: b.card,
    });
    const after = await chair.get(page.headers.location ?? `/events/${ev.body.id}`);
    expect(leaks(whole(page).split(b.card).join(''))).toEqual([]);
    expect(leaks(after.text.split(b.card).join(''))).toEqual([]);
    const sheet = await chair.get(`/events/${ev.body.id}/attendance.xlsx`).buffer(true).parse(raw);
    expect(sheet.status).toBe(200);
    expect(leaks(await unzipText(sheet.body as Buffer))).toEqual([]);
  });

  it('an import row that is B’s member: the job page, the API and the rejected rows name nothing of B', async () => {
    const file = csv([
      ['Фамилия', 'Имя', 'Отчество', 'Дата рождения'],
      ['Утечкина', 'Секретина', 'Петровна', '03.02.1981'],
      ['Новикова', 'Анна', '', '01.01.1990'],
    ]);
    const id = await uploadJob(chair, t.primA1.id, file, 'spisok.csv', { joinedAt: '01.09.2020', category: 'WORKING' });
    const preview = await chair.get(`/imports/${id}`);
    expect(leaks(preview.text.replace(/утечкина|секретина/gi, ''))).toEqual([]);
    const csrf = await csrfFrom(chair, `/imports/${id}`);
    await chair.post(`/imports/${id}/run`).type('form').send({ _csrf: csrf, consents: 'on' });
    await waitJob(id);
    for (const res of [
      await chair.get(`/imports/${id}`),
      await api().get(`/api/v1/jobs/${id}`).set('Authorization', auth),
    ])
      expect(leaks(whole(res).replace(/утечкина|секретина/gi, ''))).toEqual([]);
    const rejected = await chair.get(`/imports/${id}/rejected.xlsx`).buffer(true).parse(raw);
    if (rejected.status === 200)
      expect(leaks((await unzipText(rejected.body as Buffer)).replace(/утечкина|секретина/gi, ''))).toEqual([]);
  });

  it('a card order, an event, an announcement and a survey naming B’s ids: refused without B’s names', async () => {
    const answers = [
      await api()
        .post(`/api/v1/orgs/${t.primA1.id}/card-orders`)
        .set('Authorization', auth)
        .send({ memberIds: [b.memberId] }),
      await api()
        .post(`/api/v1/orgs/${t.primA1.id}/events`)
        .set('Authorization', auth)
        .send({ title: 'Собрание', kind: 'EVENT', date: '2030-01-01', expectedMemberIds: [b.memberId] }),
      await api()
        .post(`/api/v1/orgs/${t.primA1.id}/announcements`)
        .set('Authorization', auth)
        .send({ title: 'Объявление', body: 'Текст', audience: { orgIds: [t.primB1.id] } }),
      await api()
        .post(`/api/v1/orgs/${t.primA1.id}/surveys`)
        .set('Authorization', auth)
        .send({
          title: 'Опрос',
          kind: 'SURVEY',
          audience: { orgIds: [t.primB1.id] },
          closesAt: new Date(Date.now() + 86400_000).toISOString(),
          questions: [{ code: 'q1', text: 'Вопрос', type: 'TEXT' }],
        }),
    ];
    for (const res of answers) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(leaks(whole(res).split(b.memberId).join('').split(t.primB1.id).join(''))).toEqual([]);
    }
  });

  it('a message of A reaches no one of B', async () => {
    const res = await api()
      .post(`/api/v1/orgs/${t.primA1.id}/messages`)
      .set('Authorization', auth)
      .send({ channel: 'EMAIL', subject: 'Тема', text: 'Текст' });
    expect(res.status).toBe(202);
    const rows = await db().outbox.findMany({ where: { messageId: res.body.id } });
    expect(leaks(JSON.stringify(rows))).toEqual([]);
  });
});

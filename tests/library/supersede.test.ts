/**
 * Marking a document superseded from its page: by another current document of the same library or plainly,
 * with a confirmation; the mark shows on the document, in the list and in the API, the document stays
 * reachable; the mark can be cleared. Only the publisher's side may do it (a viewer → 403, outside → 404).
 */
import crypto from 'node:crypto';
import type request from 'supertest';
import { api, bearer, buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { pdfWithText, publish } from './support';

useDb();

let t: Tree;
let pub: string;
let reader: string;
let pubPage: request.Agent;
let readerPage: request.Agent;
let otherPage: request.Agent;
let viewerPage: request.Agent;

beforeAll(async () => {
  t = await buildTree();
  const pubUser = await userWith('CHAIR', t.regionA);
  const readerUser = await userWith('CHAIR', t.primA1);
  pub = await bearer(pubUser.id);
  reader = await bearer(readerUser.id);
  pubPage = await loginAs(pubUser.login);
  readerPage = await loginAs(readerUser.login);
  otherPage = await loginAs((await userWith('CHAIR', t.regionB)).login);
  viewerPage = await loginAs((await userWith('VIEWER', t.regionA)).login);
});

async function newDoc(title: string, orgId = t.regionA.id, auth = pub): Promise<string> {
  const res = await publish(auth, orgId, { title, kind: 'NORMATIVE' }, await pdfWithText(title, ['Текст']));
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const supersede = (agent: request.Agent, id: string, data: Record<string, string>) =>
  postForm(agent, `/documents/${id}`, `/documents/${id}/supersede`, data);

const mark = (id: string) =>
  db().document.findUniqueOrThrow({ where: { id }, select: { supersededAt: true, supersededById: true } });

describe('marking a document superseded', () => {
  it('asks for the confirmation and changes nothing without it, keeping the chosen replacement', async () => {
    const old = await newDoc('Положение о взносах 2020');
    const repl = await newDoc('Положение о взносах 2026');
    const res = await supersede(pubPage, old, { by: repl });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Поставьте отметку «Подтверждаю»');
    expect(res.text).toMatch(new RegExp(`<option value="${repl}" selected`));
    expect(await mark(old)).toEqual({ supersededAt: null, supersededById: null });
  });

  it('by another document: shown on the page with a link, in the list, in the API; the file is still served', async () => {
    const old = await newDoc('Инструкция по учёту 2019');
    const repl = await newDoc('Инструкция по учёту 2026');
    const res = await supersede(pubPage, old, { by: repl, confirm: 'on' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/documents/${old}`);
    expect((await mark(old)).supersededById).toBe(repl);

    const page = await readerPage.get(`/documents/${old}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Документ заменён');
    expect(page.text).toContain(`href="/documents/${repl}"`);
    const list = await readerPage.get('/library?q=' + encodeURIComponent('Инструкция по учёту'));
    const row = list.text.split('<tr>').find((r) => r.includes(`/documents/${old}"`));
    expect(row).toContain('заменён');
    expect(list.text.split('<tr>').find((r) => r.includes(`/documents/${repl}"`))).not.toContain('заменён');

    const json = await api().get(`/api/v1/documents/${old}`).set('Authorization', reader);
    expect(json.body).toMatchObject({ superseded: true, supersededBy: { id: repl } });
    expect((await api().get(`/api/v1/documents/${old}/file`).set('Authorization', reader)).status).toBe(200);
    // The publisher's flash confirms it.
    expect((await pubPage.get(`/documents/${old}`)).text).toContain('отмечен как заменённый');
  });

  it('plainly (no replacement named), and the mark can be cleared', async () => {
    const old = await newDoc('Методичка по отчётности 2018');
    expect((await supersede(pubPage, old, { by: '', confirm: 'on' })).status).toBe(303);
    expect(await mark(old)).toEqual({ supersededAt: expect.any(Date), supersededById: null });
    const page = await readerPage.get(`/documents/${old}`);
    expect(page.text).toContain('Документ заменён');
    expect(page.text).toContain('Он оставлен для справки');

    expect((await supersede(pubPage, old, { clear: '1', confirm: 'on' })).status).toBe(303);
    expect(await mark(old)).toEqual({ supersededAt: null, supersededById: null });
    expect((await readerPage.get(`/documents/${old}`)).text).not.toContain('Документ заменён');
  });

  it('refuses a replacement from another library, a superseded one, and itself, with Russian messages', async () => {
    const old = await newDoc('Регламент 2017');
    const elsewhere = await newDoc('Регламент первичной', t.primA1.id, reader);
    const gone = await newDoc('Регламент 2015');
    expect((await supersede(pubPage, gone, { confirm: 'on' })).status).toBe(303);
    for (const [by, message] of [
      [elsewhere, 'из библиотеки той же организации'],
      [gone, 'сам заменён'],
      [old, 'не заменяет сам себя'],
      [crypto.randomUUID(), 'из библиотеки той же организации'],
    ]) {
      const res = await supersede(pubPage, old, { by, confirm: 'on' });
      expect(res.status).toBe(400);
      expect(res.text).toContain(message);
    }
    expect(await mark(old)).toEqual({ supersededAt: null, supersededById: null });
  });

  it('a viewer of the publisher gets 403; below the publisher and another branch 404; nothing changes', async () => {
    const old = await newDoc('Устав редакции 2010');
    const viewer = await postForm(viewerPage, `/documents/${old}`, `/documents/${old}/supersede`, { confirm: 'on' });
    expect(viewer.status).toBe(403);
    const below = await postForm(readerPage, `/documents/${old}`, `/documents/${old}/supersede`, { confirm: 'on' });
    expect(below.status).toBe(404);
    const outside = await postForm(otherPage, '/library', `/documents/${old}/supersede`, { confirm: 'on' });
    const absent = await postForm(otherPage, '/library', `/documents/${crypto.randomUUID()}/supersede`, {
      confirm: 'on',
    });
    expect(outside.status).toBe(404);
    expect(absent.status).toBe(404);
    expect(await mark(old)).toEqual({ supersededAt: null, supersededById: null });
  });
});

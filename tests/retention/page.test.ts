/**
 * The central administrator's retention page: the period (validated, audited), a confirmed manual run in the job
 * queue, the act as PDF and XLSX naming persons by internal id only. Nobody else reaches it.
 */
import ExcelJS from 'exceljs';
import pdfParse from 'pdf-parse/lib/pdf-parse.js';
import { buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { binary } from '../reports/support';
import { tracedMember, type Traced } from './support';

useDb();

let t: Tree;
let admin: Awaited<ReturnType<typeof loginAs>>;
let gone: Traced;

beforeAll(async () => {
  t = await buildTree();
  admin = await loginAs((await userWith('ADMIN', t.central)).login);
  gone = await tracedMember(t.primA1, { birthDate: '1970-04-04', joinedAt: '2001-01-01', exit: '2019-05-05' });
});

async function waitForAct(): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const act = await db().depersonalisationAct.findFirst({ where: { finishedAt: { not: null } } });
    if (act) return act.id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no act');
}

describe('the retention page', () => {
  it('is in the administrator’s navigation and shows the period and who is due', async () => {
    const res = await admin.get('/retention');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('href="/retention"');
    expect(res.text).toContain('value="3"');
    expect(res.text).toMatch(/не позднее \d\d\.\d\d\.\d{4}: <strong>1<\/strong>/);
  });

  it('refuses a bad period with a Russian message and what was typed, and keeps the old one', async () => {
    const res = await postForm(admin, '/retention', '/retention', { years: 'три' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Укажите срок числом лет');
    expect(res.text).toContain('value="три"');
    const zero = await postForm(admin, '/retention', '/retention', { years: '0' });
    expect(zero.text).toContain('не меньше 1 года');
    expect((await db().retentionSetting.findUniqueOrThrow({ where: { id: 1 } })).yearsAfterExit).toBe(3);
  });

  it('saves a new period with a confirmation and an audit row holding numbers only', async () => {
    const res = await postForm(admin, '/retention', '/retention', { years: '5' });
    expect(res.status).toBe(303);
    const page = await admin.get('/retention');
    expect(page.text).toContain('Срок хранения после выхода: 5 лет. Сохранено.');
    const log = await db().auditLog.findFirstOrThrow({ where: { action: 'retention.settings' } });
    expect(log.details).toEqual({ yearsBefore: 3, yearsAfter: 5 });
  });

  it('does not run without the confirmation', async () => {
    const res = await postForm(admin, '/retention', '/retention/run', {});
    expect(res.status).toBe(400);
    expect(res.text).toContain('обезличивание необратимо');
    expect(await db().depersonalisationAct.count()).toBe(0);
  });

  it('runs when confirmed, and the act downloads as PDF and XLSX with the internal id, the reason and no name', async () => {
    const res = await postForm(admin, '/retention', '/retention/run', { confirm: 'yes' });
    expect(res.status).toBe(303);
    const actId = await waitForAct();
    const page = await admin.get('/retention');
    expect(page.text).toContain('Обезличивание запущено');
    expect(page.text).toContain(`/retention/acts/${actId}/act.pdf`);

    const pdf = await admin.get(`/retention/acts/${actId}/act.pdf`).buffer(true).parse(binary);
    expect(pdf.status).toBe(200);
    const text = (await pdfParse(pdf.body as Buffer)).text.replace(/\s+/g, ' ');
    expect(text).toContain('об обезличивании персональных данных');
    expect(text).toContain('Выгрузка из журнала регистрации событий');
    expect(text).toContain(gone.personId);
    expect(text).toContain('Истёк срок хранения');
    expect(text).not.toContain(gone.needles[0]);

    const xlsx = await admin.get(`/retention/acts/${actId}/act.xlsx`).buffer(true).parse(binary);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    const cells = wb.worksheets[0].getSheetValues().flat().map(String).join(' ');
    expect(cells).toContain(gone.personId);
    expect(cells).toContain('05.05.2019');
    expect(cells).not.toContain(gone.needles[0]);
    expect(await db().auditLog.count({ where: { action: 'retention.act.exported', entityId: actId } })).toBe(2);
  });

  it('is not there for a chair of a region (404) nor for a chair at the centre (403)', async () => {
    const chair = await loginAs((await userWith('CHAIR', t.regionA)).login);
    expect((await chair.get('/retention')).status).toBe(404);
    expect((await chair.get('/retention')).text).not.toContain('Хранение данных');
    const centralChair = await loginAs((await userWith('CHAIR', t.central)).login);
    expect((await centralChair.get('/retention')).status).toBe(403);
    const act = await db().depersonalisationAct.findFirstOrThrow();
    expect((await centralChair.get(`/retention/acts/${act.id}/act.pdf`)).status).toBe(403);
    expect((await centralChair.post('/retention/run').type('form').send({ confirm: 'yes' })).status).toBe(403);
  });
});

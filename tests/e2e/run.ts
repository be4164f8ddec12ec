/**
 * End-to-end tests in a real browser (`npm run test:e2e`).
 *
 * Starts the app the way `npm start` does (`node --import tsx src/server.ts`) with its own fresh data directory, so it gets
 * its own embedded PostgreSQL with the demo union, then drives Debian's Chromium through playwright-core:
 *   1. demo-primary: login form, non-disclosure obligation, member list, surname-prefix search, adding a member,
 *      the duplicate warning for the same person typed in another case, 360 px layout, Enter submits the form.
 *   2. demo-territorial (a separate browser profile): finds the new member of a primary organisation in its subtree.
 *   3. demo-viewer: sees the region's dashboard, has no «Добавить члена Профсоюза», GET of the add form is 403.
 * Full-page screenshots of every visited page go to test-results/e2e/NN-name.png.
 * The last output line is exactly `N passed, M failed`; the exit code is 0 only when nothing failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Response } from 'playwright-core';
import { accessibilityScenario, enterDemoCode, logoutBackScenario } from './a11y';
import { informingScenario } from './informing';

const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PASSWORD = 'Reestr-demo-2026';
const READY = 'Единый реестр работает';
const START_TIMEOUT_MS = Number(process.env.E2E_START_TIMEOUT_MS) || 120_000;
const STOP_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 30_000;
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 780 };

// ---------------------------------------------------------------------------------------------------------------
// Results

interface Result {
  name: string;
  ok: boolean;
  message?: string;
}
const results: Result[] = [];

class StepFailed extends Error {}

function record(name: string, ok: boolean, message?: string): void {
  results.push({ name, ok, message });
  console.log(ok ? `  ✔ ${name}` : `  ✘ ${name}\n      ${message}`);
}

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

/** A check the rest of the scenario depends on: a failure ends the scenario. */
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    const v = await fn();
    record(name, true);
    return v;
  } catch (e) {
    record(name, false, errorText(e));
    throw new StepFailed(name);
  }
}

/** A check the scenario can go on after (layout, extra assertions). */
async function check(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    record(name, true);
  } catch (e) {
    record(name, false, errorText(e));
  }
}

function errorText(e: unknown): string {
  // eslint-disable-next-line no-control-regex
  const m = (e instanceof Error ? e.message : String(e)).replace(/\u001b\[[0-9;]*m/g, '');
  // Playwright's messages carry a long call log: the first lines say what went wrong.
  return m.split('\n').slice(0, 4).join('\n      ');
}

async function scenario(title: string, fn: () => Promise<void>): Promise<void> {
  console.log(`\n${title}`);
  try {
    await fn();
  } catch (e) {
    if (e instanceof StepFailed) console.log(`  … сценарий прерван после неудачной проверки «${e.message}»`);
    else record(`${title}: непредвиденная ошибка`, false, errorText(e));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The app under test

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

interface AppProcess {
  base: string;
  child: ChildProcess;
  log: string[];
  exited: Promise<number | null>;
}

async function startApp(dataDir: string): Promise<AppProcess> {
  const port = await freePort();
  let pgPort = await freePort();
  while (pgPort === port) pgPort = await freePort();
  const log: string[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
  };
  delete env.DATABASE_URL; // the embedded demo database, never someone's real server
  delete env.NODE_ENV;
  // Own process group: at the end the whole tree (node → postgres) can be stopped, and only it. The app runs as
  // `npm start` runs it, in one node process with tsx as a loader: the `tsx` launcher would sit between the signal
  // and the app and SIGKILL it when it does not answer the relayed signal within 30 ms (a busy machine).
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      out += text;
      for (const line of text.split('\n')) if (line.trim()) log.push(line);
      if (out.includes(READY)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => reject(new Error(`не удалось запустить node --import tsx src/server.ts: ${e.message}`)));
    void exited.then((code) => reject(new Error(`приложение завершилось (код ${code}) до строки «${READY}»`)));
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`нет строки «${READY}» за ${START_TIMEOUT_MS / 1000} с`)),
      START_TIMEOUT_MS,
    );
  });
  const app = { base: `http://127.0.0.1:${port}`, child, log, exited };
  try {
    await Promise.race([ready, timeout]);
  } catch (e) {
    await stopApp(app);
    fs.writeFileSync(path.join(SHOTS, 'server.log'), log.join('\n') + '\n');
    const tail = log.slice(-15).join('\n        ');
    throw new Error(
      `${e instanceof Error ? e.message : String(e)}; последние строки вывода приложения:\n        ${tail || '(пусто)'}`,
      { cause: e },
    );
  } finally {
    clearTimeout(timer);
  }
  return app;
}

/**
 * The app's own node process(es) in its process group. Only they get the SIGTERM: a SIGTERM to the whole group
 * would also reach the embedded PostgreSQL, which is the app's to stop.
 */
function appProcesses(group: number): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp !== group) continue;
      const argv = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
      if (/(^|\/)node$/.test(argv[0]) && argv.includes('src/server.ts')) found.push(Number(e));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return cond();
}

/**
 * SIGTERM to the app (it stops its web server and its PostgreSQL itself); the group gets SIGTERM and then
 * SIGKILL only if something is left. Returns whether the app's own SIGTERM handling stopped everything.
 */
async function stopApp(app: AppProcess): Promise<boolean> {
  const pid = app.child.pid;
  if (!pid) return true;
  if (app.child.exitCode === null && app.child.signalCode === null) {
    const targets = appProcesses(pid);
    for (const t of targets.length ? targets : [pid]) {
      try {
        process.kill(t, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    await Promise.race([app.exited, new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS))]);
  }
  // Wait for the embedded PostgreSQL to go too, so the data directory can be removed.
  if (!(await waitFor(() => !groupAlive(pid), STOP_TIMEOUT_MS))) {
    console.log('  процессы приложения остались после SIGTERM: SIGTERM, затем SIGKILL их группе');
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    if (await waitFor(() => !groupAlive(pid), 10_000)) return false;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    await waitFor(() => !groupAlive(pid), 5_000);
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Browser helpers

let shotNo = 0;
const visited: string[] = [];

async function shot(page: Page, name: string): Promise<void> {
  const file = `${String(++shotNo).padStart(2, '0')}-${name}.png`;
  try {
    await page.screenshot({ path: path.join(SHOTS, file), fullPage: true });
    visited.push(`${file}  ${new URL(page.url()).pathname}${new URL(page.url()).search}`);
  } catch (e) {
    console.log(`  (снимок ${file} не сохранён: ${errorText(e)})`);
  }
}

interface Session {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A browser with its own fresh profile directory (a new, empty browser context: no cookies, no cache). */
async function openBrowser(): Promise<Session> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'reestr-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: DESKTOP,
    locale: 'ru-RU',
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

const pathOf = (page: Page) => new URL(page.url()).pathname;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Ё = Е, case-insensitive: the app's own rule for names. */
const nameKey = (s: string) => s.trim().toLocaleUpperCase('ru-RU').replace(/Ё/g, 'Е');

/**
 * A form field by its visible label. Required fields' labels end with a «*» (aria-hidden), which the
 * label text still contains, so the label is matched as «Text» or «Text *».
 */
function field(page: Page, label: string) {
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByLabel(new RegExp(`^\\s*${esc}\\s*\\*?\\s*$`));
}

async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth');
}

async function login(page: Page, base: string, who: string): Promise<void> {
  await page.goto(`${base}/login`);
  await field(page, 'Логин').waitFor();
  await shot(page, `login-${who}`);
  await field(page, 'Логин').fill(who);
  await field(page, 'Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL((u) => u.pathname !== '/login');
  await page.waitForLoadState('load');
  await enterDemoCode(page);
  const alert = await page.getByRole('alert').allTextContents();
  assert(pathOf(page) !== '/login', `вход ${who} не удался: ${alert.join(' ') || 'осталась страница входа'}`);
}

/** Ticks the obligation and presses «Продолжить»; expects to be on /nda. */
async function acceptNda(page: Page, who: string): Promise<void> {
  assert(
    pathOf(page) === '/nda',
    `ожидалось перенаправление на /nda (обязательство о неразглашении), а открыта ${page.url()}`,
  );
  await page.getByRole('heading', { name: /Обязательство о неразглашении/ }).waitFor();
  await shot(page, `nda-${who}`);
  await page.getByLabel('Принимаю обязательство о неразглашении').check();
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.waitForURL((u) => u.pathname !== '/nda');
  await page.waitForLoadState('load');
}

/** Opens «Члены Профсоюза» from the main menu, accepting the obligation if the app asks for it. */
async function openMembers(page: Page, who: string, expectNda: boolean): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Главное меню' })
    .getByRole('link', { name: 'Члены Профсоюза', exact: true })
    .click();
  await page.waitForURL((u) => u.pathname === '/members' || u.pathname === '/nda');
  await page.waitForLoadState('load');
  if (expectNda || pathOf(page) === '/nda') await acceptNda(page, who);
  assert(pathOf(page) === '/members', `после обязательства ожидался список /members, а открыта ${page.url()}`);
  await page.getByRole('heading', { level: 1, name: 'Члены Профсоюза' }).waitFor();
}

async function search(page: Page, q: string): Promise<void> {
  await field(page, 'Фамилия (начало) или номер билета').fill(q);
  await page.getByRole('button', { name: 'Найти' }).click();
  await page.waitForURL((u) => u.pathname === '/members' && u.searchParams.get('q') === q);
  await page.waitForLoadState('load');
}

interface Row {
  name: string;
  href: string;
}

async function resultRows(page: Page): Promise<Row[]> {
  const links = page.locator('table tbody tr td[data-label="ФИО"] a');
  const n = await links.count();
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const a = links.nth(i);
    rows.push({ name: ((await a.textContent()) ?? '').trim(), href: (await a.getAttribute('href')) ?? '' });
  }
  return rows;
}

function randomCyrillic(n: number): string {
  const letters = 'абвгдежзиклмнопрстуфхцчшэюя';
  let s = '';
  for (let i = 0; i < n; i++) s += letters[Math.floor(Math.random() * letters.length)];
  return s;
}

/** A mixed-case rewrite of a name: «Петров» → «пЕтРоВ». */
function otherCase(s: string): string {
  return [...s].map((c, i) => (i % 2 ? c.toLocaleUpperCase('ru-RU') : c.toLocaleLowerCase('ru-RU'))).join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios

interface Shared {
  primaryOrgId?: string;
  member?: { lastName: string; fullName: string; id: string };
}
const shared: Shared = {};

async function primaryScenario(base: string): Promise<void> {
  const s = await openBrowser();
  const { page } = s;
  try {
    await step('demo-primary входит через форму входа', async () => {
      await login(page, base, 'demo-primary');
      const m = new RegExp(`^/orgs/(${UUID})$`).exec(pathOf(page));
      assert(m, `после входа ожидалась страница своей первичной организации /orgs/<id>, а открыта ${page.url()}`);
      shared.primaryOrgId = m[1];
      await shot(page, 'primary-dashboard');
    });

    await step(
      '«Члены Профсоюза» требует обязательство о неразглашении, после его принятия открывается список',
      async () => {
        await openMembers(page, 'primary', true);
        await shot(page, 'primary-members');
      },
    );

    const first = await step('в списке членов есть хотя бы одна строка', async () => {
      const rows = await resultRows(page);
      assert(rows.length > 0, 'список членов первичной организации пуст: в демо-данных ожидались члены');
      return rows[0];
    });

    await step('поиск по первым 3 буквам фамилии строчными находит этого члена', async () => {
      const surname = first.name.split(' ')[0];
      const prefix = surname.slice(0, 3).toLocaleLowerCase('ru-RU');
      await search(page, prefix);
      await shot(page, 'primary-search-prefix');
      const rows = await resultRows(page);
      assert(
        rows.some((r) => r.href === first.href),
        `поиск «${prefix}» не нашёл «${first.name}» (${first.href}); найдено: ${
          rows
            .slice(0, 5)
            .map((r) => r.name)
            .join(', ') || 'никого'
        }`,
      );
      const wrong = rows.filter((r) => !nameKey(r.name).startsWith(nameKey(prefix)));
      assert(
        wrong.length === 0,
        `поиск «${prefix}» вернул фамилии с другим началом: ${wrong
          .slice(0, 5)
          .map((r) => r.name)
          .join(', ')}`,
      );
    });

    await check('список членов без горизонтальной прокрутки при ширине 360 px', async () => {
      await page.setViewportSize(PHONE);
      await shot(page, 'primary-members-360');
      const w = await scrollWidth(page);
      await page.setViewportSize(DESKTOP);
      assert(w <= PHONE.width, `список членов шире экрана телефона: scrollWidth ${w} px > ${PHONE.width} px`);
    });

    const addUrl = await step('«Добавить члена Профсоюза» открывает форму постановки на учёт', async () => {
      await page.getByRole('link', { name: 'Добавить члена Профсоюза' }).click();
      await page.waitForURL((u) => new RegExp(`^/orgs/${UUID}/members/new$`).test(u.pathname));
      await page.getByRole('heading', { level: 1, name: 'Новый член Профсоюза' }).waitFor();
      assert(
        pathOf(page) === `/orgs/${shared.primaryOrgId}/members/new`,
        `форма открылась не для своей первичной организации: ${page.url()}`,
      );
      await shot(page, 'primary-member-new');
      return page.url();
    });

    const person = {
      lastName: `Сквознов${randomCyrillic(5)}`,
      firstName: 'Тестислав',
      middleName: `Браузерович`,
      birthDate: '1987-03-14',
      joinedAt: '2012-09-01',
    };
    const fullName = `${person.lastName} ${person.firstName} ${person.middleName}`;

    await step(`новый член «${fullName}» ставится на учёт, открывается его карточка`, async () => {
      await field(page, 'Фамилия').fill(person.lastName);
      await field(page, 'Имя').fill(person.firstName);
      await field(page, 'Отчество').fill(person.middleName);
      await field(page, 'Дата рождения').fill(person.birthDate);
      await field(page, 'Категория').selectOption({ label: 'Работающий' });
      await field(page, 'Дата вступления в Профсоюз').fill(person.joinedAt);
      await page.getByLabel(/На обработку персональных данных/).check();
      await shot(page, 'primary-member-new-filled');
      await page.getByRole('button', { name: 'Поставить на учёт' }).click();
      await page.waitForURL(
        (u) => new RegExp(`^/members/${UUID}$`).test(u.pathname) || u.pathname.endsWith('/members/new'),
      );
      await page.waitForLoadState('load');
      if (!new RegExp(`^/members/${UUID}$`).test(pathOf(page))) {
        const errs = await page.locator('.field-error, .error-box, [role=alert]').allTextContents();
        throw new Error(
          `после отправки формы нет карточки члена, открыта ${page.url()}; ошибки формы: ${errs.join(' | ') || 'нет'}`,
        );
      }
      const h1 = ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
      assert(h1 === fullName, `в карточке заголовок «${h1}», ожидалось «${fullName}»`);
      await shot(page, 'primary-member-card');
      shared.member = { lastName: person.lastName, fullName, id: pathOf(page).split('/')[2] };
    });

    await check('карточка показывает сообщение о постановке на учёт и введённые даты', async () => {
      const flash = ((await page.getByRole('status').first().textContent()) ?? '').trim();
      assert(flash.includes('поставлен(а) на учёт'), `нет сообщения «… поставлен(а) на учёт», есть: «${flash}»`);
      const card = (await page.locator('dl.kv').textContent()) ?? '';
      assert(
        card.includes('14.03.1987'),
        `в карточке нет даты рождения 14.03.1987: «${card.replace(/\s+/g, ' ').slice(0, 200)}»`,
      );
      assert(
        card.includes('01.09.2012'),
        `в карточке нет даты вступления 01.09.2012: «${card.replace(/\s+/g, ' ').slice(0, 200)}»`,
      );
    });

    await page.setViewportSize(PHONE);
    await step('форма добавления открывается на экране 360 px', async () => {
      await page.goto(addUrl);
      await page.getByRole('heading', { level: 1, name: 'Новый член Профсоюза' }).waitFor();
      await shot(page, 'primary-member-new-360');
    });

    await check('форма добавления без горизонтальной прокрутки при ширине 360 px', async () => {
      const w = await scrollWidth(page);
      assert(w <= PHONE.width, `форма добавления шире экрана телефона: scrollWidth ${w} px > ${PHONE.width} px`);
    });

    const again = {
      lastName: person.lastName.toLocaleUpperCase('ru-RU'),
      firstName: person.firstName.toLocaleLowerCase('ru-RU'),
      middleName: otherCase(person.middleName),
    };
    let postStatus = 0;
    await step('форма отправляется с клавиатуры (Enter в поле «Отчество»)', async () => {
      await field(page, 'Фамилия').fill(again.lastName);
      await field(page, 'Имя').fill(again.firstName);
      await field(page, 'Отчество').fill(again.middleName);
      await field(page, 'Дата рождения').fill(person.birthDate);
      await field(page, 'Категория').selectOption({ label: 'Работающий' });
      await page.getByLabel(/На обработку персональных данных/).check();
      const posted = page.waitForResponse(
        (r: Response) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/members/new'),
      );
      await field(page, 'Отчество').focus();
      await page.keyboard.press('Enter');
      postStatus = (await posted).status();
      await page.waitForLoadState('load');
    });

    await step(
      `тот же человек, набранный в другом регистре («${again.lastName} ${again.firstName} ${again.middleName}»), даёт предупреждение о дубликате`,
      async () => {
        await page.locator('#duplicate').waitFor({ state: 'visible' });
        await shot(page, 'primary-member-duplicate-360');
        const text = ((await page.locator('#duplicate').textContent()) ?? '').replace(/\s+/g, ' ').trim();
        assert(text.length > 0, 'блок #duplicate пуст');
        assert(postStatus === 409, `ответ на повторную постановку: HTTP ${postStatus}, ожидался 409`);
      },
    );

    await check('страница с предупреждением о дубликате без горизонтальной прокрутки при ширине 360 px', async () => {
      const w = await scrollWidth(page);
      assert(
        w <= PHONE.width,
        `страница с предупреждением шире экрана телефона: scrollWidth ${w} px > ${PHONE.width} px`,
      );
    });

    await check(
      'предупреждение о дубликате не предлагает перевести человека в организацию, где он уже состоит',
      async () => {
        const offer = page.locator('#duplicate').getByRole('button', { name: /^Перевести в/ });
        if ((await offer.count()) === 0) return;
        const label = ((await offer.textContent()) ?? '').replace(/\s+/g, ' ').trim();
        const posted = page.waitForResponse(
          (r: Response) =>
            r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/members/transfer-in'),
        );
        await offer.click();
        const status = (await posted).status();
        await page.waitForLoadState('load');
        await shot(page, 'primary-duplicate-transfer-same-org-360');
        const shown = (await page.locator('.error-box, .field-error').allTextContents())
          .map((t) => t.replace(/\s+/g, ' ').trim())
          .join(' | ');
        throw new Error(
          `человек уже состоит на учёте в этой же организации, а предупреждение предлагает «${label}»; нажатие: HTTP ${status}${shown ? `, «${shown}»` : ''}`,
        );
      },
    );

    await page.setViewportSize(DESKTOP);
    await check('после попытки дубликата в списке ровно один такой член', async () => {
      await page.goto(`${base}/members`);
      await search(page, person.lastName);
      await shot(page, 'primary-search-new-member');
      const rows = await resultRows(page);
      const same = rows.filter((r) => nameKey(r.name) === nameKey(fullName));
      assert(
        same.length === 1,
        `по фамилии «${person.lastName}» найдено ${same.length} записей «${fullName}», ожидалась одна`,
      );
    });
  } finally {
    await s.close();
  }
}

async function territorialScenario(base: string): Promise<void> {
  const s = await openBrowser();
  const { page } = s;
  try {
    await step('demo-territorial входит через форму входа (новый профиль браузера)', async () => {
      await login(page, base, 'demo-territorial');
      await shot(page, 'territorial-dashboard');
    });
    await step('demo-territorial принимает обязательство и открывает «Члены Профсоюза»', async () => {
      await openMembers(page, 'territorial', true);
      await shot(page, 'territorial-members');
    });
    await step('территориальная организация находит нового члена первичной организации своего поддерева', async () => {
      assert(shared.member, 'нового члена нет: сценарий demo-primary не дошёл до постановки на учёт');
      const m = shared.member;
      await search(page, m.lastName.toLocaleLowerCase('ru-RU'));
      await shot(page, 'territorial-search-new-member');
      const rows = await resultRows(page);
      assert(
        rows.some((r) => r.href === `/members/${m.id}` && r.name === m.fullName),
        `поиск «${m.lastName.toLocaleLowerCase('ru-RU')}» у demo-territorial не нашёл «${m.fullName}»; найдено: ${rows.map((r) => r.name).join(', ') || 'никого'}`,
      );
    });
    await check('demo-territorial открывает карточку нового члена', async () => {
      const m = shared.member!;
      await page.getByRole('link', { name: m.fullName, exact: true }).click();
      await page.waitForURL((u) => u.pathname === `/members/${m.id}`);
      const h1 = ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
      assert(h1 === m.fullName, `в карточке заголовок «${h1}», ожидалось «${m.fullName}»`);
      await shot(page, 'territorial-member-card');
    });
  } finally {
    await s.close();
  }
}

/** A chair reads an announcement on a phone: important unread first, the count in the navigation goes down. */
async function announcementScenario(base: string): Promise<void> {
  const s = await openBrowser();
  const { page } = s;
  const unreadInNav = async () => {
    const badge = page.locator('nav.nav a[href="/announcements"] .badge');
    return (await badge.count()) ? Number(((await badge.textContent()) ?? '0').trim()) : 0;
  };
  try {
    await step('demo-primary входит (новый профиль браузера), экран 360 px', async () => {
      await page.setViewportSize(PHONE);
      await login(page, base, 'demo-primary');
    });
    const before = await step('в навигации — число непрочитанных объявлений', async () => {
      await page.goto(`${base}/announcements`);
      const n = await unreadInNav();
      assert(n >= 1, `в навигации нет числа непрочитанных (ожидалось хотя бы 1 по демо-данным)`);
      await shot(page, 'announcements-360');
      return n;
    });
    const title = await step('важное непрочитанное объявление — первым в списке', async () => {
      const first = page.locator('ul.announcements li').first();
      const text = (await first.textContent()) ?? '';
      assert(text.includes('Важное') && text.includes('Новое'), `первое объявление не «Важное, Новое»: ${text.trim()}`);
      return ((await first.locator('a').first().textContent()) ?? '').trim();
    });
    await check('список объявлений без горизонтальной прокрутки при ширине 360 px', async () => {
      const w = await scrollWidth(page);
      assert(w <= PHONE.width, `ширина страницы ${w} px`);
    });
    await step(`председатель открывает «${title}» и читает его`, async () => {
      await page.getByRole('link', { name: title, exact: true }).first().click();
      await page.waitForURL((u) => new RegExp(`^/announcements/${UUID}$`).test(u.pathname));
      const h1 = ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
      assert(h1 === title, `заголовок «${h1}», ожидалось «${title}»`);
      await shot(page, 'announcement-read-360');
      const w = await scrollWidth(page);
      assert(w <= PHONE.width, `страница объявления шире экрана: ${w} px`);
    });
    await check('после прочтения непрочитанных на одно меньше, объявление без отметки «Новое»', async () => {
      await page.goto(`${base}/announcements`);
      const after = await unreadInNav();
      assert(after === before - 1, `непрочитанных было ${before}, стало ${after}`);
      const item = page.locator('ul.announcements li', { hasText: title }).first();
      const text = (await item.textContent()) ?? '';
      assert(!text.includes('Новое'), `прочитанное объявление всё ещё «Новое»`);
    });
  } finally {
    await s.close();
  }
}

/** Check-in at a meeting through a lost connection: queued in the browser, sent when it returns, never twice. */
async function checkinScenario(base: string): Promise<void> {
  const s = await openBrowser();
  const { page, context } = s;
  try {
    await step('demo-primary входит и выпускает новому члену виртуальный билет', async () => {
      assert(shared.member, 'нового члена нет: сценарий demo-primary не дошёл до постановки на учёт');
      await login(page, base, 'demo-primary');
      await page.goto(`${base}/members/${shared.member.id}`);
      if (pathOf(page) === '/nda') await acceptNda(page, 'checkin');
      await page.getByRole('button', { name: 'Выпустить виртуальный билет' }).click();
      await page.waitForLoadState('load');
      await shot(page, 'checkin-virtual-card-issued');
    });
    let cardNumber = '';
    await step('номер виртуального билета виден в карточке и на странице билета с QR-кодом', async () => {
      const text = (await page.locator('#cards ~ .card').first().textContent()) ?? '';
      const m = /№\s*([\d ]{16,19})/.exec(text);
      assert(m, `в карточке нет номера билета: «${text.trim().slice(0, 120)}»`);
      cardNumber = m[1].replace(/\s/g, '');
      await page.getByRole('link', { name: 'Показать билет с QR-кодом' }).click();
      await page.waitForLoadState('load');
      assert((await page.locator('img[alt^="QR-код"]').count()) === 1, 'на странице виртуального билета нет QR-кода');
      await shot(page, 'checkin-virtual-card');
    });
    await step('председатель создаёт заседание профкома', async () => {
      await page.goto(`${base}/`);
      await page.getByRole('link', { name: 'Мероприятия' }).click();
      await field(page, 'Название').fill('Заседание профкома (e2e)');
      await page.getByRole('button', { name: 'Создать' }).click();
      await page.waitForURL((u) => /^\/events\//.test(u.pathname));
      await shot(page, 'checkin-event');
    });
    await step('без связи отметка встаёт в очередь браузера', async () => {
      await context.setOffline(true);
      await field(page, 'Номер билета или QR-код').fill(cardNumber);
      await page.getByRole('button', { name: 'Отметить' }).click();
      await page.locator('#queue-status', { hasText: 'Нет связи' }).waitFor();
      await shot(page, 'checkin-offline-queued');
    });
    await step('когда связь возвращается, отметка уходит на сервер', async () => {
      await context.setOffline(false);
      await page.locator('#queue-status', { hasText: 'Отмечен' }).waitFor();
      await page.reload();
      const n = ((await page.locator('#stat-checked').textContent()) ?? '').trim();
      assert(n === '1', `после восстановления связи отмечено ${n}, ожидалась 1 отметка`);
      await shot(page, 'checkin-online-sent');
    });
    await check('тот же билет второй раз — «уже отмечен», без второй регистрации', async () => {
      await field(page, 'Номер билета или QR-код').fill(cardNumber);
      await page.getByRole('button', { name: 'Отметить' }).click();
      await page.locator('#queue-status', { hasText: 'Уже отмечен' }).waitFor();
      await page.reload();
      const n = ((await page.locator('#stat-checked').textContent()) ?? '').trim();
      assert(n === '1', `после повторной отметки отмечено ${n}, ожидалась 1`);
    });
    await check('неизвестный номер отклоняется с понятным сообщением', async () => {
      await field(page, 'Номер билета или QR-код').fill('9600000000000000');
      await page.getByRole('button', { name: 'Отметить' }).click();
      await page.locator('#queue-status', { hasText: 'не участник' }).waitFor();
      await shot(page, 'checkin-unknown');
    });
  } finally {
    await context.setOffline(false).catch(() => undefined);
    await s.close();
  }
}

async function viewerScenario(base: string): Promise<void> {
  const s = await openBrowser();
  const { page } = s;
  try {
    await step('demo-viewer входит и видит сводку своей региональной организации', async () => {
      await login(page, base, 'demo-viewer');
      assert(
        new RegExp(`^/orgs/${UUID}$`).test(pathOf(page)),
        `после входа ожидалась страница организации /orgs/<id>, а открыта ${page.url()}`,
      );
      await page.getByText('Региональная организация', { exact: true }).waitFor();
      await page.getByRole('heading', { level: 2, name: /^Члены Профсоюза на / }).waitFor();
      const total = ((await page.locator('.stat').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
      assert(/всего/.test(total) && /\d/.test(total), `в сводке нет числа членов «всего»: «${total}»`);
      await shot(page, 'viewer-dashboard');
    });
    await check('на сводке у demo-viewer нет кнопки «Добавить члена Профсоюза»', async () => {
      const n = await page.getByRole('link', { name: 'Добавить члена Профсоюза' }).count();
      assert(n === 0, `у наблюдателя на сводке есть «Добавить члена Профсоюза» (${n})`);
    });
    await check(
      'в списке членов первичной организации у demo-viewer нет кнопки «Добавить члена Профсоюза»',
      async () => {
        assert(shared.primaryOrgId, 'id первичной организации неизвестен: сценарий demo-primary не дошёл до входа');
        await page.goto(`${base}/members?org=${shared.primaryOrgId}`);
        if (pathOf(page) === '/nda') await acceptNda(page, 'viewer');
        if (pathOf(page) !== '/members') await page.goto(`${base}/members?org=${shared.primaryOrgId}`);
        await page.getByRole('heading', { level: 1, name: 'Члены Профсоюза' }).waitFor();
        await shot(page, 'viewer-primary-members');
        const n = await page.getByRole('link', { name: 'Добавить члена Профсоюза' }).count();
        assert(n === 0, `у наблюдателя в списке членов первичной организации есть «Добавить члена Профсоюза» (${n})`);
      },
    );
    await check('прямой GET /orgs/<id первичной>/members/new у demo-viewer отвечает 403', async () => {
      assert(shared.primaryOrgId, 'id первичной организации неизвестен: сценарий demo-primary не дошёл до входа');
      const resp = await page.goto(`${base}/orgs/${shared.primaryOrgId}/members/new`);
      await shot(page, 'viewer-member-new-forbidden');
      const status = resp?.status();
      assert(status === 403, `GET /orgs/${shared.primaryOrgId}/members/new ответил ${status}, ожидался 403`);
      const form = await page.getByRole('button', { name: 'Поставить на учёт' }).count();
      assert(form === 0, 'на странице с отказом показана форма постановки на учёт');
    });
  } finally {
    await s.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * A member signs in with the code the central administrator reads in the outbox (the demo has no mail server),
 * opens the virtual card once online, goes offline and opens the card again from the service worker.
 */
async function memberScenario(base: string): Promise<void> {
  const CONTACT = 'member@demo.reestr.ru';
  const member = await openBrowser();
  const admin = await openBrowser();
  try {
    const page = member.page;
    await page.setViewportSize(PHONE);
    await step('член Профсоюза запрашивает код на /me/login', async () => {
      await page.goto(`${base}/me/login`);
      await shot(page, 'member-login');
      await page.getByLabel('Электронная почта или мобильный телефон').fill(CONTACT);
      await page.getByRole('button', { name: 'Прислать код' }).click();
      await page.waitForURL((u) => u.pathname === '/me/login/code');
    });
    const code = await step('администратор ЦС видит код в /outbox', async () => {
      const p = admin.page;
      await login(p, base, 'demo-central');
      if (pathOf(p) === '/nda') await acceptNda(p, 'demo-central');
      for (let i = 0; i < 20; i++) {
        await p.goto(`${base}/outbox`);
        if (pathOf(p) === '/nda') await acceptNda(p, 'demo-central');
        const row = p.locator('tr', { hasText: CONTACT }).first();
        if ((await row.count()) > 0) {
          const m = /(\d{6})/.exec(await row.innerText());
          if (m) {
            await shot(p, 'outbox');
            return m[1];
          }
        }
        await p.waitForTimeout(250);
      }
      throw new Error(`в /outbox нет письма для ${CONTACT}`);
    });
    await step('код впускает в личный кабинет', async () => {
      await page.getByLabel('Код из сообщения').fill(code);
      await page.getByRole('button', { name: 'Войти' }).click();
      await page.waitForURL((u) => u.pathname === '/me');
      await page.getByText('Вы вошли в личный кабинет').waitFor();
      await shot(page, 'member-home');
    });
    await step('билет открывается с QR-кодом, service worker сохраняет его', async () => {
      await page.goto(`${base}/me/card`);
      await page.getByAltText(/QR-код билета/).waitFor();
      for (let i = 0; i < 40; i++) {
        const kept = await page.evaluate<boolean>(
          `caches.open('me-card-v1').then(function (c) { return c.match('/me/card'); }).then(function (r) { return !!r; })`,
        );
        if (kept) break;
        assert(i < 39, 'билет не сохранён в кэше service worker');
        await page.waitForTimeout(250);
      }
      await shot(page, 'member-card');
    });
    await step('без связи билет открывается снова (из service worker)', async () => {
      await member.context.setOffline(true);
      try {
        await page.goto(`${base}/me/card`);
        await page.getByAltText(/QR-код билета/).waitFor();
        await page.getByText('Соловьёва Мария Андреевна').waitFor();
        await shot(page, 'member-card-offline');
      } finally {
        await member.context.setOffline(false);
      }
    });
    await check('без связи другие личные страницы не открываются (кэшируется только билет)', async () => {
      await member.context.setOffline(true);
      try {
        const ok = await page
          .goto(`${base}/me/data`)
          .then(() => page.getByRole('heading', { name: 'Мои данные' }).isVisible())
          .catch(() => false);
        assert(!ok, '«Мои данные» открылись без связи');
      } finally {
        await member.context.setOffline(false);
      }
    });
  } finally {
    await member.close();
    await admin.close();
  }
}

async function main(): Promise<number> {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const f of fs.readdirSync(SHOTS)) if (f.endsWith('.png')) fs.rmSync(path.join(SHOTS, f));

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reestr-e2e-data-'));
  fs.chmodSync(dataDir, 0o755); // the embedded PostgreSQL runs as its own user
  let app: AppProcess | undefined;
  let appLog: string[] | undefined;
  /** Stops the app (if it was started), keeps its output in server.log, removes its data; says how it stopped. */
  const cleanUp = async (): Promise<{ ok: boolean; detail: string } | undefined> => {
    let stopped: { ok: boolean; detail: string } | undefined;
    if (app) {
      const a = app;
      app = undefined;
      const bySigterm = await stopApp(a);
      const code = a.child.exitCode;
      const said = a.log.some((l) => l.includes('Остановлено'));
      const crashAt = a.log.findIndex((l) => /Unhandled|Не удалось|^\S*Error\b/.test(l));
      const problems = [
        !bySigterm && 'процессы приложения пришлось завершать принудительно',
        !said && 'нет строки «Остановлено»',
        crashAt >= 0 &&
          `ошибка при остановке: ${a.log
            .slice(crashAt, crashAt + 4)
            .map((l) => l.trim())
            .filter((l) => l && l !== '^')
            .join(' / ')}`,
        code !== 0 && `код выхода ${code}`,
      ].filter(Boolean);
      stopped = { ok: problems.length === 0, detail: problems.join('; ') };
      appLog = a.log;
      fs.writeFileSync(path.join(SHOTS, 'server.log'), a.log.join('\n') + '\n');
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    return stopped;
  };
  const onSignal = (sig: NodeJS.Signals) => {
    console.log(`\n${sig}: остановка приложения…`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const t0 = Date.now();
  try {
    console.log(`Запуск приложения (node --import tsx src/server.ts, DATA_DIR=${dataDir})…`);
    try {
      if (!fs.existsSync(CHROMIUM)) throw new Error(`нет ${CHROMIUM}: установите apt-get install -y chromium`);
      app = await startApp(dataDir);
      record(`приложение запустилось и напечатало «${READY}» (${((Date.now() - t0) / 1000).toFixed(1)} с)`, true);
    } catch (e) {
      record('приложение запускается', false, e instanceof Error ? e.message : String(e));
      return 1;
    }
    console.log(`Приложение: ${app.base}`);

    await scenario('Сценарий 1: председатель первичной организации (demo-primary)', () => primaryScenario(app!.base));
    await scenario('Сценарий 2: председатель территориальной организации (demo-territorial)', () =>
      territorialScenario(app!.base),
    );
    await scenario('Сценарий 3: наблюдатель региональной организации (demo-viewer)', () => viewerScenario(app!.base));
    await scenario('Сценарий 4: регистрация на заседании без связи (demo-primary)', () => checkinScenario(app!.base));
    const a11y = { chromiumPath: CHROMIUM, chromiumArgs: CHROMIUM_ARGS, password: PASSWORD, step, check };
    await scenario('Сценарий 5: доступность (axe-core) главных страниц каждой демо-роли', () =>
      accessibilityScenario(app!.base, a11y),
    );
    await scenario('Сценарий 6: выход и «Назад» (demo-primary)', () => logoutBackScenario(app!.base, a11y));
    await scenario('Сценарий 7: председатель читает объявление на телефоне (demo-primary)', () =>
      announcementScenario(app!.base),
    );
    await scenario('Сценарий 8: член Профсоюза входит по коду и открывает билет без связи', () =>
      memberScenario(app!.base),
    );
    await scenario('Сценарий 9: председатель на телефоне скачивает документ и отвечает на опрос (demo-primary)', () =>
      informingScenario(app!.base, { openBrowser, login, shot, step, check }),
    );
  } finally {
    const stopped = await cleanUp();
    if (appLog) {
      // The app reports a response sent without a policy check as «SECURITY: …» (a programming error).
      const security = [...new Set(appLog.filter((l) => l.includes('SECURITY')).map((l) => l.trim()))];
      record(
        'в выводе приложения нет сообщений SECURITY (каждый ответ прошёл проверку прав)',
        security.length === 0,
        `приложение сообщило: ${security.join(' / ')}`,
      );
    }
    if (stopped) {
      record(
        'приложение останавливается по SIGTERM чисто: «Остановлено», код выхода 0, без ошибок',
        stopped.ok,
        `после SIGTERM: ${stopped.detail} (полный вывод: test-results/e2e/server.log)`,
      );
    }
  }
  return results.some((r) => !r.ok) ? 1 : 0;
}

void main()
  .catch((e) => {
    record('запуск сквозных тестов', false, errorText(e));
    return 1;
  })
  .then(() => {
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    if (visited.length)
      console.log(
        `\nСнимки экрана (${visited.length}) в ${path.relative(process.cwd(), SHOTS) || SHOTS}:\n  ${visited.join('\n  ')}`,
      );
    if (failed)
      console.log(
        `\nНе прошли:\n${results
          .filter((r) => !r.ok)
          .map((r) => `  ✘ ${r.name}: ${r.message}`)
          .join('\n')}`,
      );
    console.log(`\nСквозные тесты: ${failed ? 'есть ошибки' : 'всё прошло'} (${results.length} проверок).`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
  });

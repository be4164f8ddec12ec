/**
 * Browser checks of issue 11: axe-core over the main pages of every demo role (0 serious or critical
 * violations), and Back after logging out shows no personal data (the pages are `no-store`).
 * axe-core is injected from node_modules (page.addScriptTag) in a context that bypasses the app's CSP,
 * which allows only the app's own scripts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { DEMO_TOTP_SECRET } from '../../src/modules/auth/second-factor';
import { totpCode } from '../../src/modules/auth/totp';

const AXE = path.resolve(__dirname, '../../node_modules/axe-core/axe.min.js');
export const DEMO_ROLES = ['demo-central', 'demo-regional', 'demo-territorial', 'demo-primary', 'demo-viewer'];

export interface A11yDeps {
  chromiumPath: string;
  chromiumArgs: string[];
  password: string;
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  check(name: string, fn: () => Promise<void>): Promise<void>;
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

async function axeViolations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ path: AXE });
  const r = await page.evaluate<{ violations: Violation[] }>(`axe.run(document, { resultTypes: ['violations'] })`);
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

async function newContext(d: A11yDeps) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'reestr-e2e-a11y-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: d.chromiumPath,
    args: d.chromiumArgs,
    headless: true,
    viewport: { width: 1280, height: 900 },
    locale: 'ru-RU',
    bypassCSP: true,
  });
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The demo's central and regional accounts ask for the second factor's code after the password: it is computed
 * from the published demo secret, as a visitor's authenticator app (or `npm run demo:code`) would. A code is
 * accepted once per 30 s per account, so a refused code waits for the next step.
 */
export async function enterDemoCode(page: Page): Promise<void> {
  if (new URL(page.url()).pathname !== '/login/code') return;
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.locator('#f-code').fill(await totpCode(DEMO_TOTP_SECRET));
    await page.locator('form[action="/login/code"] button').first().click();
    await page.waitForLoadState('load');
    if (new URL(page.url()).pathname !== '/login/code') return;
    await page.waitForTimeout((31 - (Math.floor(Date.now() / 1000) % 30)) * 1000);
  }
}

async function signIn(page: Page, base: string, who: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.locator('#f-login').fill(who);
  await page.locator('#f-password').fill(password);
  await page.locator('form[action="/login"] button[type=submit], form[action="/login"] button').first().click();
  await page.waitForURL((u) => u.pathname !== '/login');
  await enterDemoCode(page);
}

/** Every role's start page, member list (after the obligation), a member's card and the profile. */
export async function accessibilityScenario(base: string, d: A11yDeps): Promise<void> {
  for (const who of DEMO_ROLES) {
    const s = await newContext(d);
    try {
      const pages: string[] = [];
      await d.step(`${who}: входит (проверка доступности)`, async () => {
        await signIn(s.page, base, who, d.password);
      });
      pages.push(new URL(s.page.url()).pathname);
      await s.page.goto(`${base}/members`);
      if (new URL(s.page.url()).pathname === '/nda') {
        await s.page.getByLabel('Принимаю обязательство о неразглашении').check();
        await s.page.getByRole('button', { name: 'Продолжить' }).click();
        await s.page.waitForURL((u) => u.pathname !== '/nda');
      }
      pages.push('/members');
      const card = await s.page
        .locator('a[href^="/members/"]')
        .first()
        .getAttribute('href')
        .catch(() => null);
      if (card && /^\/members\/[0-9a-f-]{36}$/.test(card)) pages.push(card);
      pages.push('/profile', '/login?after=1');
      for (const p of [...new Set(pages)]) {
        await d.check(`${who}: axe-core на ${p.replace(/[0-9a-f-]{36}/, '<id>')} — 0 серьёзных нарушений`, async () => {
          await s.page.goto(`${base}${p}`);
          const v = await axeViolations(s.page);
          if (v.length)
            throw new Error(
              v
                .map(
                  (x) =>
                    `${x.id} (${x.impact}): ${x.help} — ${x.nodes
                      .map((n) => n.target.join(' '))
                      .slice(0, 3)
                      .join(', ')}`,
                )
                .join('; '),
            );
        });
      }
    } catch {
      // step() already recorded the failure
    } finally {
      await s.close();
    }
  }
}

/** After logging out, Back must not show a member's card from the browser's cache. */
export async function logoutBackScenario(base: string, d: A11yDeps): Promise<void> {
  const s = await newContext(d);
  try {
    await signIn(s.page, base, 'demo-primary', d.password);
    await s.page.goto(`${base}/members`);
    if (new URL(s.page.url()).pathname === '/nda') {
      await s.page.getByLabel('Принимаю обязательство о неразглашении').check();
      await s.page.getByRole('button', { name: 'Продолжить' }).click();
      await s.page.waitForURL((u) => u.pathname !== '/nda');
    }
    const href = await s.page.locator('a[href^="/members/"]').first().getAttribute('href');
    if (!href) throw new Error('в списке членов нет ссылки на карточку');
    await s.page.goto(`${base}${href}`);
    const name = ((await s.page.locator('h1').first().textContent()) ?? '').trim();
    await d.check('после выхода кнопка «Назад» не показывает карточку члена', async () => {
      if (name.length < 3) throw new Error(`на карточке нет заголовка с ФИО («${name}»)`);
      await s.page.getByRole('button', { name: 'Выйти' }).click();
      await s.page.waitForURL((u) => u.pathname === '/login' || u.pathname === '/');
      await s.page.goBack();
      await s.page.waitForLoadState('load');
      const text = (await s.page.locator('body').textContent()) ?? '';
      if (text.includes(name)) throw new Error(`после выхода и «Назад» на странице снова «${name}» (${s.page.url()})`);
    });
  } finally {
    await s.close();
  }
}

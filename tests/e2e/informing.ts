/**
 * Browser scenario of issue 9 on a 360 px phone: a primary chair opens the library, downloads a document, opens
 * the open survey and answers it with the plain form; the central administrator then sees the answer counted
 * on the survey's results page (answered +1 against the count read before).
 */
import type { BrowserContext, Page } from 'playwright-core';

export interface InformingDeps {
  openBrowser(): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }>;
  login(page: Page, base: string, who: string): Promise<void>;
  shot(page: Page, name: string): Promise<void>;
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  check(name: string, fn: () => Promise<void>): Promise<void>;
}

const PHONE = { width: 360, height: 780 };
const DOCUMENT = 'Методические рекомендации по ведению единого реестра';
const SURVEY = 'Как вам новый электронный профсоюзный билет?';

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

const scrollWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

/** The «ответили» figure of a survey's results page. */
async function answeredOn(page: Page): Promise<number> {
  const stat = page.locator('.stat', { hasText: 'ответили' }).first();
  const text = ((await stat.locator('b').textContent()) ?? '').replace(/\s/g, '');
  const n = Number(text);
  assert(Number.isInteger(n), `на странице итогов нет числа ответивших: «${text}»`);
  return n;
}

export async function informingScenario(base: string, d: InformingDeps): Promise<void> {
  const chair = await d.openBrowser();
  const central = await d.openBrowser();
  const { page } = chair;
  try {
    const resultsUrl = await d.step('demo-central находит открытый опрос и его итоги', async () => {
      await d.login(central.page, base, 'demo-central');
      await central.page.goto(`${base}/surveys`);
      await central.page.getByRole('link', { name: SURVEY, exact: true }).first().click();
      await central.page.waitForURL((u) => /^\/surveys\/[0-9a-f-]{36}$/.test(u.pathname));
      return `${central.page.url()}/results`;
    });
    const before = await d.step('на странице итогов видно, сколько ответили до председателя', async () => {
      await central.page.goto(resultsUrl);
      return answeredOn(central.page);
    });

    await d.step('demo-primary входит (новый профиль браузера), экран 360 px', async () => {
      await page.setViewportSize(PHONE);
      await d.login(page, base, 'demo-primary');
    });
    await d.step('председатель открывает «Библиотеку» из навигации и находит документ', async () => {
      await page.locator('nav a[href="/library"]').first().click();
      await page.waitForURL((u) => u.pathname === '/library');
      await page.getByRole('link', { name: DOCUMENT, exact: true }).first().waitFor();
      await d.shot(page, 'library-360');
    });
    await d.check('библиотека без горизонтальной прокрутки при ширине 360 px', async () => {
      const w = await scrollWidth(page);
      assert(w <= PHONE.width, `ширина страницы ${w} px`);
    });
    await d.step(`председатель открывает «${DOCUMENT}» и скачивает его (PDF)`, async () => {
      await page.getByRole('link', { name: DOCUMENT, exact: true }).first().click();
      await page.waitForURL((u) => /^\/documents\/[0-9a-f-]{36}$/.test(u.pathname));
      await d.shot(page, 'document-360');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: /^Скачать/ }).click(),
      ]);
      const failure = await download.failure();
      assert(failure === null, `скачивание не удалось: ${failure}`);
      assert(/\.pdf$/i.test(download.suggestedFilename()), `имя файла «${download.suggestedFilename()}» не .pdf`);
    });
    await d.check('страница документа без горизонтальной прокрутки при ширине 360 px', async () => {
      const w = await scrollWidth(page);
      assert(w <= PHONE.width, `ширина страницы ${w} px`);
    });

    await d.step(`председатель открывает «Опросы» и опрос «${SURVEY}»`, async () => {
      await page.locator('nav a[href="/surveys"]').first().click();
      await page.waitForURL((u) => u.pathname === '/surveys');
      await page.getByRole('link', { name: SURVEY, exact: true }).first().click();
      await page.waitForURL((u) => /^\/surveys\/[0-9a-f-]{36}$/.test(u.pathname));
      await d.shot(page, 'survey-360');
    });
    await d.step('председатель отвечает на вопросы обычной формой и отправляет ответы', async () => {
      await page.locator('fieldset', { hasText: 'приняли новый билет' }).getByLabel('Да', { exact: true }).check();
      await page.locator('fieldset', { hasText: 'Оцените удобство' }).getByLabel('5', { exact: true }).check();
      await page.getByLabel('Что улучшить?').fill('Выдавать билеты прямо на собрании');
      await page.getByRole('button', { name: 'Отправить ответы' }).click();
      await page.waitForLoadState('load');
      const flash = ((await page.locator('.flash').first().textContent()) ?? '').trim();
      assert(flash.includes('Спасибо'), `нет подтверждения после отправки: «${flash}»`);
      await d.shot(page, 'survey-answered-360');
    });
    await d.check('форма опроса без горизонтальной прокрутки при ширине 360 px', async () => {
      const w = await scrollWidth(page);
      assert(w <= PHONE.width, `ширина страницы ${w} px`);
    });

    await d.check('demo-central видит ответ председателя в итогах: ответивших на одного больше', async () => {
      await central.page.goto(resultsUrl);
      const after = await answeredOn(central.page);
      await d.shot(central.page, 'survey-results-central');
      assert(after === before + 1, `ответивших было ${before}, стало ${after}`);
    });
  } finally {
    await chair.close();
    await central.close();
  }
}

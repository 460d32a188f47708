import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TEST_ADMIN } from '../../src/test/app.ts';
import { describePostgres } from '../../src/test/databases.ts';
import { loginOverHttp } from '../../src/test/processes.ts';
import { describeBrowser, launchBrowser, openPage, SCREENSHOTS } from './browser.ts';
import { ensureWebBuild, ROOT } from './build.ts';
import { adminApi, type Servers, startServers } from './servers.ts';

type Credentials = { email: string; password: string };

// The texts the checks read, in both languages of the console.
const TEXT = {
  'es-MX': {
    all: 'Todos',
    deadline: 'Plazo',
    overdue: 'Vencido',
    loadMore: /Cargar más/,
    count: (n: number) => `${n} casos`,
    firstResponseOverdue: /Primera respuesta · venció hace/,
    overdueBy: /venció hace/,
    metLate: /Atendido fuera de plazo \(.+ tarde\)/,
    search: 'Buscar',
  },
  en: {
    all: 'All',
    deadline: 'Deadline',
    overdue: 'Overdue',
    loadMore: /Load more/,
    count: (n: number) => `${n} cases`,
    firstResponseOverdue: /First response · overdue by/,
    overdueBy: /overdue by/,
    metLate: /Met late \(.+ late\)/,
    search: 'Search',
  },
} as const;

const CUSTOMER = { name: 'Jesús Treviño Cantú', phone: '8139990417', account: 'MON-778812' };
const FIRST_RESPONSE_OVERDUE = 60;

// One login per person for the whole file: logins are rate-limited, as they should be.
const sessions = new Map<string, Awaited<ReturnType<BrowserContext['storageState']>>>();

async function signIn(page: Page, baseUrl: string, credentials: Credentials) {
  const context = page.context();
  const saved = sessions.get(credentials.email);
  if (saved) await context.addCookies(saved.cookies);
  else {
    const response = await context.request.post(`${baseUrl}/api/v1/auth/login`, { data: credentials });
    expect(response.ok()).toBe(true);
    sessions.set(credentials.email, await context.storageState());
  }
  await page.goto(`${baseUrl}/`);
  await page
    .locator('main h1')
    .waitFor()
    .catch(async (error: unknown) => {
      await screenshotViewport(page, `inbox-sign-in-failed-${credentials.email}`);
      throw error;
    });
}

const countText = (page: Page) => page.getByTestId('inbox-count').textContent();

/** The inbox's table and the page fit their width: nothing scrolls sideways, the deadline stays in view. */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const wrap = document.querySelector<HTMLElement>('[data-testid="inbox-table"]');
    const root = document.documentElement;
    const deadline = document.querySelector('thead .inbox-col--deadline')?.getBoundingClientRect();
    return {
      table: wrap ? wrap.scrollWidth - wrap.clientWidth : -1,
      page: root.scrollWidth - root.clientWidth,
      deadlineRight: deadline ? deadline.right : Number.POSITIVE_INFINITY,
      width: root.clientWidth,
    };
  });
}

describePostgres('the inbox over a full desk', () => {
  describeBrowser('lists, search, deadlines, keyboard and layout', () => {
    let servers: Servers;
    let url: string;
    let browser: Browser;
    let agent: Credentials;
    let db: pg.Client;
    const overdueFolios: string[] = [];
    let searchFolio = '';

    beforeAll(async () => {
      await ensureWebBuild();
      servers = await startServers(1);
      url = servers.processes[0]?.url ?? '';
      const databaseUrl = servers.databaseUrl ?? '';
      // The demo desk: 200 cases over 60 days, moved through their states, some met late.
      await promisify(execFile)(
        process.execPath,
        [path.join(ROOT, 'bin/atiende.mjs'), 'seed-demo', '--customers', '80', '--cases', '200'],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' } },
      );
      const admin = await adminApi(url);
      agent = await admin.createAgent('agent', 'Marta Garza', ['atencion_quejas']);
      const headers = await loginOverHttp(url, TEST_ADMIN);
      const call = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
        const response = await fetch(`${url}/api/v1${route}`, {
          method,
          headers,
          body: JSON.stringify(body),
        });
        if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
        return (await response.json()) as T;
      };
      const customer = await call<{ id: string }>('POST', '/customers', {
        name: CUSTOMER.name,
        accountNumber: CUSTOMER.account,
        contactPoints: [{ kind: 'phone', address: CUSTOMER.phone }],
      });
      searchFolio = (
        await call<{ folio: string }>('POST', '/cases', {
          requestType: 'queja',
          channel: 'telefono',
          customerId: customer.id,
          description: 'Sin servicio desde el lunes en la colonia Mitras.',
        })
      ).folio;
      // Cases nobody answered in time: the first response overdue, the resolution still days away.
      for (let i = 0; i < FIRST_RESPONSE_OVERDUE; i++) {
        const opened = await call<{ folio: string }>('POST', '/cases', {
          requestType: 'queja',
          channel: 'telefono',
          contact: { kind: 'phone', address: `812000${String(1000 + i)}` },
          description: `Internet intermitente, reporte ${i + 1}.`,
        });
        overdueFolios.push(opened.folio);
      }
      db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      await db.query(
        `update deadlines d set started_at = now() - interval '2 days', due_at = now() - interval '5 hours 30 minutes'
           from cases c where d.subject_kind = 'case' and c.id = d.subject_id and c.folio = any($1)
             and d.kind = 'primera_respuesta'`,
        [overdueFolios],
      );
      // The case's nearest pending deadline, which lists filter and sort on, is kept with the case.
      await db.query(
        `update cases set next_due_at = now() - interval '5 hours 30 minutes', next_warn_at = now() - interval '1 day'
           where folio = any($1)`,
        [overdueFolios],
      );
      // Two of them are the agent's, for triage by keyboard.
      const [me] = (await db.query<{ id: string }>('select id from agents where email = $1', [agent.email]))
        .rows;
      for (const folio of overdueFolios.slice(0, 2))
        await call('POST', `/cases/${folio}/assign`, { agentId: me?.id });
      browser = await launchBrowser();
    }, 600_000);

    afterAll(async () => {
      await db?.end();
      await browser?.close();
      await servers?.stop();
    });

    it('has more than 250 cases to list', async () => {
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from cases');
      expect(rows[0]?.n).toBeGreaterThanOrEqual(250);
    });

    for (const language of ['es-MX', 'en'] as const) {
      const text = TEXT[language];

      it(`[${language}] shows the nearest deadline and filters "overdue" over every page, with the exact count`, async () => {
        const { context, page } = await openPage(browser, { width: 1366, height: 768, language });
        await signIn(page, url, TEST_ADMIN);
        await page.getByRole('button', { name: text.all }).click();
        await page.getByRole('combobox', { name: new RegExp(`^${text.deadline}`) }).selectOption('vencido');
        await expect.poll(() => page.url()).toContain('deadline=vencido');
        // Settled on the filtered list: its first row overdue, its count shown.
        await expect
          .poll(() => page.locator('tbody .inbox-col--deadline').first().textContent())
          .toMatch(text.overdueBy);
        const total = Number(/\d+/.exec((await countText(page)) ?? '')?.[0]);
        expect(total).toBeGreaterThanOrEqual(FIRST_RESPONSE_OVERDUE);
        // The API's pages, walked with the cursor, hold every counted case once.
        const listed: string[] = [];
        let cursor = '';
        do {
          const answer = await page
            .context()
            .request.get(
              `${url}/api/v1/cases?deadline=vencido&sort=plazo&limit=50${cursor && `&cursor=${cursor}`}`,
            );
          const body = (await answer.json()) as {
            items: Array<{ folio: string }>;
            nextCursor: string | null;
          };
          listed.push(...body.items.map((item) => item.folio));
          cursor = body.nextCursor ? encodeURIComponent(body.nextCursor) : '';
          // A cursor that never ends is a paging bug, not a longer list.
          expect(listed.length, 'cases over the API pages').toBeLessThanOrEqual(total);
        } while (cursor);
        expect(new Set(listed).size, 'distinct cases over the API pages').toBe(total);
        expect(listed.length, 'cases over the API pages').toBe(total);
        expect(await page.getByRole('button', { name: new RegExp(`^${text.all} ${total}$`) }).count()).toBe(
          1,
        );
        await screenshotViewport(page, `inbox-vencido-1366x768-${language}`);

        // Every page loaded: as many rows as counted, each one overdue.
        const more = page.getByRole('button', { name: text.loadMore });
        while ((await more.isVisible()) && (await page.locator('tbody tr').count()) < total) {
          const before = await page.locator('tbody tr').count();
          await more.click();
          await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThan(before);
        }
        expect(await page.locator('tbody tr').count()).toBe(total);
        const deadlines = await page.locator('tbody .inbox-col--deadline').allTextContents();
        for (const cell of deadlines) expect(cell).toMatch(text.overdueBy);
        // A case overdue only on its first response says so; its resolution deadline is days away.
        const row = page.locator(`tr[data-folio="${overdueFolios[10]}"]`);
        expect(await row.locator('.inbox-col--deadline').textContent()).toMatch(text.firstResponseOverdue);
        await context.close();
      });

      it(`[${language}] finds the customer by name without accents, by phone written three ways and by account`, async () => {
        const { context, page } = await openPage(browser, { width: 1366, height: 768, language });
        await signIn(page, url, TEST_ADMIN);
        for (const query of [
          'jesus trevino',
          '8139990417',
          '81 3999 0417',
          '+52 (81) 3999-0417',
          CUSTOMER.account,
        ]) {
          const answer = await page
            .context()
            .request.get(`${url}/api/v1/cases?q=${encodeURIComponent(query)}`);
          const found = (await answer.json()) as { customers?: Array<{ name: string }> };
          expect(
            found.customers?.map((c) => c.name),
            `the API's customers for ${query}`,
          ).toContain(CUSTOMER.name);
          await page.goto(`${url}/?view=all&q=${encodeURIComponent(query)}`);
          const customers = page.locator('.inbox-customers');
          await customers.getByRole('link', { name: CUSTOMER.name }).waitFor();
          await page.locator(`tr[data-folio="${searchFolio}"]`).waitFor();
        }
        const link = page.locator('.inbox-customers').getByRole('link', { name: CUSTOMER.name });
        expect(await link.getAttribute('href')).toMatch(/^\/app\/customers\/[0-9a-f-]{36}$/);
        // `/` reaches the search box from anywhere in the list.
        await page.locator('main h1').focus();
        await page.keyboard.press('/');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('inbox-q');
        await context.close();
      });

      it(`[${language}] marks deadlines met late as such`, async () => {
        const { context, page } = await openPage(browser, { width: 1366, height: 768, language });
        await signIn(page, url, TEST_ADMIN);
        await page.goto(`${url}/?view=all&status=cerrado&deadline=fuera_de_plazo`);
        await page.locator('tbody tr').first().waitFor();
        expect(await page.locator('tbody .inbox-col--deadline').first().textContent()).toMatch(text.metLate);
        await context.close();
      });

      it(`[${language}] fits 1024 and 1366 px without sideways scrolling, one line per case, axe-clean at 360 and 1366 px`, async () => {
        const { context, page } = await openPage(browser, { width: 1366, height: 768, language });
        await signIn(page, url, TEST_ADMIN);
        await page.getByRole('button', { name: text.all }).click();
        await page.locator('tbody tr').nth(14).waitFor();
        await screenshotViewport(page, `inbox-1366x768-${language}`);
        // About fifteen cases visible at once on a 1366×768 screen, each on one line.
        const rows = await page
          .locator('tbody tr')
          .evaluateAll((trs) =>
            trs.map((tr) => tr.getBoundingClientRect()).filter((box) => box.bottom <= window.innerHeight),
          );
        expect(rows.length).toBeGreaterThanOrEqual(13);
        for (const box of rows) expect(box.height).toBeLessThan(40);
        for (const width of [1366, 1024]) {
          await page.setViewportSize({ width, height: 768 });
          const measured = await overflow(page);
          expect(measured.table, `table at ${width}px`).toBeLessThanOrEqual(0);
          expect(measured.page, `page at ${width}px`).toBeLessThanOrEqual(0);
          expect(measured.deadlineRight).toBeLessThanOrEqual(measured.width);
        }
        for (const width of [1366, 360]) {
          await page.setViewportSize({ width, height: width === 360 ? 800 : 768 });
          const results = await new AxeBuilder({ page }).analyze();
          expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual(
            [],
          );
        }
        await screenshotViewport(page, `inbox-360x800-${language}`);
        await context.close();
      });
    }

    it('lets an agent triage by keyboard alone: open with Enter, reply, go on to the next case', async () => {
      const { context, page } = await openPage(browser, { width: 1366, height: 768 });
      await signIn(page, url, agent);
      await page.locator('tbody tr').nth(1).waitFor();
      // "Mis casos" lists the agent's cases, without the "assigned to" column.
      expect(await page.locator('thead .inbox-col--assignee').count()).toBe(0);
      const order = await page
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-folio')));
      await page.keyboard.press('?');
      const help = page.getByRole('dialog', { name: 'Atajos de teclado' });
      await help.waitFor();
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'hidden' });
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await page.keyboard.press('k');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: `Folio ${order[0]}` }).waitFor();
      await page.getByTestId('timeline').waitFor();
      await page.keyboard.press('Alt+KeyR');
      const reply = 'Buen día, ya revisamos su línea y el técnico va en camino.';
      await page.keyboard.type(reply);
      await page.keyboard.press('Control+Enter');
      await screenshotViewport(page, 'inbox-keyboard-triage-reply');
      await page.getByTestId('timeline').getByText(reply).waitFor();
      await page.keyboard.press('Alt+KeyJ');
      await page.getByRole('heading', { name: `Folio ${order[1]}` }).waitFor();
      await context.close();
    });

    it('counts new cases of my queues in the tab title while I am away from the inbox', async () => {
      const { context, page } = await openPage(browser, { width: 1366, height: 768 });
      await signIn(page, url, agent);
      await page.goto(`${url}/app/cases/${overdueFolios[0]}`);
      await page.getByRole('heading', { name: `Folio ${overdueFolios[0]}` }).waitFor();
      const headers = await loginOverHttp(url, TEST_ADMIN);
      const response = await fetch(`${url}/api/v1/cases`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          requestType: 'queja',
          channel: 'telefono',
          contact: { kind: 'phone', address: '8119998877' },
          description: 'Me cobraron la reconexión dos veces.',
        }),
      });
      expect(response.status).toBe(201);
      await expect.poll(() => page.title(), { timeout: 15_000 }).toMatch(/^\(1\) /);
      // Back in the inbox (without reloading), the count has been seen.
      await page.getByRole('navigation').getByRole('link', { name: 'Bandeja' }).click();
      await expect.poll(() => page.title()).not.toMatch(/^\(/);
      await context.close();
    });
  });
});

async function screenshotViewport(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

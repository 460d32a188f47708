import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { CHROMIUM_PATH, launchBrowser } from '../../src/test/chromium.ts';
import { type Servers, startServers } from '../../src/test/processes.ts';
import { ensureWebBuild, ROOT } from './build.ts';

export { CHROMIUM_PATH, launchBrowser } from '../../src/test/chromium.ts';
export const SCREENSHOTS = path.join(ROOT, 'artifacts/screenshots');

/**
 * Declares browser tests: they run when Chromium is installed, show as skipped with the reason
 * otherwise, and fail the run under ATIENDE_TEST_STRICT=1 (as CI sets), like `describePostgres`.
 */
export function describeBrowser(name: string, body: () => void) {
  if (existsSync(CHROMIUM_PATH)) describe(`${name} [browser]`, body);
  else if (process.env.ATIENDE_TEST_STRICT === '1')
    throw new Error(`${name}: Chromium is required under ATIENDE_TEST_STRICT=1 (missing ${CHROMIUM_PATH})`);
  else {
    process.stderr.write(
      `\n⚠  NOTICE: browser tests skipped: ${CHROMIUM_PATH} is missing (apt-get install chromium)\n\n`,
    );
    describe.skip(`${name} [browser — skipped: ${CHROMIUM_PATH} missing]`, body);
  }
}

/** A page in a context of its own (own cookies and storage), like a separate person's browser. */
export async function openPage(
  browser: Browser,
  options: { width?: number; height?: number; language?: 'es-MX' | 'en' } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1366, height: options.height ?? 900 },
    locale: 'es-MX',
    timezoneId: 'America/Monterrey',
  });
  if (options.language) {
    const language = options.language;
    await context.addInitScript((chosen) => localStorage.setItem('atiende.language', chosen), language);
  }
  context.setDefaultTimeout(20_000);
  return { context, page: await context.newPage() };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * For the tests of one file: the built web app served by one Atiende process on a database of its own,
 * and a browser; started before them and stopped after.
 */
export function portalUnderTest(): { readonly url: string; readonly browser: Browser } {
  let servers: Servers | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    await ensureWebBuild();
    servers = await startServers(1);
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await servers?.stop();
  });
  return {
    get url() {
      return servers?.processes[0]?.url ?? '';
    },
    get browser() {
      if (!browser) throw new Error('the browser has not started');
      return browser;
    },
  };
}

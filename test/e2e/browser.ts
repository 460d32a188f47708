import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { describe } from 'vitest';
import { ROOT } from './build.ts';

/** Debian's Chromium; the browser tests drive it through playwright-core, which downloads no browser. */
export const CHROMIUM_PATH = process.env.ATIENDE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'artifacts/screenshots');

// Quiet, reproducible runs: no updates, sync, first-run pages or QUIC probes reaching out.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

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

/** Headless Chromium; Playwright gives every launch a fresh temporary profile and removes it on close. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
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

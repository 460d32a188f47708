import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium; the browser tests and benchmarks drive it through playwright-core, which downloads no browser. */
export const CHROMIUM_PATH = process.env.ATIENDE_CHROMIUM ?? '/usr/bin/chromium';

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

/** Headless Chromium; Playwright gives every launch a fresh temporary profile and removes it on close. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

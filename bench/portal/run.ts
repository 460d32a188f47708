/**
 * The customer portal's weight and first load on a phone-like connection.
 *
 * Builds the web app, reports the gzip size of the JS and CSS that /portal loads, then starts Atiende
 * (embedded database) and loads /portal cold in headless Chromium under a 4G-like profile: 9 Mbps down,
 * 1.5 Mbps up, 170 ms round trip, CPU slowed 4×. Prints the load event, the largest contentful paint
 * when the channels (which need two API calls) are on screen, and the bytes that crossed the network
 * (less than the raw bundle only when the server sends it compressed); the median of a few runs.
 *
 *   npx tsx bench/portal/run.ts [runs]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { launchBrowser } from '../../src/test/chromium.ts';
import { startServerProcess } from '../../src/test/processes.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(ROOT, 'dist/web');
const RUNS = Math.min(Math.max(Number(process.argv[2] ?? 5) || 5, 1), 20);

const PROFILE = {
  downloadBitsPerSecond: 9_000_000,
  uploadBitsPerSecond: 1_500_000,
  latencyMs: 170,
  cpuSlowdown: 4,
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${Math.round(value)} ms`;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** The assets /portal's HTML pulls in on first load: its entry script, preloaded chunks and styles. */
function portalAssets(): Array<{ file: string; kind: 'js' | 'css'; raw: number; gzip: number }> {
  const html = readFileSync(path.join(DIST, 'portal/index.html'), 'utf8');
  const urls = new Set(
    [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? ''),
  );
  return [...urls].map((url) => {
    const bytes = readFileSync(path.join(DIST, url));
    return {
      file: url,
      kind: url.endsWith('.css') ? 'css' : 'js',
      raw: bytes.length,
      gzip: gzipSync(bytes).length,
    };
  });
}

async function main() {
  process.stdout.write('Building the web app (vite build)…\n');
  await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn' });

  const assets = portalAssets();
  process.stdout.write('\nPortal production bundle (what /portal downloads)\n');
  for (const asset of assets) {
    process.stdout.write(
      `  ${asset.file.padEnd(40)} ${kb(asset.raw).padStart(10)}  gzip ${kb(asset.gzip).padStart(9)}\n`,
    );
  }
  for (const kind of ['js', 'css'] as const) {
    const of = assets.filter((a) => a.kind === kind);
    const raw = of.reduce((sum, a) => sum + a.raw, 0);
    const gzip = of.reduce((sum, a) => sum + a.gzip, 0);
    process.stdout.write(
      `  total ${kind.toUpperCase().padEnd(34)} ${kb(raw).padStart(10)}  gzip ${kb(gzip).padStart(9)}\n`,
    );
  }
  const total = assets.reduce((sum, a) => sum + a.gzip, 0);
  process.stdout.write(`  total JS+CSS gzip: ${kb(total)}\n`);

  const dataDir = mkdtempSync(path.join(tmpdir(), 'atiende-bench-portal-'));
  const server = await startServerProcess({
    DATABASE_URL: '',
    ATIENDE_DATA_DIR: dataDir,
    ATIENDE_WORKERS: 'false',
  });
  const browser = await launchBrowser();
  const results: Array<{ load: number; lcp: number; channels: number; transferred: number }> = [];
  try {
    process.stdout.write(
      `\nFirst load of ${server.url}/portal, cold cache, 360×800, ` +
        `${PROFILE.downloadBitsPerSecond / 1e6} Mbps down / ${PROFILE.uploadBitsPerSecond / 1e6} Mbps up, ` +
        `${PROFILE.latencyMs} ms RTT, CPU ${PROFILE.cpuSlowdown}× slower; ${RUNS} runs\n`,
    );
    for (let run = 0; run < RUNS; run += 1) {
      const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
      await context.addInitScript(() => {
        const record = window as unknown as { benchLcp: number; benchChannels: number };
        record.benchLcp = 0;
        record.benchChannels = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) record.benchLcp = entry.startTime;
        }).observe({ type: 'largest-contentful-paint', buffered: true });
        new MutationObserver((_changes, observer) => {
          if (!document.querySelector('.channel')) return;
          record.benchChannels = performance.now();
          observer.disconnect();
        }).observe(document, { childList: true, subtree: true });
      });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: PROFILE.latencyMs,
        downloadThroughput: PROFILE.downloadBitsPerSecond / 8,
        uploadThroughput: PROFILE.uploadBitsPerSecond / 8,
      });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: PROFILE.cpuSlowdown });
      await page.goto(`${server.url}/portal`, { waitUntil: 'load', timeout: 60_000 });
      await page.locator('.channel').first().waitFor({ timeout: 60_000 });
      const figures = await page.evaluate(() => {
        const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const record = window as unknown as { benchLcp: number; benchChannels: number };
        const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        const transferred = [navigation, ...resources].reduce((sum, entry) => sum + entry.transferSize, 0);
        return {
          load: navigation.loadEventEnd,
          lcp: record.benchLcp,
          channels: record.benchChannels,
          transferred,
        };
      });
      results.push(figures);
      process.stdout.write(
        `  run ${run + 1}: load ${ms(figures.load)}, LCP ${ms(figures.lcp)}, ` +
          `channels shown ${ms(figures.channels)}, ${kb(figures.transferred)} over the wire\n`,
      );
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(
    `\nMedian: load event ${ms(median(results.map((r) => r.load)))}, ` +
      `largest contentful paint ${ms(median(results.map((r) => r.lcp)))}, ` +
      `channels on screen ${ms(median(results.map((r) => r.channels)))}, ` +
      `${kb(median(results.map((r) => r.transferred)))} transferred (HTML, JS, CSS and API answers)\n`,
  );
}

await main();

// Runs every statistics query with typical filters, 20 times each, and prints p50/p95 in milliseconds:
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/atiende_bench npx tsx bench/stats/run.ts [rounds=20]
// on a database filled by bench/stats/generate.ts. Target: p95 under 200 ms at 1,000,000 cases.
import { systemClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config/env.ts';
import { databaseTarget, openDatabase } from '../../src/db/database.ts';
import { SettingsCache } from '../../src/settings/settings.cache.ts';
import { percentile } from '../../src/stats/percentile.ts';
import { localDay } from '../../src/stats/periods.ts';
import type { StatsFilterInput } from '../../src/stats/stats.schema.ts';
import {
  backlogStats,
  compensationStats,
  complianceStats,
  incidentStats,
  liveQueueStats,
  responseTimeStats,
  type StatsDeps,
  satisfactionStats,
  volumeStats,
} from '../../src/stats/stats.service.ts';
import { type StatsFilter, statsFilter } from '../../src/stats/stats-filter.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to the database bench/stats/generate.ts filled');
const ROUNDS = Number(process.argv[2] ?? 20);
const TARGET_MS = 200;

const config = loadConfig({
  DATABASE_URL: url,
  LOG_LEVEL: 'silent',
  ATIENDE_DATA_DIR: '/nonexistent-atiende-bench',
  ATIENDE_ADMIN_EMAIL: 'admin@example.test',
  ATIENDE_ADMIN_PASSWORD: 'correct horse battery staple',
});
const database = await openDatabase(databaseTarget(config), 'bench:stats');
const ctx = { db: database.db, clock: systemClock, settings: new SettingsCache() };
const deps: StatsDeps = ctx;

const today = localDay(systemClock.now(), (await ctx.settings.current(ctx.db)).settings.provider.timeZone);
const yearAgo = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
const [area] = (await ctx.settings.current(ctx.db)).activeAreasByCode.keys();
const lastYear: StatsFilterInput = { from: yearAgo, to: today, period: 'mes' };

const queries: Array<[string, StatsFilterInput, (f: StatsFilter) => Promise<unknown>]> = [
  ['volume 30d by day', {}, (f) => volumeStats(deps, f)],
  ['volume 30d by channel', {}, (f) => volumeStats(deps, f, 'channel')],
  ['volume 1y by month, area', lastYear, (f) => volumeStats(deps, f, 'area')],
  ['volume 1y, one area, zone', { ...lastYear, area, zone: 100001 }, (f) => volumeStats(deps, f)],
  ['backlog', {}, (f) => backlogStats(deps, f)],
  ['compliance 30d', {}, (f) => complianceStats(deps, f)],
  ['compliance 1y by month', lastYear, (f) => complianceStats(deps, f)],
  ['response-times 30d', {}, (f) => responseTimeStats(deps, f)],
  ['response-times 1y by month', lastYear, (f) => responseTimeStats(deps, f)],
  ['compensations 1y by month', lastYear, (f) => compensationStats(deps, f)],
  ['incidents 1y by month', lastYear, (f) => incidentStats(deps, f)],
  ['satisfaction 30d by area', {}, (f) => satisfactionStats(deps, f, 'area')],
  ['satisfaction 1y by agent', lastYear, (f) => satisfactionStats(deps, f, 'agent')],
  ['live-queue', {}, (f) => liveQueueStats(deps, f)],
];

console.log(`${'query'.padEnd(30)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}`);
let slow = 0;
for (const [name, query, run] of queries) {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    await run(await statsFilter(ctx, query));
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const p95 = percentile(times, 0.95) ?? 0;
  if (p95 > TARGET_MS) slow++;
  console.log(
    `${name.padEnd(30)} ${(percentile(times, 0.5) ?? 0).toFixed(1).padStart(8)} ${p95.toFixed(1).padStart(8)}${p95 > TARGET_MS ? '  over target' : ''}`,
  );
}
await database.close();
if (slow > 0) process.exitCode = 1;

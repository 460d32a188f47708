import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from './chromium.ts';

/**
 * Says loudly which tests cannot run here. Under ATIENDE_TEST_STRICT=1 (as in CI) a missing PostgreSQL
 * or Chromium fails the run instead of skipping quietly.
 */
export default function setup() {
  const missing: string[] = [];
  if (!process.env.DATABASE_URL)
    missing.push('PostgreSQL (set DATABASE_URL to run the data tests on it too)');
  if (!existsSync(CHROMIUM_PATH)) {
    missing.push('Chromium (apt-get install -y chromium, for the browser tests)');
  }
  if (missing.length === 0) return;
  if (process.env.ATIENDE_TEST_STRICT === '1') {
    throw new Error(`ATIENDE_TEST_STRICT=1 but these are missing: ${missing.join('; ')}`);
  }
  process.stderr.write(
    `\n⚠  NOTICE: some tests are skipped on this machine:\n${missing.map((m) => `   - ${m}`).join('\n')}\n\n`,
  );
}

/**
 * The outside probe, repeatable: generated hostile requests against every operation of the OpenAPI
 * document and both Meta webhooks (signed and unsigned), on the embedded database or on PostgreSQL.
 *
 * The first requests are the test suite's systematic ones (wrong types, NUL bytes, lone surrogates,
 * out-of-range instants, forged cursors, bodies over the limit); the rest are random mutations of
 * plausible requests from a seeded generator, so a failure can be replayed with the same seed.
 * Prints the requests sent, the answers by status, every 5xx and every error answer that is not
 * problem+json (both must be 0), and the time taken. Exits 1 when either is not 0.
 *
 *   npx tsx bench/fuzz/run.ts [requests=100000] [seed=1]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/fuzz/run.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAtiende } from '../../src/app.ts';
import { signMetaPayload } from '../../src/channels/whatsapp/signature.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { DEFAULT_PORTAL_ATTACHMENTS, portalBodyLimit } from '../../src/portal/portal.limits.ts';
import { TEST_ADMIN, testConfig } from '../../src/test/app.ts';
import { createPostgresDatabase, dropPostgresDatabase } from '../../src/test/databases.ts';
import {
  type BadRequest,
  badRequestsFor,
  encodeHostile,
  hostileRequestsFor,
  type JsonSchema,
} from '../../src/test/openapi-inputs.ts';

const TOTAL = Math.max(Number(process.argv[2] ?? 100_000) || 100_000, 1);
const SEED = Number(process.argv[3] ?? 1) || 1;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SECRET = 'fuzz-app-secret-0123456789';

/** mulberry32: small, seeded, good enough to pick mutations reproducibly. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

const NASTY_STRINGS = [
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202e‮gnp.exe',
  '\u0007\u001b[2J',
  '😀'.repeat(50),
  'ñáéíóú ÑÁÉÍÓÚ ü',
  "' or 1=1 --",
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
  '${7*7}{{7*7}}',
  '../../etc/passwd',
  '%00%ff%fe',
  'x'.repeat(5000),
  '0000-01-01T00:00:00Z',
  '275760-09-13T00:00:00Z',
  '2026-02-30T25:61:61Z',
  '+52 81 0000 0000',
  'MON-2026-000001-0',
  '00000000-0000-0000-0000-000000000000',
];
const NASTY_NUMBERS = [0, -1, 1e20, -1e308, 1e308, 2 ** 53 + 1, 0.5, -0];

function nastyValue(depth = 0): unknown {
  switch (Math.floor(rand() * 7)) {
    case 0:
      return pick(NASTY_STRINGS);
    case 1:
      return pick(NASTY_NUMBERS);
    case 2:
      return rand() < 0.5;
    case 3:
      return null;
    case 4:
      return depth > 2 ? [] : Array.from({ length: Math.floor(rand() * 4) }, () => nastyValue(depth + 1));
    case 5:
      return depth > 2 ? {} : { [pick(NASTY_STRINGS).slice(0, 20) || 'k']: nastyValue(depth + 1) };
    default:
      return String.fromCodePoint(
        ...Array.from({ length: 1 + Math.floor(rand() * 40) }, () => Math.floor(rand() * 0xffff)),
      );
  }
}

/** Replaces some leaves of a JSON value by nasty ones. */
function mutate(value: unknown, rate: number): unknown {
  if (Array.isArray(value)) return value.map((v) => mutate(v, rate));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value))
      out[key] = rand() < rate ? nastyValue() : mutate(inner, rate);
    if (rand() < rate / 2) out[pick(NASTY_STRINGS).slice(0, 30)] = nastyValue();
    return out;
  }
  return rand() < rate ? nastyValue() : value;
}

interface Operation {
  parameters?: Array<{ name: string; in: string; schema?: JsonSchema }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

function plausibleBody(schema: JsonSchema | undefined): unknown {
  if (!schema) return {};
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    out[key] =
      prop.enum?.[0] ??
      (prop.type === 'integer' || prop.type === 'number' ? 1 : prop.type === 'array' ? [] : 'plausible text');
  }
  return out;
}

const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(HERE, '../../src/channels', name), 'utf8')) as unknown;
const WEBHOOK_SAMPLES: Record<string, unknown[]> = {
  whatsapp: [
    'wa-text.json',
    'wa-image.json',
    'wa-location.json',
    'wa-batch-two-entries.json',
    'wa-status-failed.json',
    'wa-interactive-list-reply.json',
  ].map((f) => fixture(`whatsapp/fixtures/${f}`)),
  messenger: [
    'fb-text.json',
    'fb-image-attachment.json',
    'fb-postback.json',
    'fb-quick-reply.json',
    'fb-read.json',
  ].map((f) => fixture(`messenger/fixtures/${f}`)),
};

function webhookRequest(): BadRequest {
  const door = rand() < 0.5 ? 'whatsapp' : 'messenger';
  const payload = mutate(pick(WEBHOOK_SAMPLES[door] ?? []), 0.15);
  const body = JSON.stringify(payload);
  const signed = rand() < 0.9;
  return {
    label: `POST /webhooks/${door} ${signed ? 'signed' : 'unsigned'}`,
    method: 'POST',
    url: `/webhooks/${door}`,
    headers: {
      'content-type': 'application/json',
      ...(signed ? { 'x-hub-signature-256': signMetaPayload(body, SECRET) } : {}),
    },
    payload: body,
  };
}

async function main() {
  const url = process.env.DATABASE_URL ? await createPostgresDatabase() : undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'atiende-fuzz-'));
  const config = testConfig({
    ATIENDE_DATA_DIR: dataDir,
    ...(url ? { DATABASE_URL: url } : {}),
    WHATSAPP_VERIFY_TOKEN: 'fuzz-verify-token',
    WHATSAPP_APP_SECRET: SECRET,
    WHATSAPP_ACCESS_TOKEN: 'fuzz-access-token',
    WHATSAPP_PHONE_NUMBER_ID: '123456789',
    MESSENGER_VERIFY_TOKEN: 'fuzz-verify-token',
    MESSENGER_APP_SECRET: SECRET,
    MESSENGER_PAGE_ACCESS_TOKEN: 'fuzz-page-token',
    // Sends fail fast against a closed port instead of reaching Meta.
    GRAPH_BASE_URL: 'http://127.0.0.1:9/v26.0',
  });
  const atiende = await startAtiende(config, { work: true, logger: createLogger('silent') });
  try {
    const login = await atiende.http.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: TEST_ADMIN.email, password: TEST_ADMIN.password },
    });
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const bearer = (
      await atiende.http.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { cookie, 'x-csrf-token': login.json().csrfToken },
        payload: { name: 'fuzz' },
      })
    ).json().token as string;
    const spec = (await atiende.http.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const bodyLimitOf = (_m: string, template: string) =>
      /^\/api\/v1\/portal\/(requests|replies)$/.test(template)
        ? portalBodyLimit(DEFAULT_PORTAL_ATTACHMENTS)
        : 1024 * 1024;
    const systematic = [...badRequestsFor(spec.paths), ...hostileRequestsFor(spec.paths, bodyLimitOf)];
    // The live stream never ends by design: a request it accepts would wait forever. Its refusals are
    // among the systematic requests.
    const operations = Object.entries(spec.paths as Record<string, Record<string, Operation>>)
      .filter(([template]) => template !== '/api/v1/live')
      .flatMap(([template, ops]) =>
        Object.entries(ops).map(([method, op]) => ({ template, method: method.toUpperCase(), op })),
      );

    const generated = (): BadRequest => {
      if (rand() < 0.1) return webhookRequest();
      const { template, method, op } = pick(operations);
      const url = template.replace(
        /\{[^}]+\}/g,
        () =>
          encodeHostile(String(rand() < 0.5 ? pick(NASTY_STRINGS) : 'MON-2026-000001-0')).slice(0, 300) ||
          'x',
      );
      const query = (op.parameters ?? [])
        .filter((p) => p.in === 'query' && rand() < 0.5)
        .map((p) => `${p.name}=${encodeHostile(String(nastyValue())).slice(0, 500)}`)
        .join('&');
      const body = op.requestBody?.content['application/json']?.schema;
      return {
        label: `${method} ${template} random`,
        method,
        url: query ? `${url}?${query}` : url,
        ...(body
          ? {
              headers: { 'content-type': 'application/json' },
              payload: JSON.stringify(mutate(plausibleBody(body), 0.3)),
            }
          : {}),
      };
    };

    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    const notProblems: string[] = [];
    const started = performance.now();
    const report = (done: number) => {
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `fuzz: ${done} requests (${Math.min(systematic.length, done)} systematic, the rest random, seed ${SEED}) on ${url ? 'PostgreSQL' : 'PGlite'}`,
      );
      console.log(
        `time: ${seconds.toFixed(1)} s (${Math.round(done / seconds)} requests/s, one at a time, in-process)`,
      );
      console.log(
        `statuses: ${[...statuses]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')}`,
      );
      console.log(`5xx: ${serverErrors.length}`);
      for (const line of serverErrors.slice(0, 20)) console.log(`  ${line}`);
      console.log(`errors not problem+json: ${notProblems.length}`);
      for (const line of notProblems.slice(0, 20)) console.log(`  ${line}`);
    };
    for (let i = 0; i < TOTAL; i++) {
      const request = systematic[i] ?? generated();
      const asAgent = rand() < 0.8;
      const response = await atiende.http.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: { ...(asAgent ? { authorization: `Bearer ${bearer}` } : {}), ...request.headers },
        remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        ...(request.payload === undefined ? {} : { payload: request.payload }),
      });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      if (response.statusCode >= 500 && response.statusCode !== 503) {
        serverErrors.push(`${request.label}: ${response.statusCode} ${response.body.slice(0, 160)}`);
      } else if (response.statusCode === 503 && !request.url.endsWith('/health')) {
        serverErrors.push(`${request.label}: 503 ${response.body.slice(0, 160)}`);
      }
      const isError =
        response.statusCode >= 400 && !(request.url.includes('/health') && response.statusCode === 503);
      if (isError && !String(response.headers['content-type']).includes('application/problem+json')) {
        notProblems.push(
          `${request.label}: ${response.statusCode} ${String(response.headers['content-type'])}`,
        );
      }
      // A summary every 10,000 requests, so a long run stopped early still tells what it found.
      if ((i + 1) % 10_000 === 0) report(i + 1);
    }
    report(TOTAL);
    process.exitCode = serverErrors.length + notProblems.length > 0 ? 1 : 0;
  } finally {
    await atiende.close();
    if (url) await dropPostgresDatabase(url);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

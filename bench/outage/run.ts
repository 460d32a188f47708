// An outage's worst hour, timed: `npx tsx bench/outage/run.ts [--customers 5000] [--rate 100]`.
// One `atiende serve` process with WhatsApp pointed at a fake Graph API in this process. The customers
// (imported from a CSV, as a provider would load them) all live in one zone with an incident in force;
// each sends one failure report by WhatsApp, offered at `--rate` messages per second. Prints:
//   1. linking and answering: per report, the time from its webhook to its acknowledgement reaching the
//      Graph API (target: every one within 60 s at 100 messages/s offered), and that all were linked;
//   2. the fan-out of one update: notices per second reaching the Graph API (the settings pace it at
//      80/s per channel, WhatsApp's lowest throughput tier);
//   3. the restoration: the time until every report is resolved with its compensation (target < 30 s).
// On PostgreSQL, the database for a provider of this size: DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test) names the server, the bench makes and drops a database on it.
// Run `npm run build` first (the server serves the built web apps).
import { parseArgs } from 'node:util';
import pg from 'pg';
import { waMessagesPayload, waText } from '../../src/channels/testing/wa-payloads.ts';
import { signMetaPayload } from '../../src/channels/whatsapp/signature.ts';
import { startFakeGraph } from '../../src/test/fake-graph.ts';
import { poster } from '../http-client.ts';

const { values: flags } = parseArgs({
  options: {
    customers: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '100' },
  },
});
const CUSTOMERS = Number(flags.customers);
const RATE = Number(flags.rate);
if (!(CUSTOMERS > 0) || !(RATE > 0)) {
  console.error('usage: run.ts [--customers N] [--rate R]');
  process.exit(2);
}
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const { createPostgresDatabase, dropPostgresDatabase } = await import('../../src/test/databases.ts');
const { loginOverHttp, startServerProcess } = await import('../../src/test/processes.ts');

const SECRET = 'app-secret-for-bench';
const PHONE_NUMBER_ID = '200000000000001';
const TARGET = { answerSeconds: 60, restoreSeconds: 30 };
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const percentile = (sorted: number[], p: number) => sorted[Math.floor(p * (sorted.length - 1))] ?? Number.NaN;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The i-th customer's mobile number, national digits: Monterrey's 81 and a block of its own. */
const national = (i: number) => `8177${String(i).padStart(6, '0')}`;

function customersCsv(zone: string): Buffer {
  const lines = ['cuenta,nombre,telefono,plan,precio,zona,dia_corte,estatus'];
  for (let i = 0; i < CUSTOMERS; i++) {
    lines.push(`BENCH-${i},Cliente ${i},${national(i)},Plan 20 Mbps,399.00,${zone},15,activo`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

const graph = await startFakeGraph();
const databaseUrl = await createPostgresDatabase();
const server = await startServerProcess({
  DATABASE_URL: databaseUrl,
  GRAPH_BASE_URL: graph.url,
  WHATSAPP_VERIFY_TOKEN: 'verify-token-for-bench',
  WHATSAPP_APP_SECRET: SECRET,
  WHATSAPP_ACCESS_TOKEN: 'access-token-for-bench',
  WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
});
let failed = false;
const check = (ok: boolean, what: string) => {
  if (!ok) {
    console.error(`FAILED: ${what}`);
    failed = true;
  }
};

try {
  const headers = await loginOverHttp(server.url);
  const api = async (method: string, route: string, body?: unknown, contentType?: string) => {
    const response = await fetch(`${server.url}/api/v1${route}`, {
      method,
      headers: contentType ? { ...headers, 'content-type': contentType } : headers,
      ...(body === undefined
        ? {}
        : { body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
  const zone = (await api('POST', '/zones', { code: 'TORRE-BENCH', name: 'Torre Bench' })) as { id: number };
  const started = (await api(
    'POST',
    '/imports/customers?dryRun=false&filename=bench.csv',
    customersCsv('TORRE-BENCH'),
    'text/csv',
  )) as {
    id: string;
  };
  for (;;) {
    const run = (await api('GET', `/imports/customers/${started.id}`)) as {
      status: string;
      counts?: unknown;
    };
    if (run.status !== 'en_curso') {
      check(run.status === 'terminada', `import ended ${run.status}: ${JSON.stringify(run)}`);
      console.log(`imported: ${JSON.stringify(run.counts)}`);
      break;
    }
    await sleep(500);
  }
  const incident = (await api('POST', '/incidents', {
    zoneIds: [zone.id],
    cause: 'energia',
    publicText: 'Falla de energía en la torre; cuadrilla en camino.',
    startedAt: new Date(Date.now() - 30 * 60_000).toISOString(),
    eta: new Date(Date.now() + 3 * 3_600_000).toISOString(),
  })) as { id: string };

  // 1. Reports offered at RATE per second; each answer's arrival at the Graph API is timed by polling.
  const to = (i: number) => `52${national(i)}`;
  const sentAt = new Map<string, number>();
  const answeredAt = new Map<string, number>();
  let seen = 0;
  const watch = setInterval(() => {
    const now = performance.now();
    for (; seen < graph.sent.length; seen++) {
      const recipient = (graph.sent[seen]?.body as { to?: string } | undefined)?.to;
      if (recipient && !answeredAt.has(recipient)) answeredAt.set(recipient, now);
    }
  }, 50);
  const client = poster(server.url, 64);
  const t0 = performance.now();
  const posts: Promise<void>[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const raw = JSON.stringify(
      waMessagesPayload(`521${national(i)}`, `Cliente ${i}`, [waText('No tengo internet')]),
    );
    sentAt.set(to(i), performance.now());
    posts.push(
      client
        .post('/webhooks/whatsapp', raw, { 'x-hub-signature-256': signMetaPayload(Buffer.from(raw), SECRET) })
        .then((r) => check(r.status === 200, `webhook ${i} answered ${r.status}`)),
    );
  }
  await Promise.all(posts);
  const offeredFor = performance.now() - t0;
  const deadline = performance.now() + 300_000;
  while (answeredAt.size < CUSTOMERS && performance.now() < deadline) await sleep(200);
  const waits = [...sentAt].map(
    ([recipient, at]) => (answeredAt.get(recipient) ?? Number.POSITIVE_INFINITY) - at,
  );
  waits.sort((a, b) => a - b);
  const within = waits.filter((w) => w <= TARGET.answerSeconds * 1000).length;
  const detail = (await api('GET', `/incidents/${incident.id}`)) as { linkedCases: number };
  console.log(
    `PostgreSQL: ${CUSTOMERS} reports offered in ${seconds(offeredFor)} (${(CUSTOMERS / (offeredFor / 1000)).toFixed(0)}/s); ` +
      `answered ${answeredAt.size}, linked ${detail.linkedCases}; answer after its message: ` +
      `p50 ${seconds(percentile(waits, 0.5))}, p99 ${seconds(percentile(waits, 0.99))}, max ${seconds(waits.at(-1) ?? Number.NaN)}; ` +
      `${within}/${CUSTOMERS} within ${TARGET.answerSeconds} s`,
  );
  check(detail.linkedCases === CUSTOMERS, 'every report linked');
  check(within === CUSTOMERS, `every answer within ${TARGET.answerSeconds} s`);

  // 2. One update's fan-out, counted at the Graph API.
  const before = graph.sent.length;
  const u0 = performance.now();
  await api('POST', `/incidents/${incident.id}/updates`, {
    status: 'en_reparacion',
    text: 'La cuadrilla ya está en la torre.',
  });
  let firstAt: number | undefined;
  const fanDeadline = performance.now() + 600_000;
  while (graph.sent.length - before < CUSTOMERS && performance.now() < fanDeadline) {
    if (firstAt === undefined && graph.sent.length > before) firstAt = performance.now();
    await sleep(100);
  }
  const fanned = graph.sent.length - before;
  const fanMs = performance.now() - (firstAt ?? u0);
  console.log(
    `PostgreSQL: update fan-out: ${fanned} notices in ${seconds(performance.now() - u0)} after the update ` +
      `(${(fanned / (fanMs / 1000)).toFixed(0)} notices/s from the first to the last)`,
  );
  check(fanned === CUSTOMERS, 'one notice per customer');

  // 3. Restoration: every report resolved and its compensation computed.
  const r0 = performance.now();
  await api('POST', `/incidents/${incident.id}/updates`, {
    status: 'restablecido',
    text: 'Servicio restablecido.',
  });
  const sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  let resolvedMs = Number.NaN;
  const restoreDeadline = performance.now() + 600_000;
  while (performance.now() < restoreDeadline) {
    const { rows } = await sql.query(
      `select count(*)::int as n from cases c where c.incident_id = $1
         and (c.status <> 'resuelto' or not exists (select 1 from compensations k where k.case_id = c.id))`,
      [incident.id],
    );
    const open = Number(rows[0]?.n);
    if (open === 0) {
      resolvedMs = performance.now() - r0;
      break;
    }
    await sleep(200);
  }
  await sql.end();
  console.log(
    `PostgreSQL: restoration: ${CUSTOMERS} reports resolved and compensated in ${seconds(resolvedMs)} ` +
      `(target < ${TARGET.restoreSeconds} s)`,
  );
  check(resolvedMs < TARGET.restoreSeconds * 1000, `restoration within ${TARGET.restoreSeconds} s`);
  clearInterval(watch);
  client.close();
} finally {
  await server.stop();
  await graph.close();
  await dropPostgresDatabase(databaseUrl);
}
if (failed) process.exit(1);

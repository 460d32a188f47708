/**
 * Webhook burst: 10,000 WhatsApp deliveries from 50 concurrent senders, 10% of them redeliveries, to
 * one `atiende serve` process on PostgreSQL with a local fake Graph API. Prints the webhook answer
 * latency, what was stored, duplicates, losses, and how long until every acknowledgement reached the
 * fake Graph server.
 *
 *   DATABASE_URL=postgres://… npx tsx bench/burst/run.ts [--deliveries 10000] [--concurrency 50] [--processes 1]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { waMessagesPayload, waText } from '../../src/channels/testing/wa-payloads.ts';
import { signMetaPayload } from '../../src/channels/whatsapp/signature.ts';
import { startFakeGraph } from '../../src/test/fake-graph.ts';
import { startServers } from '../../src/test/processes.ts';
import { poster } from '../http-client.ts';

const { values } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '50' },
    processes: { type: 'string', default: '1' },
  },
});
const deliveries = Number(values.deliveries);
const concurrency = Number(values.concurrency);
if (!process.env.DATABASE_URL) {
  console.error(
    'Set DATABASE_URL to a PostgreSQL server, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test',
  );
  process.exit(2);
}
const SECRET = 'bench-app-secret';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main() {
  const graph = await startFakeGraph();
  const fleet = await startServers(Number(values.processes), {
    GRAPH_BASE_URL: graph.url,
    WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
    WHATSAPP_APP_SECRET: SECRET,
    WHATSAPP_ACCESS_TOKEN: 'bench-access-token',
    WHATSAPP_PHONE_NUMBER_ID: '200000000000001',
  });
  const servers = fleet.processes;
  const url = fleet.databaseUrl as string;
  try {
    const unique = Math.round(deliveries * 0.9);
    // Each unique message comes from its own sender, so each opens a case and earns an acknowledgement.
    const bodies = Array.from({ length: unique }, (_, i) =>
      JSON.stringify(
        waMessagesPayload(`52181${String(20_000_000 + i)}`, `Cliente ${i}`, [
          waText(`Sin servicio, reporte ${i}`),
        ]),
      ),
    );
    const plan: string[] = [...bodies];
    for (let i = 0; plan.length < deliveries; i++) plan.push(bodies[(i * 7919) % unique] as string);
    // Redeliveries are mixed in among the first sends, as Meta's retries are.
    for (let i = plan.length - 1; i > 0; i--) {
      const j = (i * 2654435761) % (i + 1);
      [plan[i], plan[j]] = [plan[j] as string, plan[i] as string];
    }

    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const started = performance.now();
    const clients = servers.map((server) => poster(server.url, Math.ceil(concurrency / servers.length)));
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        const client = clients[worker % clients.length];
        while (next < plan.length) {
          const raw = plan[next++] as string;
          const t0 = performance.now();
          const response = await client?.post('/webhooks/whatsapp', raw, {
            'x-hub-signature-256': signMetaPayload(Buffer.from(raw), SECRET),
          });
          latencies.push(performance.now() - t0);
          if (response?.status !== 200) failures++;
        }
      }),
    );
    for (const client of clients) client.close();
    const deliveredIn = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);

    let waited = 0;
    while (graph.sent.length < unique && waited < 300_000) {
      await new Promise((r) => setTimeout(r, 250));
      waited += 250;
    }
    const acksIn = (performance.now() - started) / 1000;

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ stored: number; distinct: number }>(
      "select count(*)::int as stored, count(distinct external_id)::int as distinct from messages where kind = 'entrante' and channel = 'whatsapp'",
    );
    await client.end();
    const stored = rows[0]?.stored ?? 0;
    const distinctStored = rows[0]?.distinct ?? 0;
    const acks = graph.sent.length;

    console.log(
      `burst: ${deliveries} deliveries (${unique} unique, ${deliveries - unique} redelivered), ${concurrency} concurrent senders, ${servers.length} process(es), PostgreSQL`,
    );
    console.log(
      `  delivered in ${deliveredIn.toFixed(1)} s (${(deliveries / deliveredIn).toFixed(0)} deliveries/s), non-200 answers: ${failures}`,
    );
    console.log(
      `  webhook answer latency: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms (target p99 < 100 ms)`,
    );
    console.log(
      `  messages stored: ${stored}, duplicates: ${stored - distinctStored}, lost: ${unique - distinctStored}`,
    );
    console.log(
      `  acknowledgements at the fake Graph server: ${acks} of ${unique}, all in ${acksIn.toFixed(1)} s from the first delivery (target < 60 s)`,
    );
  } finally {
    await fleet.stop();
    await graph.close();
  }
}

await main();

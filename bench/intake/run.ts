// Case intake under load: `npx tsx bench/intake/run.ts [--requests 3000] [--concurrency 50] [--db both]`.
// Per database, `POST /api/v1/cases` against one `atiende serve` process, beside the raw driver running
// the statements the app issues per case (session lookup; in one transaction the customer, a prospect
// for an unknown phone, the folio, the agent, the case with its message, deadlines and events, the jobs)
// at the same concurrency. Target on PostgreSQL: app/raw ≥ 0.8 and p99 < 50 ms.
// Needs DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) for the PostgreSQL half.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { insertJobs } from 'pg-boss/dist/plans.js';
import { formatFolio } from '../../src/cases/folio.ts';
import { REQUEST_TYPES, type RequestType } from '../../src/cases/request-types.ts';
import { type RoutingRule, routeToArea } from '../../src/cases/routing.ts';
import { CHANNELS } from '../../src/channels/channel.ts';
import { openDatabase } from '../../src/db/database.ts';
import type { ServerProcess } from '../../src/test/processes.ts';
import { poster } from '../http-client.ts';

const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '50' },
    db: { type: 'string', default: 'both' },
  },
});
const REQUESTS = Number(flags.requests);
const CONCURRENCY = Number(flags.concurrency);
const WARM_UP = 200;
const TARGET = { ratio: 0.8, p99Ms: 50 };
if (!['postgres', 'pglite', 'both'].includes(flags.db ?? '') || !(REQUESTS > 0) || !(CONCURRENCY > 0)) {
  console.error('usage: run.ts [--requests N] [--concurrency C] [--db postgres|pglite|both]');
  process.exit(2);
}
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
// The test helpers read DATABASE_URL once when loaded, so they are loaded after it has its default.
const { createPostgresDatabase, dropPostgresDatabase } = await import('../../src/test/databases.ts');
const { loginOverHttp, startServerProcess } = await import('../../src/test/processes.ts');
const { TEST_ADMIN } = await import('../../src/test/app.ts');

// ── Workload ──────────────────────────────────────────────────────────────────────────────────────

const DESCRIPTIONS: Record<RequestType, string> = {
  duda: '¿Dónde puedo pagar mi mensualidad además de OXXO?',
  consulta: '¿Cuál es mi fecha de corte y cuánto debo pagar este mes?',
  aclaracion: 'Me cobraron dos veces la mensualidad de octubre.',
  queja: 'Es la tercera vez que reporto la falla y nadie viene.',
  falla: 'Sin internet desde anoche en la colonia Mitras Centro.',
  sugerencia: 'Sería bueno que avisaran por WhatsApp cuando hay mantenimiento.',
  contratacion: 'Quiero contratar internet para mi casa en Cumbres.',
  saldo: 'Quiero saber mi saldo pendiente.',
  cancelacion: 'Quiero dar de baja el servicio porque me cambio de ciudad.',
  suspension: 'Se robaron la antena de la azotea anoche.',
  arco: 'Solicito acceso a mis datos personales.',
};

interface Intake {
  /** Ten national digits. */
  phone: string;
  requestType: RequestType;
  channel: (typeof CHANNELS)[number];
  description: string;
}

/**
 * The i-th request of a run. Phones come from a pool half the size of the run, so about 40% of the
 * requests open a prospect and the rest find a known customer. Each run draws from its own block of
 * numbers (`block`), so the raw side meets the same mix of new and known customers as the app did.
 */
function intake(i: number, block: number, size: number): Intake {
  const pool = Math.max(50, Math.floor(size / 2));
  const k = (Math.imul(i + 1, 2_654_435_761) >>> 0) % pool;
  const requestType = REQUEST_TYPES[i % REQUEST_TYPES.length] as RequestType;
  return {
    phone: `81${block}${String(k).padStart(7, '0')}`,
    requestType,
    channel: CHANNELS[i % CHANNELS.length] as Intake['channel'],
    description: DESCRIPTIONS[requestType],
  };
}
const BLOCKS = { appWarmUp: 2, app: 3, rawWarmUp: 4, raw: 5 };

// ── Measurement ───────────────────────────────────────────────────────────────────────────────────

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
  firstFailure?: string;
}

const percentile = (sorted: number[], p: number) => sorted[Math.floor(p * (sorted.length - 1))] ?? Number.NaN;

/** Runs `total` calls of `one` from `concurrency` workers pulling from one counter. */
async function drive(
  total: number,
  concurrency: number,
  one: (i: number) => Promise<void>,
): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const t0 = performance.now();
      try {
        await one(i);
        latencies.push(performance.now() - t0);
      } catch (error) {
        failures += 1;
        firstFailure ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    failures,
    firstFailure,
  };
}

const show = (f: Figures) =>
  `${f.perSecond.toFixed(0)} cases/s, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms` +
  (f.failures > 0 ? ` (${f.failures} FAILED: ${f.firstFailure})` : '');

// ── The app, over HTTP ────────────────────────────────────────────────────────────────────────────

async function appRun(server: ServerProcess, concurrency: number): Promise<Figures> {
  const headers = await loginOverHttp(server.url);
  const client = poster(server.url, concurrency);
  const post = async (work: Intake) => {
    const response = await client.post(
      '/api/v1/cases',
      JSON.stringify({
        requestType: work.requestType,
        channel: work.channel,
        contact: { kind: 'phone', address: work.phone },
        customerName: 'Cliente de prueba',
        description: work.description,
      }),
      headers,
    );
    if (response.status !== 201) throw new Error(`${response.status} ${response.body.slice(0, 300)}`);
  };
  try {
    await drive(WARM_UP, concurrency, (i) => post(intake(i, BLOCKS.appWarmUp, WARM_UP)));
    return await drive(REQUESTS, concurrency, (i) => post(intake(i, BLOCKS.app, REQUESTS)));
  } finally {
    client.close();
  }
}

// ── The raw driver ────────────────────────────────────────────────────────────────────────────────

/** One connection's worth of SQL: a pooled pg client or PGlite. */
interface Sql {
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
}

interface RawSetup {
  adminId: string;
  tokenHash: string;
  settings: Settings;
  areaIds: Map<string, number>;
  /** pg-boss's own insert for the deadline-check queue, as `send` builds it. */
  jobInsert: string;
}

async function rawSetup(sql: Sql): Promise<RawSetup> {
  const [admin] = await sql.query<{ id: string }>('select id from agents where email = $1', [
    TEST_ADMIN.email,
  ]);
  const [session] = await sql.query<{ token_hash: string }>(
    'select token_hash from sessions where agent_id = $1 order by created_at desc limit 1',
    [admin?.id],
  );
  const [queue] = await sql.query<{ table_name: string }>(
    'select table_name from pgboss.queue where name = $1',
    ['deadline-check'],
  );
  const [settingsRow] = await sql.query<{ settings: Settings }>(
    'select settings from provider_settings where id = 1',
  );
  const areaRows = await sql.query<{ id: number; code: string }>('select id, code from areas where active');
  if (!admin || !session || !queue || !settingsRow)
    throw new Error('run the app side first: no admin, session, settings or job queue');
  return {
    adminId: admin.id,
    tokenHash: session.token_hash,
    settings: settingsRow.settings,
    areaIds: new Map(areaRows.map((a) => [a.code, a.id])),
    jobInsert: insertJobs('pgboss', {
      table: queue.table_name,
      name: 'deadline-check',
      returnId: true,
      notify: false,
    }),
  };
}

const SELECT_CONTACT =
  'select "contact_points"."id", "contact_points"."customer_id", "contact_points"."kind", "contact_points"."address", "contact_points"."created_at", "customers"."id", "customers"."account_number", "customers"."name", "customers"."merged_into_id", "customers"."created_at", "customers"."updated_at" from "contact_points" inner join "customers" on "customers"."id" = "contact_points"."customer_id" where ("contact_points"."address" = $1 and "contact_points"."kind" in ($2, $3)) order by "contact_points"."kind" = $4 desc limit $5 for key share of "customers"';
const INSERT_PROSPECT = `with prospect as (insert into "customers" ("id", "account_number", "name", "merged_into_id", "created_at", "updated_at") values ($1, $2, $3, $4, $5, $6)),
  point as (insert into "contact_points" ("id", "customer_id", "kind", "address", "created_at") values ($7, $8, $9, $10, default) on conflict ("kind","address") do nothing returning "id")
  insert into "events" (subject_kind, subject_id, customer_id, kind, actor_kind, actor_rule, after)
  select 'customer', $11::uuid::text, $11::uuid, 'created', $12, 'identificacion_de_cliente', $13::jsonb
  from point
  returning id`;
const FOLIO_AND_AGENT = `with picked as (update "agents" set last_assigned_at = $1
  where id = (
    select a.id from "agents" a
    join "agent_areas" aa on aa.agent_id = a.id and aa.area_id = $2
    where a.active and a.presence = 'en_linea'
      and (select count(*) from "cases" c
           where c.assignee_id = a.id and c.status in ('asignado', 'en_proceso', 'en_espera_cliente')) < a.max_open_cases
    order by a.last_assigned_at asc nulls first, a.id
    limit 1
    for update of a skip locked)
  returning id, name)
  select atiende_next_folio_number($3)::text as n, picked.id as agent_id, picked.name as agent_name
  from (select 1) as one left join picked on true`;
const INSERT_CASE = `with new_case as (insert into "cases" ("id", "folio", "request_type", "subtype", "channel", "customer_id", "raised_by", "representative_id", "raised_by_agent_id", "area_id", "assignee_id", "status", "priority", "subject", "cause_code", "discard_reason", "duplicate_of_id", "follows_up_id", "created_at", "updated_at", "resolved_at", "closed_at") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)),
  first_message as (insert into "messages" ("id", "case_id", "kind", "channel", "external_id", "author_agent_id", "body", "delivery_status", "delivery_error", "metadata", "created_at") values ($23, $24, $25, $26, $27, $28, $29, $30, default, $31, $32)),
  new_deadlines as (insert into "deadlines" ("id", "subject_kind", "subject_id", "kind", "target", "source", "calendar", "pausable", "started_at", "due_at") values ($33, 'case', $34, $35, $36, $37, $38, true, $39, $40), ($41, 'case', $42, $43, $44, $45, $46, true, $47, $48))
  insert into "events" ("id", "subject_kind", "subject_id", "case_id", "customer_id", "kind", "actor_kind", "actor_agent_id", "before", "after", "reason", "created_at") values (default, 'case', $49::uuid::text, $49::uuid, $50, $51, $52, $53, $54, $55, $56, $57), (default, 'case', $58::uuid::text, $58::uuid, $59, $60, $61, $62, $63, $64, $65, $66)`;

interface Settings {
  routingRules: RoutingRule[];
  provider: { folioPrefix: string };
  deadlines?: { businessCalendar?: unknown };
}

const json = (value: unknown) => JSON.stringify(value);

/** The customer behind a phone, as `findOrCreateCustomerByContact` finds or makes it. */
async function rawCustomer(tx: Sql, phone: string): Promise<string> {
  const [known] = await tx.query<{ customer_id: string }>(SELECT_CONTACT, [
    phone,
    'phone',
    'whatsapp',
    'phone',
    1,
  ]);
  if (known) return known.customer_id;
  const at = new Date().toISOString();
  const id = randomUUID();
  const pointId = randomUUID();
  const [point] = await tx.query<{ id: string }>(INSERT_PROSPECT, [
    id,
    null,
    'Cliente de prueba',
    null,
    at,
    at,
    pointId,
    id,
    'phone',
    phone,
    id,
    'sistema',
    json({ prospect: true, contactPointIds: [pointId] }),
  ]);
  if (!point) {
    // Another case claimed the phone meanwhile: the app drops its prospect and takes the winner.
    await tx.query('delete from "customers" where "customers"."id" = $1', [id]);
    const [winner] = await tx.query<{ customer_id: string }>(
      'select "id", "customer_id", "kind", "address", "created_at" from "contact_points" where ("contact_points"."kind" = $1 and "contact_points"."address" = $2)',
      ['phone', phone],
    );
    if (!winner) throw new Error('contact point vanished');
    await tx.query(
      'select "id", "account_number", "name", "merged_into_id", "created_at", "updated_at" from "customers" where "customers"."id" = $1 for key share',
      [winner.customer_id],
    );
    return winner.customer_id;
  }
  return id;
}

/**
 * The statements `POST /api/v1/cases` issues, in order, with values of the same shape. The settings and
 * areas are in the server's memory between requests, so they are read once here too.
 */
async function rawCase(
  pool: { outside: Sql; transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> },
  setup: RawSetup,
  work: Intake,
): Promise<void> {
  const now = new Date();
  const at = now.toISOString();
  const settings = setup.settings;
  await pool.outside.query(
    'select "agents"."id", "agents"."role", "sessions"."csrf_token" from "sessions" inner join "agents" on "agents"."id" = "sessions"."agent_id" where ("sessions"."token_hash" = $1 and "sessions"."expires_at" > $2 and "agents"."active" = $3)',
    [setup.tokenHash, at, true],
  );
  await pool.transaction(async (tx) => {
    const customerId = await rawCustomer(tx, `+52${work.phone}`);
    const areaCode = routeToArea(settings.routingRules, {
      requestType: work.requestType,
      text: work.description,
    });
    const areaId = areaCode ? setup.areaIds.get(areaCode) : undefined;
    if (areaId === undefined) throw new Error(`no area ${areaCode}`);
    const year = now.getUTCFullYear();
    const [next] = await tx.query<{ n: string; agent_id: string | null }>(FOLIO_AND_AGENT, [
      at,
      areaId,
      year,
    ]);
    const folio = formatFolio(settings.provider.folioPrefix, year, Number(next?.n));
    const agent = next?.agent_id ? { id: next.agent_id } : undefined;
    const caseId = randomUUID();
    const messageId = randomUUID();
    const calendar = json(settings.deadlines?.businessCalendar ?? { zone: 'America/Monterrey' });
    const source = 'Plazo del contrato de adhesión registrado ante PROFECO';
    const deadlines = (
      [
        ['primera_respuesta', 2],
        ['resolucion', 24],
      ] as const
    ).map(([kind, hours]) => ({
      id: randomUUID(),
      kind,
      target: json({ unit: 'hours', clock: 'calendar', amount: hours }),
      warn: new Date(now.getTime() + hours * 2_700_000).toISOString(),
      due: new Date(now.getTime() + hours * 3_600_000).toISOString(),
    }));
    const actor = ['agente', setup.adminId] as const;
    await tx.query(INSERT_CASE, [
      // the case
      caseId,
      folio,
      work.requestType,
      null,
      work.channel,
      customerId,
      'agente',
      null,
      setup.adminId,
      areaId,
      agent?.id ?? null,
      agent ? 'asignado' : 'nuevo',
      'normal',
      work.description,
      null,
      null,
      null,
      null,
      at,
      at,
      null,
      null,
      // its first message
      messageId,
      caseId,
      'entrante',
      work.channel,
      null,
      setup.adminId,
      work.description,
      null,
      null,
      at,
      // its deadlines
      ...deadlines.flatMap((d) => [d.id, caseId, d.kind, d.target, source, calendar, at, d.due]),
      // its events
      caseId,
      null,
      'created',
      ...actor,
      null,
      json({
        folio,
        requestType: work.requestType,
        subtype: null,
        channel: work.channel,
        customerId,
        areaId,
        priority: 'normal',
        raisedBy: 'agente',
        representativeId: null,
        followsUpId: null,
      }),
      null,
      at,
      caseId,
      null,
      'message_added',
      ...actor,
      null,
      json({ messageId, kind: 'entrante', attachments: 0 }),
      null,
      at,
    ]);
    // The warning and due checks of both deadlines in one insert, as the app's enqueueMany does.
    const jobs = deadlines.flatMap((d) =>
      [d.warn, d.due].map((startAfter) => ({
        id: null,
        name: 'deadline-check',
        data: { deadlineId: d.id },
        startAfter,
        singletonKey: null,
        singletonOffset: 0,
        groupId: null,
        groupTier: null,
        deadLetter: null,
      })),
    );
    await tx.query(setup.jobInsert, [json(jobs)]);
  });
}

const ofClient = (client: {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}): Sql => ({
  async query<R>(text: string, params?: unknown[]) {
    return (await client.query(text, params)).rows as R[];
  },
});

/** The raw side on PostgreSQL: a pool as large as the concurrency, one transaction per case. */
async function rawPostgres(url: string, concurrency: number): Promise<Figures> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  try {
    const outside = ofClient(pool);
    const setup = await rawSetup(outside);
    const runner = {
      outside,
      async transaction<T>(fn: (tx: Sql) => Promise<T>) {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const result = await fn(ofClient(client));
          await client.query('commit');
          return result;
        } catch (error) {
          await client.query('rollback');
          throw error;
        } finally {
          client.release();
        }
      },
    };
    await drive(WARM_UP, concurrency, (i) => rawCase(runner, setup, intake(i, BLOCKS.rawWarmUp, WARM_UP)));
    return await drive(REQUESTS, concurrency, (i) => rawCase(runner, setup, intake(i, BLOCKS.raw, REQUESTS)));
  } finally {
    await pool.end();
  }
}

/** The raw side on PGlite: its one connection, one case after another. */
async function rawPglite(dataDir: string): Promise<Figures> {
  const handle = await openDatabase({ kind: 'pglite', dataDir }, 'bench intake');
  try {
    const pglite = handle.pglite;
    if (!pglite) throw new Error('not a PGlite handle');
    const connection = ofClient(pglite);
    const setup = await rawSetup(connection);
    const runner = {
      outside: connection,
      async transaction<T>(fn: (tx: Sql) => Promise<T>) {
        await pglite.query('begin');
        try {
          const result = await fn(connection);
          await pglite.query('commit');
          return result;
        } catch (error) {
          await pglite.query('rollback');
          throw error;
        }
      },
    };
    await drive(WARM_UP, 1, (i) => rawCase(runner, setup, intake(i, BLOCKS.rawWarmUp, WARM_UP)));
    return await drive(REQUESTS, 1, (i) => rawCase(runner, setup, intake(i, BLOCKS.raw, REQUESTS)));
  } finally {
    await handle.close();
  }
}

// ── Sanity: both sides wrote the same rows ───────────────────────────────────────────────────────

const TABLES = ['cases', 'messages', 'events', 'deadlines', 'customers', 'contact_points', 'pgboss.job'];

async function rowCounts(sql: Sql): Promise<number[]> {
  const counts: number[] = [];
  for (const table of TABLES) {
    const [row] = await sql.query<{ n: string }>(`select count(*)::text as n from ${table}`);
    counts.push(Number(row?.n));
  }
  return counts;
}

const perCase = (before: number[], after: number[], cases: number) =>
  TABLES.map(
    (t, k) => `${t.replace('pgboss.', '')} ${(((after[k] ?? 0) - (before[k] ?? 0)) / cases).toFixed(2)}`,
  ).join(', ');

function report(
  label: string,
  app: Figures,
  raw: Figures,
  rawNote: string,
  rows: { app: string; raw: string },
) {
  const ratio = app.perSecond / raw.perSecond;
  console.log(
    `${label}: app: ${show(app)} | raw${rawNote}: ${show(raw)} | ratio app/raw: ${ratio.toFixed(2)}`,
  );
  console.log(`  rows per case, app: ${rows.app}`);
  console.log(`  rows per case, raw: ${rows.raw}`);
  return ratio;
}

// ── Runs ──────────────────────────────────────────────────────────────────────────────────────────

async function benchPostgres() {
  const url = await createPostgresDatabase();
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess({ DATABASE_URL: url });
    const probe = new pg.Client({ connectionString: url });
    await probe.connect();
    const sql = ofClient(probe);
    const [version] = await sql.query<{ server_version: string }>('show server_version');
    const start = await rowCounts(sql);
    const app = await appRun(server, CONCURRENCY);
    await server.stop();
    server = undefined;
    const middle = await rowCounts(sql);
    const raw = await rawPostgres(url, CONCURRENCY);
    const end = await rowCounts(sql);
    await probe.end();
    const ratio = report(`PostgreSQL ${version?.server_version}`, app, raw, ` (pool of ${CONCURRENCY})`, {
      app: perCase(start, middle, REQUESTS + WARM_UP),
      raw: perCase(middle, end, REQUESTS + WARM_UP),
    });
    const met = ratio >= TARGET.ratio && app.p99 < TARGET.p99Ms;
    console.log(
      `  target (ratio ≥ ${TARGET.ratio}, app p99 < ${TARGET.p99Ms} ms): ${met ? 'met' : 'MISSED'}`,
    );
  } finally {
    await server?.stop();
    await dropPostgresDatabase(url);
  }
}

async function pgliteRowCounts(dir: string): Promise<number[]> {
  const handle = await openDatabase({ kind: 'pglite', dataDir: dir }, 'bench intake');
  try {
    if (!handle.pglite) throw new Error('not a PGlite handle');
    return await rowCounts(ofClient(handle.pglite));
  } finally {
    await handle.close();
  }
}

async function benchPglite() {
  const dir = mkdtempSync(path.join(tmpdir(), 'atiende-bench-'));
  let server: ServerProcess | undefined;
  try {
    // An empty DATABASE_URL counts as unset, so the server opens its embedded database in `dir`.
    server = await startServerProcess({ DATABASE_URL: '', ATIENDE_DATA_DIR: dir });
    const app = await appRun(server, CONCURRENCY);
    await server.stop();
    server = undefined;
    const middle = await pgliteRowCounts(dir);
    const raw = await rawPglite(dir);
    const end = await pgliteRowCounts(dir);
    // The data folder was new: the app side's rows are all there is (but a few cron jobs of pg-boss).
    const start = TABLES.map(() => 0);
    report('PGlite', app, raw, ' (one connection, sequential)', {
      app: perCase(start, middle, REQUESTS + WARM_UP),
      raw: perCase(middle, end, REQUESTS + WARM_UP),
    });
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `Node ${process.version}, ${availableParallelism()} CPUs; ${REQUESTS} cases after ${WARM_UP} to warm up, ${CONCURRENCY} concurrent clients`,
);
if (flags.db !== 'pglite') await benchPostgres();
if (flags.db !== 'postgres') await benchPglite();

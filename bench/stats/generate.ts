// Fills a PostgreSQL database with a provider's two years for the statistics benchmark:
//   createdb -h 127.0.0.1 -U postgres atiende_bench
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/atiende_bench npx tsx bench/stats/generate.ts [cases=1000000]
// Then `npx tsx bench/stats/run.ts`. Everything is made by INSERT … SELECT generate_series in the database,
// with ids derived from the row number (md5 as uuid) so the tables reference each other without lookups.
import pg from 'pg';
import { prepareDatabase } from '../../src/app.ts';
import { loadConfig } from '../../src/config/env.ts';
import { databaseTarget, openDatabase } from '../../src/db/database.ts';
import { ALWAYS_OPEN } from '../../src/sla/calendar-spec.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to a PostgreSQL database for the benchmark');
const CASES = Number(process.argv[2] ?? 1_000_000);
const CUSTOMERS = Math.max(10, Math.floor(CASES / 4));
const AGENTS = 60;
const INCIDENTS = 300;

const config = loadConfig({
  DATABASE_URL: url,
  LOG_LEVEL: 'silent',
  ATIENDE_DATA_DIR: '/nonexistent-atiende-bench',
  ATIENDE_ADMIN_EMAIL: 'admin@example.test',
  ATIENDE_ADMIN_PASSWORD: 'correct horse battery staple',
});
const database = await openDatabase(databaseTarget(config), 'bench:stats');
await prepareDatabase(database, config);
await database.close();

const pool = new pg.Pool({ connectionString: url, max: 1 });
const step = async (name: string, text: string) => {
  const started = performance.now();
  const result = await pool.query(text);
  console.log(
    `${name.padEnd(28)} ${String(result.rowCount ?? '').padStart(9)} rows ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
};

const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from cases');
if ((rows[0]?.n ?? 0) > 0)
  throw new Error('The database already has cases: use a fresh one (dropdb, createdb)');

await pool.query('set statement_timeout = 0');
await step(
  'zones',
  `insert into zones (id, code, name, parent_id)
   select 100000 + g, 'BZ' || g, 'Zona ' || g, case when g > 10 then 100000 + 1 + g % 10 end
   from generate_series(1, 50) g`,
);
await step(
  'customers',
  `insert into customers (id, name) select md5('cust' || g)::uuid, 'Cliente ' || g from generate_series(1, ${CUSTOMERS}) g`,
);
await step(
  'services',
  `insert into services (id, customer_id, zone_id, status, cutoff_day)
   select md5('svc' || g)::uuid, md5('cust' || g)::uuid, 100011 + g % 40, 'activo', 1 + g % 28
   from generate_series(1, ${CUSTOMERS}) g`,
);
await step(
  'agents',
  `insert into agents (id, email, name, password_hash, role, presence)
   select md5('agent' || g)::uuid, 'bench' || g || '@example.test', 'Agente ' || g, 'x', 'agent',
     (array['en_linea', 'ausente', 'desconectado'])[1 + g % 3]
   from generate_series(1, ${AGENTS}) g`,
);
await step(
  'agent areas',
  `insert into agent_areas (agent_id, area_id)
   select md5('agent' || g)::uuid, (select array_agg(id order by id) from areas)[1 + g % (select count(*) from areas)::int]
   from generate_series(1, ${AGENTS}) g`,
);
await step(
  'incidents',
  `insert into incidents (id, status, cause, public_text, started_at, restored_at, closed_at)
   select md5('inc' || g)::uuid, 'cerrado', 'energia', 'Corte ' || g, t, t + (30 + g % 600) * interval '1 minute',
     t + interval '1 day'
   from generate_series(1, ${INCIDENTS}) g, lateral (select now() - (g * 730.0 / ${INCIDENTS}) * interval '1 day' as t) s`,
);
await step(
  'incident zones',
  `insert into incident_zones (incident_id, zone_id) select md5('inc' || g)::uuid, 100001 + g % 10 from generate_series(1, ${INCIDENTS}) g`,
);
// Created in order over two years (as a real table grows, its pages follow time); older than two weeks
// closed (a few discarded or still being worked), newer spread over every status.
await step(
  'cases',
  `insert into cases (id, folio, request_type, subtype, channel, customer_id, raised_by, area_id, assignee_id,
     status, subject, service_id, incident_id, created_at, updated_at)
   select md5('case' || g)::uuid, 'BENCH-' || g, rt, case when rt = 'falla' then (array['sin_servicio', 'lentitud', 'intermitencia'])[1 + g % 3] end,
     (array['telefono', 'whatsapp', 'email', 'portal', 'facebook'])[1 + (g / 7) % 5],
     md5('cust' || (1 + g % ${CUSTOMERS}))::uuid, 'cliente',
     (select array_agg(id order by id) from areas)[1 + (g / 3) % (select count(*) from areas)::int],
     case when st <> 'nuevo' then md5('agent' || (1 + g % ${AGENTS}))::uuid end,
     st, 'Caso ' || g, md5('svc' || (1 + g % ${CUSTOMERS}))::uuid,
     case when rt = 'falla' and g % 11 = 0 then md5('inc' || (1 + g % ${INCIDENTS}))::uuid end,
     created, created
   from (
     select g, rt, created,
       case when created < now() - interval '14 days'
         then (case when g % 50 = 0 then 'descartado' when g % 97 = 0 then 'en_proceso' else 'cerrado' end)
         else (array['nuevo', 'asignado', 'en_proceso', 'en_espera_cliente', 'resuelto', 'cerrado'])[1 + g % 6] end as st
     from generate_series(1, ${CASES}) g,
       lateral (select (array['duda', 'consulta', 'aclaracion', 'queja', 'falla', 'falla', 'falla', 'saldo', 'cancelacion', 'contratacion'])[1 + g % 10] as rt,
         now() - (${CASES} - g)::float8 / ${CASES} * interval '730 days' as created) s
   ) x`,
);
// First response due in 4 hours, resolution in 3 days (calendar time, so the stored minutes are exact);
// met on time or up to a third late; the open cases' first response met unless new.
const calendar = JSON.stringify(ALWAYS_OPEN).replaceAll("'", "''");
for (const [kind, hours, open] of [
  ['primera_respuesta', 4, `c.status = 'nuevo'`],
  ['resolucion', 72, `c.status not in ('resuelto', 'cerrado', 'descartado')`],
] as const)
  await step(
    `deadlines ${kind}`,
    `insert into deadlines (subject_kind, subject_id, kind, target, source, calendar, pausable, started_at, due_at,
       met_at, breached_at, business_minutes, paused_at)
     select 'case', c.id, '${kind}', '{"amount": ${hours}, "unit": "hours", "clock": "calendar"}', 'bench', '${calendar}'::jsonb, true,
       c.created_at, c.created_at + interval '${hours} hours',
       case when not open then c.created_at + spent * interval '1 minute' end,
       case when (not open and spent > ${hours * 60}) or (open and c.created_at + interval '${hours} hours' < now())
         then c.created_at + interval '${hours} hours' end,
       case when not open then spent end,
       case when open and c.status = 'en_espera_cliente' then c.created_at + interval '1 hour' end
     from cases c, lateral (select ${open} as open,
       (abs(hashtext(c.folio || '${kind}')) % ${Math.round(hours * 60 * 1.33)})::int as spent) s`,
  );
await step(
  'compensations',
  `insert into compensations (case_id, service_id, kind, status, computed_centavos, refund_centavos, bonus_centavos,
     applied_centavos, formula, explanation, decided_at, refunded_at, created_at)
   select c.id, c.service_id, k, case when n % 10 = 0 then 'por_aprobar' else 'aplicada' end,
     amount, case when k = 'cargo_indebido' then amount / 2 else 0 end, amount - case when k = 'cargo_indebido' then amount / 2 else 0 end,
     case when n % 10 <> 0 then amount end, '{}', 'bench',
     case when n % 10 <> 0 then c.created_at + interval '2 days' end,
     case when n % 10 <> 0 and k = 'cargo_indebido' then c.created_at + interval '9 days' end,
     c.created_at + interval '1 day'
   from (select c.*, row_number() over () as n from cases c where c.request_type in ('falla', 'queja') and hashtext(c.folio) % 25 = 0) c,
     lateral (select case when c.request_type = 'falla' then 'falla' else 'cargo_indebido' end as k,
       (1000 + abs(hashtext(c.id::text)) % 50000)::bigint as amount) s`,
);
await step(
  'satisfaction surveys',
  `insert into csat_surveys (case_id, customer_id, channel, area_id, agent_id, status, token_hash, score, sent_at,
     answered_at, expires_at)
   select c.id, c.customer_id, c.channel, c.area_id, c.assignee_id,
     case when answered then 'respondida' else 'expirada' end, 'bench-' || c.folio,
     case when answered then 1 + abs(hashtext(c.folio)) % 5 end, c.created_at + interval '3 days',
     case when answered then c.created_at + interval '4 days' end, c.created_at + interval '33 days'
   from cases c, lateral (select abs(hashtext(c.folio || 'csat')) % 10 < 4 as answered) s
   where c.status = 'cerrado' and abs(hashtext(c.folio || 'sent')) % 10 < 3`,
);
await step('vacuum analyze', 'vacuum analyze');
await pool.end();

import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../db/database.ts';
import { startTestApp, type TestApp } from '../test/app.ts';
import { describePostgres } from '../test/databases.ts';
import { listStatements } from './case-list.ts';
import { customersStatement } from './case-search.ts';
import { ListCasesQuery } from './cases.schema.ts';
import { formatFolio } from './folio.ts';

const CASES = 50_000;
const CUSTOMERS = 20_000;

// Plans depend on table sizes and statistics: on a few hundred rows PostgreSQL rightly scans. This
// checks, on 50,000 cases, that every kind of search and list is answered by its index.
describePostgres('case search and lists use their indexes at 50,000 cases', () => {
  let app: TestApp;
  const now = new Date('2026-11-13T18:00:00Z');

  beforeAll(async () => {
    app = await startTestApp('postgres', { work: false });
    const db = app.atiende.ctx.db;
    await db.execute(sql`
      insert into customers (id, name, account_number)
      select ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid,
        (array['Jesús', 'María', 'José', 'Ana', 'Luis', 'Rosa', 'Juan', 'Guadalupe', 'Carlos', 'Lucía'])[1 + i % 10]
        || ' ' || (array['García', 'Martínez', 'Pérez', 'Hernández', 'Garza', 'López', 'Rodríguez', 'Sánchez',
          'Ramírez', 'Flores', 'Gómez', 'Díaz', 'Reyes', 'Morales', 'Cruz', 'Ortiz', 'Gutiérrez', 'Chávez',
          'Ramos', 'Ruiz', 'Mendoza', 'Aguilar', 'Vázquez', 'Castillo', 'Jiménez', 'Moreno', 'Romero',
          'Herrera', 'Medina', 'Treviño'])[1 + (i / 10) % 30]
        || ' ' || (array['Cantú', 'Salinas', 'Villarreal', 'Elizondo', 'Leal'])[1 + (i / 300) % 5] || ' ' || i,
        'MON-' || lpad(i::text, 7, '0')
      from generate_series(1, ${CUSTOMERS}) i`);
    await db.execute(sql`
      insert into contact_points (customer_id, kind, address)
      select ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'phone', '+5281' || lpad(i::text, 8, '0')
      from generate_series(1, ${CUSTOMERS}) i
      union all
      select ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'email', 'cliente' || i || '@example.test'
      from generate_series(1, ${CUSTOMERS}) i`);
    await db.execute(sql`
      insert into cases (folio, request_type, channel, customer_id, raised_by, area_id, subject, created_at,
        next_due_kind, next_due_at, next_warn_at)
      select 'MON-2026-' || lpad(i::text, 6, '0') || '-0', 'queja', 'telefono',
        ('00000000-0000-4000-8000-' || lpad((1 + i % ${CUSTOMERS})::text, 12, '0'))::uuid, 'cliente',
        (select min(id) from areas),
        (array['Cobro indebido en mi factura', 'Sin señal desde ayer', 'El módem no enciende',
          'Cancelación del servicio', 'Instalación pendiente', 'Lentitud por las noches'])[1 + i % 6]
          || case when i % 500 = 0 then ' y portabilidad' else '' end || ' ' || i,
        ${now}::timestamptz - i * interval '3 minutes',
        case when i % 5 = 0 then null else 'resolucion' end,
        case when i % 5 = 0 then null else ${now}::timestamptz + (i % 997 - 100) * interval '1 hour' end,
        case when i % 5 = 0 then null else ${now}::timestamptz + (i % 997 - 130) * interval '1 hour' end
      from generate_series(1, ${CASES}) i`);
    await db.execute(sql`
      insert into messages (case_id, kind, channel, body)
      select id, 'entrante', 'telefono',
        (array['Me cobraron dos veces la facturación', 'No tengo internet desde el martes',
          'Quiero cancelar mi contrato', 'El técnico no llegó a la instalación',
          'Pagué en OXXO y no se refleja', 'La antena se cayó con el viento'])[1 + (abs(hashtext(folio)) % 6)]
      from cases`);
    // One folio written as the application writes them, with its check digit.
    await db.execute(
      sql`update cases set folio = ${formatFolio('MON', 2026, 1234)} where folio = 'MON-2026-001234-0'`,
    );
    await db.execute(sql`analyze`);
  }, 300_000);
  afterAll(() => app?.close());

  const plan = async (statement: SQL) => {
    const rows = await queryRows<{ 'QUERY PLAN': string }>(
      app.atiende.ctx.db,
      sql`explain (analyze, buffers, costs off) ${statement}`,
    );
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  };
  it.each([
    ['a word', { q: 'portabilidad' }, ['cases_search_idx', 'messages_search_idx']],
    ['a customer name', { q: 'trevino' }, ['customers_name_trgm_idx', 'cases_customer_idx']],
    ['a phone', { q: '81 0000 1234' }, ['contact_points_kind_address_key', 'cases_customer_idx']],
    ['an e-mail', { q: 'cliente77@example.test' }, ['contact_points_kind_address_key']],
    ['an account number', { q: 'MON-0000077' }, ['customers_account_number_unique', 'cases_customer_idx']],
    ['a folio', { q: 'mon2026001234' }, ['cases_folio_unique']],
    ['the overdue, nearest first', { deadline: 'vencido', sort: 'plazo' }, ['cases_next_due_idx']],
    ['the first page', {}, ['cases_created_idx']],
    ['the first page by due date', { sort: 'plazo' }, ['cases_next_due_idx']],
  ])('%s', async (name, query, indexes) => {
    const statements = listStatements(app.atiende.ctx.db, ListCasesQuery.parse(query), now);
    const page = await plan(statements.page);
    const customers = statements.terms ? customersStatement(statements.terms) : null;
    const plans = [page, customers ? await plan(customers) : ''].join('\n');
    console.log(`--- ${name}\n${plans}`);
    for (const index of indexes) expect(plans).toContain(index);
    expect(plans).not.toMatch(/Seq Scan on (cases|messages|customers|contact_points)\b/);
    // The exact total is a count over the same conditions; printed, not judged (a count of every case
    // reads the whole index).
    console.log(`--- ${name}: count\n${await plan(statements.count)}`);
  });
});

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SEND_JOB } from '../channels/outbound-send.ts';
import { ManualClock } from '../clock.ts';
import { findOrCreateCustomerByContact } from '../customers/customer-lookup.ts';
import { addRepresentative } from '../customers/representatives.service.ts';
import { queryRows } from '../db/database.ts';
import {
  arcoRequests,
  attachmentBlobs,
  contactPoints,
  conversations,
  conversationTurns,
  customers,
  inboundDeliveries,
  incidents,
  incidentUpdates,
  ledgerEntries,
  messageAttachments,
  payments,
  quarantinedMessages,
  services,
  throttles,
} from '../db/schema.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { agentActor } from '../events/events.service.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { addressVariants, runRetention } from './anonymise.ts';

const run = promisify(execFile);
const YEAR_MS = 366 * 86_400_000;

/** Markers only this customer's extra records carry, so finding them after the erasure is a leak. */
const REPRESENTATIVE = { name: 'Rodrigo Apoderado Quintanilla', contact: 'rodrigo.apoderado@ejemplo.test' };
const TURN_TEXT = 'Quiero saber mi saldo del mes de octubre por favor';
const INSTALL_ADDRESS = 'Calle Privada Los Nogales 417, Col. Cumbres';
const PAYMENT_REFERENCE = 'SPEI-REF-88123-ARCO';
const LEDGER_REFERENCE = 'RECIBO-77415-ARCO';
const LEDGER_NOTE = 'Pago en ventanilla de Ramona Quiroga';
const ATTACHMENT_TEXT = 'Comprobante de domicilio escaneado 5512';
const ATTACHMENT_NAME = 'comprobante-domicilio-5512.pdf';

describeEachDatabase('ARCO cancellation erases a person and keeps the statistics', (kind) => {
  let app: TestApp;
  let supervisor: Session;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    app = await startTestApp(kind, { work: false, clock });
    const seeded = await seedDemo(app.atiende.ctx, { customers: 20, cases: 40 });
    const lead = seeded.agents.find((a) => a.role === 'supervisor');
    if (!lead) throw new Error('no supervisor');
    supervisor = await app.login(lead.email, lead.password);
  }, 300_000);
  afterAll(() => app?.close());

  const db = () => app.atiende.ctx.db;

  /** The whole database as text: pg_dump on PostgreSQL, every row of every table cast to text on PGlite. */
  async function dump(): Promise<string> {
    if (app.database.url) {
      const { stdout } = await run('pg_dump', ['--no-owner', app.database.url], {
        maxBuffer: 512 * 1024 * 1024,
      });
      return stdout;
    }
    const tables = await queryRows<{ schema: string; name: string }>(
      db(),
      sql`select table_schema as schema, table_name as name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
    );
    expect(tables.some((t) => t.schema === 'pgboss')).toBe(true);
    const parts: string[] = [];
    for (const table of tables) {
      const rows = await queryRows<{ row: string }>(
        db(),
        sql`select t::text as row from ${sql.identifier(table.schema)}.${sql.identifier(table.name)} t`,
      );
      parts.push(`-- ${table.schema}.${table.name}`, ...rows.map((r) => r.row));
    }
    return parts.join('\n');
  }

  /** Numbers a report would show: cases by type, subtype, channel, area, month and status; clocks met on time or late. */
  async function statistics(excludeCaseId: string) {
    const byGroup = await queryRows(
      db(),
      sql`select request_type, coalesce(subtype, '') as subtype, channel, area_id, status,
          to_char(created_at at time zone 'UTC', 'YYYY-MM') as month, count(*)::int as n,
          count(*) filter (where deadline_met_late)::int as late
        from cases where id <> ${excludeCaseId}
        group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`,
    );
    const clocks = await queryRows(
      db(),
      sql`select subject_kind, kind,
          count(*) filter (where met_at is not null and met_at <= due_at)::int as on_time,
          count(*) filter (where met_at > due_at)::int as late,
          count(*) filter (where met_at is null)::int as pending
        from deadlines
        where subject_kind <> 'arco_request' and subject_id <> ${excludeCaseId}
        group by 1, 2 order by 1, 2`,
    );
    const trail = await queryRows(
      db(),
      sql`select kind, count(*)::int as n from events
        where (case_id is null or case_id <> ${excludeCaseId})
          and kind not in ('customer_anonymised', 'customer_retention_anonymised', 'created')
        group by 1 order by 1`,
    );
    const traffic = await queryRows(
      db(),
      sql`select m.channel, m.kind, count(*)::int as n from messages m
        where m.case_id <> ${excludeCaseId} group by 1, 2 order by 1, 2`,
    );
    const money = await queryRows(
      db(),
      sql`select kind, count(*)::int as n, sum(amount_centavos)::text as total from ledger_entries
        group by 1 order by 1`,
    );
    return { byGroup, clocks, trail, traffic, money };
  }

  it('finds none of their name, phones, e-mails, account number or texts in the dump', async () => {
    // A customer with an account, cases on several channels and a name nobody else has.
    const [person] = await queryRows<{ id: string; name: string; account_number: string }>(
      db(),
      sql`select c.id, c.name, c.account_number from customers c
        join cases k on k.customer_id = c.id
        where c.account_number is not null and c.name is not null
          and not exists (select 1 from customers o where o.id <> c.id and strpos(o.name, c.name) > 0)
        group by c.id having count(distinct k.channel) >= 2
        order by count(distinct k.channel) desc, c.id limit 1`,
    );
    if (!person) throw new Error('no customer with cases on several channels');
    const now = clock.now();
    const points = await db().select().from(contactPoints).where(eq(contactPoints.customerId, person.id));
    const phone = points.find((p) => p.kind === 'phone');
    if (!phone) throw new Error('the demo customer has no phone');
    const whatsappDigits = `521${phone.address.slice(3)}`;

    // Their footprint beyond the demo's cases: a representative, a service paid by SPEI, a menu
    // conversation, the raw webhook it came in, a quarantined copy, a queued job and a rate-limit key.
    const representative = await addRepresentative(
      app.atiende.ctx.database,
      {
        customerId: person.id,
        name: REPRESENTATIVE.name,
        contact: REPRESENTATIVE.contact,
        contactPoint: { kind: 'email', address: REPRESENTATIVE.contact },
        now,
      },
      agentActor({ agentId: supervisor.agentId }),
    );
    const [service] = await db()
      .insert(services)
      .values({
        customerId: person.id,
        externalRef: person.account_number,
        installAddress: INSTALL_ADDRESS,
        status: 'activo',
        cutoffDay: 10,
      })
      .returning();
    if (!service) throw new Error('no service');
    await db().insert(payments).values({
      serviceId: service.id,
      amountCentavos: 45_000,
      paidOn: '2026-11-02',
      method: 'spei',
      reference: PAYMENT_REFERENCE,
      status: 'confirmado',
      registeredBy: supervisor.agentId,
    });
    await db().insert(ledgerEntries).values({
      serviceId: service.id,
      kind: 'pago',
      amountCentavos: -45_000,
      effectiveDate: '2026-11-02',
      reference: LEDGER_REFERENCE,
      note: LEDGER_NOTE,
      actorKind: 'agente',
      actorAgentId: supervisor.agentId,
    });
    const [conversation] = await db()
      .insert(conversations)
      .values({
        channel: 'whatsapp',
        contactAddress: whatsappDigits,
        customerId: person.id,
        state: { step: 'saldo' },
        startedAt: now,
        lastActivityAt: now,
      })
      .returning();
    if (!conversation) throw new Error('no conversation');
    await db()
      .insert(conversationTurns)
      .values({ conversationId: conversation.id, kind: 'entrante', body: TURN_TEXT });
    const raw = Buffer.from(
      JSON.stringify({
        entry: [
          { changes: [{ value: { messages: [{ from: whatsappDigits, text: { body: TURN_TEXT } }] } }] },
        ],
      }),
    );
    const [delivery] = await db()
      .insert(inboundDeliveries)
      .values({ channel: 'whatsapp', sha256: 'a'.repeat(64), body: raw, processedAt: now })
      .returning();
    await db()
      .insert(quarantinedMessages)
      .values({
        channel: 'whatsapp',
        sha256: 'b'.repeat(64),
        deliveryId: delivery?.id,
        raw,
        reason: 'parse',
      });
    await app.atiende.ctx.jobs.enqueue(db(), SEND_JOB, {
      messageId: person.id,
      to: phone.address,
      name: person.name,
    });
    // A file they sent on one of their cases, stored once by content.
    const [theirMessage] = await queryRows<{ id: string }>(
      db(),
      sql`select m.id from messages m join cases k on k.id = m.case_id where k.customer_id = ${person.id} limit 1`,
    );
    if (!theirMessage) throw new Error('no message');
    const bytes = Buffer.from(ATTACHMENT_TEXT);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await db()
      .insert(attachmentBlobs)
      .values({ sha256, size: bytes.length, contentType: 'application/pdf', data: bytes });
    await db()
      .insert(messageAttachments)
      .values({ messageId: theirMessage.id, sha256, filename: ATTACHMENT_NAME, position: 0 });
    // An incident's text a supervisor wrote naming whose report started it.
    const [incident] = await db()
      .insert(incidents)
      .values({
        status: 'abierto',
        cause: 'energia',
        publicText: `Sin servicio en Cumbres; reportó ${person.name} (${person.account_number})`,
        startedAt: now,
      })
      .returning();
    if (!incident) throw new Error('no incident');
    await db()
      .insert(incidentUpdates)
      .values({
        incidentId: incident.id,
        status: 'abierto',
        publicText: `Aviso a ${phone.address}: seguimos trabajando`,
      });
    await db()
      .insert(throttles)
      .values({ key: `rl:portal:${phone.address}`, hits: 1, windowStart: now });

    // The request, as an agent takes it by phone: registered, identity checked through the representative, granted.
    const created = await supervisor.request('POST', '/api/v1/arco-requests', {
      customerId: person.id,
      subtype: 'cancelacion',
      channel: 'telefono',
      description: 'Pido que borren todos mis datos personales',
    });
    expect(created.statusCode, created.body).toBe(201);
    const request = created.json() as { id: string; caseId: string };
    const identity = await supervisor.request('POST', `/api/v1/arco-requests/${request.id}/identity`, {
      method: 'representante_autorizado',
      representativeId: representative.id,
    });
    expect(identity.statusCode, identity.body).toBe(200);
    const answered = await supervisor.request('POST', `/api/v1/arco-requests/${request.id}/answer`, {
      outcome: 'procedente',
    });
    expect(answered.statusCode, answered.body).toBe(200);

    // What must disappear: who they are, how they are reached, and what they and the agents wrote to them.
    const ownLines = await queryRows<{ line: string }>(
      db(),
      sql`select distinct trim(l) as line from (
          select regexp_split_to_table(m.body, E'\\n') as l from messages m join cases k on k.id = m.case_id
          where k.customer_id = ${person.id} and k.id <> ${request.caseId}
          union all select k.subject from cases k where k.customer_id = ${person.id} and k.id <> ${request.caseId}
        ) own where length(trim(l)) >= 16 and strpos(l, '"') = 0 and strpos(l, E'\\\\') = 0 and strpos(l, E'\\t') = 0`,
    );
    // Template sentences other customers' cases share are not theirs to erase.
    const texts: string[] = [];
    for (const { line } of ownLines) {
      const [shared] = await queryRows<{ n: number }>(
        db(),
        sql`select count(*)::int as n from messages m join cases k on k.id = m.case_id
          where k.customer_id <> ${person.id} and (strpos(m.body, ${line}) > 0 or strpos(k.subject, ${line}) > 0)`,
      );
      if (shared?.n === 0) texts.push(line);
    }
    expect(texts.length).toBeGreaterThanOrEqual(2);
    const needles = [
      person.name,
      person.account_number,
      ...points.flatMap((p) => addressVariants(p.kind, p.address)),
      REPRESENTATIVE.name,
      REPRESENTATIVE.contact,
      TURN_TEXT,
      INSTALL_ADDRESS,
      PAYMENT_REFERENCE,
      LEDGER_REFERENCE,
      LEDGER_NOTE,
      ATTACHMENT_NAME,
      ATTACHMENT_TEXT,
      ...texts,
    ];
    const before = await dump();
    // Every form of an address is searched for afterwards; the forms stored must be there now.
    const markers = [
      REPRESENTATIVE.name,
      REPRESENTATIVE.contact,
      TURN_TEXT,
      INSTALL_ADDRESS,
      PAYMENT_REFERENCE,
      LEDGER_REFERENCE,
      LEDGER_NOTE,
    ];
    const stored = [
      person.name,
      person.account_number,
      ...points.map((p) => p.address),
      ...markers,
      ...texts,
    ];
    for (const needle of stored) expect(before.includes(needle), `seeded: ${needle}`).toBe(true);
    expect(before.includes(Buffer.from(ATTACHMENT_TEXT).toString('hex')), 'the file is stored').toBe(true);
    const statsBefore = await statistics(request.caseId);

    const executed = await supervisor.request('POST', `/api/v1/arco-requests/${request.id}/execute`);
    expect(executed.statusCode, executed.body).toBe(200);
    const done = executed.json() as { status: string; retainUntil: string | null };
    expect(done.status).toBe('ejecutada');
    expect(done.retainUntil).not.toBeNull();
    // Billing keeps the account number and fiscal name until the retention ends; nothing else is left.
    const [kept] = await db().select().from(customers).where(eq(customers.id, person.id));
    expect(kept?.accountNumber).toBe(person.account_number);
    expect(kept?.anonymisedAt).not.toBeNull();
    const whileRetained = await dump();
    for (const needle of [TURN_TEXT, INSTALL_ADDRESS, REPRESENTATIVE.name, ...texts])
      expect(whileRetained.includes(needle), `left after execution: ${needle}`).toBe(false);

    clock.advance(6 * YEAR_MS);
    expect(await runRetention(app.atiende.ctx)).toBe(1);
    const [erased] = await db()
      .select({ at: arcoRequests.retentionAnonymisedAt })
      .from(arcoRequests)
      .where(and(eq(arcoRequests.id, request.id), isNotNull(arcoRequests.retentionAnonymisedAt)));
    expect(erased).toBeDefined();

    const after = await dump();
    for (const needle of needles) {
      expect(after.includes(needle), `found after erasure: ${needle}`).toBe(false);
      const hex = Buffer.from(needle).toString('hex');
      expect(after.includes(hex), `found as bytes after erasure: ${needle}`).toBe(false);
    }
    expect(await statistics(request.caseId)).toEqual(statsBefore);

    // Nobody finds them by an old address or account; writing from an old address starts afresh.
    const [byAccount] = await db()
      .select()
      .from(customers)
      .where(eq(customers.accountNumber, person.account_number));
    expect(byAccount).toBeUndefined();
    const fresh = await db().transaction((tx) =>
      findOrCreateCustomerByContact(tx, { kind: 'phone', address: phone.address, now: clock.now() }),
    );
    expect(fresh.created).toBe(true);
    expect(fresh.customer.id).not.toBe(person.id);
  }, 300_000);
});

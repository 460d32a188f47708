import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importCustomers } from '../accounts/import/import.service.ts';
import { balancesOf, postLedgerEntries } from '../accounts/ledger.service.ts';
import { systemActor } from '../auth/system-rules.ts';
import { receiveMessages } from '../channels/intake.service.ts';
import { ManualClock } from '../clock.ts';
import {
  cancellations,
  cases,
  events,
  ledgerEntries,
  messages,
  serviceSuspensions,
  services,
} from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { CANCELLATION_JOB, effectCancellation } from './cancellation.service.ts';

// Wednesday 25 November 2026, 10:00 in Monterrey (UTC−6).
const NOW = new Date('2026-11-25T16:00:00Z');
// Thursday 26 November 2026, 00:00 in Monterrey: the 25th has ended.
const DAY_AFTER = new Date('2026-11-26T06:00:00Z');

describeEachDatabase('cancellations', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(NOW);
  let admin: Session;
  let sequence = 0;

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    admin = await app.sessionAs('admin');
  });
  afterAll(() => app?.close());

  const db = () => app.atiende.ctx.db;
  /** Moves the clock, with a fresh session: one opened at another time may have expired by then. */
  const at = async (instant: Date) => {
    clock.set(instant);
    admin = await app.sessionAs('admin');
  };

  async function newService(customerId: string) {
    const [service] = await db()
      .insert(services)
      .values({ customerId, status: 'activo', cutoffDay: 10 })
      .returning();
    return service?.id as string;
  }

  /** A cancellation case opened by e-mail for a new customer, and a running service of theirs. */
  async function cancellationCase(extra: Record<string, unknown> = {}) {
    sequence += 1;
    const email = `baja${sequence}.${kind}@example.test`;
    const opened = await admin.request('POST', '/api/v1/cases', {
      requestType: 'cancelacion',
      channel: 'email',
      contact: { kind: 'email', address: email },
      customerName: 'Rosa Elizondo',
      description: 'Quiero dar de baja mi servicio',
      ...extra,
    });
    expect(opened.statusCode).toBe(201);
    const { folio, customer } = opened.json() as { folio: string; customer: { id: string } };
    const serviceId = await newService(customer.id);
    return { folio, customerId: customer.id, serviceId, email };
  }

  const record = (folio: string, body: Record<string, unknown>) =>
    admin.request('POST', `/api/v1/cases/${folio}/cancellation`, body);
  const panel = async (folio: string) =>
    (await admin.request('GET', `/api/v1/cases/${folio}/cancellation`)).json();
  const jobsOf = async (cancellationId: string) =>
    (await app.atiende.ctx.jobs.findJobs(CANCELLATION_JOB)).filter(
      (job) => (job.data as { cancellationId?: string }).cancellationId === cancellationId,
    );
  const serviceStatus = async (id: string) =>
    (await db().select().from(services).where(eq(services.id, id)))[0]?.status;
  const rowOf = async (id: string) =>
    (await db().select().from(cancellations).where(eq(cancellations.id, id)))[0];
  const runJob = (cancellationId: string) => effectCancellation(app.atiende.ctx, { cancellationId });
  const charge = (serviceId: string, effectiveDate: string) =>
    postLedgerEntries(
      db(),
      [{ serviceId, kind: 'cargo', amountCentavos: 35_000, effectiveDate }],
      systemActor('datos_de_demostracion'),
    );

  it('takes effect on the request day, tells the customer the date, queues the job for its end, and returns the same one on a repeat', async () => {
    await at(NOW);
    const { folio, serviceId } = await cancellationCase();
    const response = await record(folio, { serviceId, equipment: ['Módem Huawei HG8145'] });
    expect(response.statusCode).toBe(201);
    const made = response.json();
    expect(made).toMatchObject({
      scope: 'contrato',
      status: 'en_curso',
      effectiveDate: '2026-11-25',
      carryOutBy: '2026-11-25',
      equipment: ['Módem Huawei HG8145'],
    });
    expect((await jobsOf(made.id)).map((j) => j.startAfter)).toEqual([DAY_AFTER]);
    const again = await record(folio, { serviceId, chosenDate: '2026-12-31' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: made.id, effectiveDate: '2026-11-25' });
    expect(await jobsOf(made.id)).toHaveLength(1);

    const notices = await db()
      .select({ body: messages.body })
      .from(messages)
      .where(and(eq(messages.caseId, made.caseId), eq(messages.kind, 'saliente')));
    expect(notices.map((m) => m.body)).toContainEqual(
      expect.stringContaining(`folio ${folio}. Fecha efectiva: 25 de noviembre de 2026`),
    );
    const requested = await db()
      .select()
      .from(events)
      .where(and(eq(events.subjectId, made.id), eq(events.kind, 'cancellation_requested')));
    expect(requested).toHaveLength(1);
  });

  it('takes effect on a later day the customer chose, never an earlier one, and answers bad input with the field', async () => {
    await at(NOW);
    const { folio, serviceId, customerId } = await cancellationCase();
    for (const [body, status, field] of [
      [{ serviceId, chosenDate: '2026-11-20' }, 422, 'chosenDate'],
      [{ serviceId, chosenDate: '2027-11-26' }, 422, 'chosenDate'],
      [{ serviceId, chosenDate: 'el lunes' }, 400, undefined],
      [{ serviceId: 'no-es-un-id' }, 400, undefined],
      [{ serviceId: await newService((await cancellationCase()).customerId) }, 422, 'serviceId'],
      [{ equipment: [''] }, 400, undefined],
    ] as const) {
      const refused = await record(folio, body);
      expect(refused.statusCode).toBe(status);
      if (field) expect(refused.json()).toMatchObject({ field });
    }
    // Two running services: which one is the agent's to say.
    await newService(customerId);
    expect((await record(folio, {})).json()).toMatchObject({
      status: 422,
      code: 'cancellation.service_required',
      field: 'serviceId',
    });
    expect(
      await db().select().from(cancellations).where(eq(cancellations.serviceId, serviceId)),
    ).toHaveLength(0);

    const chosen = await record(folio, { serviceId, chosenDate: '2026-12-31' });
    expect(chosen.statusCode).toBe(201);
    expect(chosen.json()).toMatchObject({ effectiveDate: '2026-12-31', carryOutBy: '2026-12-31' });

    const other = await admin.request('POST', '/api/v1/cases', {
      requestType: 'saldo',
      channel: 'telefono',
      customerId,
      description: 'Cuánto debo',
    });
    expect((await record(other.json().folio, { serviceId })).json()).toMatchObject({
      status: 409,
      code: 'cancellation.not_cancellation_case',
    });
  });

  it('switches an add-on off within 5 calendar days, billing it only to the request day', async () => {
    await at(NOW);
    const { folio, serviceId } = await cancellationCase({ subtype: 'servicio_adicional' });
    const made = (await record(folio, { serviceId })).json();
    expect(made).toMatchObject({
      scope: 'servicio_adicional',
      effectiveDate: '2026-11-25',
      carryOutBy: '2026-11-30',
    });
    expect((await jobsOf(made.id)).map((j) => j.startAfter)).toEqual([new Date('2026-11-30T06:00:00Z')]);
    // The ledger cannot tell the add-on's charges from the plan's: the service is still billed.
    await charge(serviceId, '2026-11-26');
    await at(new Date('2026-11-30T06:00:00Z'));
    await runJob(made.id);
    // The provider switches the add-on off; the contract and its service go on.
    expect(await serviceStatus(serviceId)).toBe('activo');
    expect((await rowOf(made.id))?.status).toBe('efectuada');
    const [effected] = await db()
      .select()
      .from(events)
      .where(and(eq(events.subjectId, made.id), eq(events.kind, 'cancellation_effected')));
    expect(effected?.after).toMatchObject({ status: 'efectuada', scope: 'servicio_adicional' });
    await charge(serviceId, '2026-12-10');
  });

  it('goes on after a retention offer, which is kept on the case with its words', async () => {
    await at(NOW);
    const { folio, serviceId } = await cancellationCase();
    const made = (await record(folio, { serviceId })).json();
    const offer = await admin.request('POST', `/api/v1/cases/${folio}/cancellation/offers`, {
      text: 'Tres meses al 50 %',
    });
    expect(offer.statusCode).toBe(201);
    expect(
      (await admin.request('POST', `/api/v1/cases/${folio}/cancellation/offers`, { text: ' ' })).statusCode,
    ).toBe(400);
    const shown = await panel(folio);
    expect(shown.cancellation.status).toBe('en_curso');
    expect(shown.retentionOffers).toMatchObject([{ text: 'Tres meses al 50 %', agentId: admin.agentId }]);
    await at(DAY_AFTER);
    await runJob(made.id);
    expect((await rowOf(made.id))?.status).toBe('efectuada');
  });

  it('stops only on the customer’s written message on the case, up to the effective date', async () => {
    await at(NOW);
    const { folio, serviceId } = await cancellationCase();
    const made = (await record(folio, { serviceId })).json();
    const later = new Date('2026-11-25T18:00:00Z');
    const [phoneNote, agentMessage, written] = await db()
      .insert(messages)
      .values([
        {
          caseId: made.caseId,
          kind: 'entrante',
          channel: 'telefono',
          authorAgentId: admin.agentId,
          body: 'Llamó: ya no quiere cancelar',
          createdAt: later,
        },
        {
          caseId: made.caseId,
          kind: 'saliente',
          channel: 'email',
          authorAgentId: admin.agentId,
          body: 'Entendido, retiramos su cancelación',
          createdAt: later,
        },
        {
          caseId: made.caseId,
          kind: 'entrante',
          channel: 'whatsapp',
          body: 'Mejor no cancelen, me quedo',
          createdAt: later,
        },
      ])
      .returning();
    const withdraw = (messageId: string) =>
      admin.request('POST', `/api/v1/cases/${folio}/cancellation/withdrawal`, { messageId });
    for (const message of [phoneNote, agentMessage]) {
      expect((await withdraw(message?.id as string)).json()).toMatchObject({
        status: 422,
        code: 'cancellation.withdrawal_not_written',
        field: 'messageId',
      });
    }
    // The request itself is not its withdrawal.
    const [first] = await db()
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.caseId, made.caseId), eq(messages.kind, 'entrante')))
      .orderBy(messages.createdAt)
      .limit(1);
    expect((await withdraw(first?.id as string)).statusCode).toBe(422);
    expect((await rowOf(made.id))?.status).toBe('en_curso');

    await at(later);
    const withdrawn = await withdraw(written?.id as string);
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'retirada', withdrawalMessageId: written?.id });
    await at(DAY_AFTER);
    await runJob(made.id);
    expect(await serviceStatus(serviceId)).toBe('activo');
    expect((await rowOf(made.id))?.status).toBe('retirada');
    await charge(serviceId, '2026-12-10');

    // After its effective date, a withdrawal comes too late.
    await at(NOW);
    const second = await cancellationCase();
    const standing = (await record(second.folio, { serviceId: second.serviceId })).json();
    const [message] = await db()
      .insert(messages)
      .values({
        caseId: standing.caseId,
        kind: 'entrante',
        channel: 'email',
        body: 'No cancelen',
        createdAt: later,
      })
      .returning();
    await at(DAY_AFTER);
    expect(
      (
        await admin.request('POST', `/api/v1/cases/${second.folio}/cancellation/withdrawal`, {
          messageId: message?.id,
        })
      ).json(),
    ).toMatchObject({ status: 409, code: 'cancellation.too_late' });
  });

  it('cancels the service once the effective date has ended, with the final balance, and a redelivery changes nothing', async () => {
    await at(NOW);
    const { folio, serviceId } = await cancellationCase();
    await charge(serviceId, '2026-11-10');
    const made = (await record(folio, { serviceId, equipment: ['Antena', 'Router'] })).json();
    // Run early (a clock put back): it waits, and queues itself for the right time.
    await runJob(made.id);
    expect(await serviceStatus(serviceId)).toBe('activo');

    await expect(charge(serviceId, '2026-11-26')).rejects.toMatchObject({
      code: 'ledger.after_cancellation',
      field: 'effectiveDate',
    });
    await charge(serviceId, '2026-11-25');
    // A credit after it still settles the final balance.
    await postLedgerEntries(
      db(),
      [{ serviceId, kind: 'bonificacion', amountCentavos: -1_000, effectiveDate: '2026-11-20' }],
      systemActor('datos_de_demostracion'),
    );

    await at(DAY_AFTER);
    await runJob(made.id);
    expect(await serviceStatus(serviceId)).toBe('cancelado');
    const row = await rowOf(made.id);
    expect(row).toMatchObject({ status: 'efectuada', effectedAt: DAY_AFTER });
    const effected = await db()
      .select()
      .from(events)
      .where(and(eq(events.subjectId, made.id), eq(events.kind, 'cancellation_effected')));
    expect(effected).toHaveLength(1);
    expect(effected[0]).toMatchObject({
      actorRule: 'cancelacion_programada',
      after: { finalBalanceCentavos: 69_000, equipment: 2, equipmentReturned: false },
    });

    await at(new Date('2026-11-26T07:00:00Z'));
    await runJob(made.id);
    const eventsNow = await db().select().from(events).where(eq(events.subjectId, made.id));
    expect(eventsNow.filter((e) => e.kind === 'cancellation_effected')).toHaveLength(1);
    expect((await rowOf(made.id))?.effectedAt).toEqual(DAY_AFTER);

    const shown = await panel(folio);
    expect(shown).toMatchObject({ finalBalanceCentavos: 69_000, cancellation: { status: 'efectuada' } });
    const returned = await admin.request('POST', `/api/v1/cases/${folio}/cancellation/equipment-returned`);
    expect(returned.json().equipmentReturnedAt).toBe('2026-11-26T07:00:00.000Z');
  });

  it('refuses through the ledger API a charge after the cancellation, without writing any', async () => {
    await at(NOW);
    const { folio, serviceId } = await cancellationCase();
    await record(folio, { serviceId });
    const post = (effectiveDate: string) =>
      admin.request('POST', `/api/v1/services/${serviceId}/ledger`, {
        kind: 'cargo',
        amountCentavos: 35_000,
        effectiveDate,
      });
    expect((await post('2026-12-10')).json()).toMatchObject({
      status: 422,
      code: 'ledger.after_cancellation',
      field: 'effectiveDate',
    });
    expect(
      await db().select().from(ledgerEntries).where(eq(ledgerEntries.serviceId, serviceId)),
    ).toHaveLength(0);
    expect((await post('2026-11-25')).statusCode).toBe(201);
  });

  it('refuses a charge dated within a past theft or loss suspension, and a rising adjustment as a charge', async () => {
    await at(NOW);
    const { folio, customerId, serviceId: cancelled } = await cancellationCase();
    await record(folio, { serviceId: cancelled });
    const stolen = await newService(customerId);
    // 1 to 10 November in Monterrey: the service was off those days, whatever day the charge is posted.
    await db()
      .insert(serviceSuspensions)
      .values({
        serviceId: stolen,
        reason: 'robo_o_extravio',
        startedAt: new Date('2026-11-01T12:00:00Z'),
        endedAt: new Date('2026-11-10T12:00:00Z'),
        actorKind: 'agente',
        actorAgentId: admin.agentId,
      });
    const post = (
      serviceId: string,
      kind: 'cargo' | 'ajuste',
      amountCentavos: number,
      effectiveDate: string,
    ) =>
      postLedgerEntries(
        db(),
        [{ serviceId, kind, amountCentavos, effectiveDate }],
        systemActor('datos_de_demostracion'),
      );
    for (const [kind, date] of [
      ['cargo', '2026-11-01'],
      ['cargo', '2026-11-09'],
      ['ajuste', '2026-11-05'],
    ] as const) {
      await expect(post(stolen, kind, 10_000, date)).rejects.toMatchObject({
        code: 'ledger.after_theft_suspension',
        field: 'effectiveDate',
        extra: { suspendedOn: '2026-11-01', resumedOn: '2026-11-10' },
      });
    }
    await post(stolen, 'cargo', 10_000, '2026-10-31');
    await post(stolen, 'cargo', 10_000, '2026-11-10');
    await post(stolen, 'ajuste', -5_000, '2026-11-05');

    await expect(post(cancelled, 'ajuste', 10_000, '2026-11-26')).rejects.toMatchObject({
      code: 'ledger.after_cancellation',
    });
    await post(cancelled, 'ajuste', -10_000, '2026-11-26');
  });

  it('refuses through the import a rising balance of a cancelled service as a row problem, and imports the rest', async () => {
    await at(NOW);
    const deps = { db: db(), clock, timeZone: 'America/Monterrey' };
    const header = 'cuenta,nombre,telefono,correo,plan,precio,zona,direccion,dia_corte,saldo,estatus';
    const file = (...rows: string[]) => Buffer.from(`${[header, ...rows].join('\n')}\n`, 'utf8');
    const importFile = (bytes: Buffer, dryRun = false) =>
      importCustomers(deps, {
        bytes,
        filename: 'clientes.csv',
        dryRun,
        actor: systemActor('linea_de_comandos'),
      });
    const [a, b] = [`IMP-A-${kind}`, `IMP-B-${kind}`];
    await importFile(file(`${a},Ana Uno,,,,,,,10,100.00,`, `${b},Beto Dos,,,,,,,10,100.00,`));
    const serviceOf = async (account: string) =>
      (await db().select().from(services).where(eq(services.externalRef, account)))[0] as {
        id: string;
        customerId: string;
      };
    const serviceA = await serviceOf(a);
    const opened = await admin.request('POST', '/api/v1/cases', {
      requestType: 'cancelacion',
      channel: 'telefono',
      customerId: serviceA.customerId,
      description: 'Llama para cancelar',
    });
    expect((await panel(opened.json().folio)).cancellation).toMatchObject({ effectiveDate: '2026-11-25' });

    await at(DAY_AFTER);
    const changed = file(`${a},Ana Uno,,,,,,,10,200.00,`, `${b},Beto Dos,,,,,,,10,300.00,`);
    for (const dryRun of [true, false]) {
      const summary = await importFile(changed, dryRun);
      expect(summary.problems).toMatchObject([
        { line: 2, column: 'saldo', code: 'balance_after_cancellation' },
      ]);
      expect(summary.counts).toMatchObject({ rechazado: 1, actualizado: 1 });
    }
    const balances = await balancesOf(db(), [serviceA.id, (await serviceOf(b)).id], '2026-12-31');
    expect([...balances.values()]).toEqual([10_000, 30_000]);
  });

  it('refuses a charge from the day a theft or loss suspension started, in one check for a batch', async () => {
    await at(NOW);
    const { customerId } = await cancellationCase();
    const stolen = await newService(customerId);
    const other = await newService(customerId);
    // 23:30 on the 24th in Monterrey is already the 25th in UTC: the provider's day counts.
    const [suspension] = await db()
      .insert(serviceSuspensions)
      .values({
        serviceId: stolen,
        reason: 'robo_o_extravio',
        startedAt: new Date('2026-11-25T05:30:00Z'),
        actorKind: 'agente',
        actorAgentId: admin.agentId,
      })
      .returning();
    await expect(
      postLedgerEntries(
        db(),
        [
          { serviceId: other, kind: 'cargo', amountCentavos: 35_000, effectiveDate: '2026-11-25' },
          { serviceId: stolen, kind: 'cargo', amountCentavos: 35_000, effectiveDate: '2026-11-24' },
        ],
        systemActor('datos_de_demostracion'),
      ),
    ).rejects.toMatchObject({ code: 'ledger.after_theft_suspension', field: 'effectiveDate' });
    expect(await db().select().from(ledgerEntries).where(eq(ledgerEntries.serviceId, other))).toHaveLength(0);
    await charge(stolen, '2026-11-23');
    await postLedgerEntries(
      db(),
      [{ serviceId: stolen, kind: 'bonificacion', amountCentavos: -500, effectiveDate: '2026-11-30' }],
      systemActor('datos_de_demostracion'),
    );
    await db()
      .update(serviceSuspensions)
      .set({ endedAt: new Date('2026-11-28T16:00:00Z') })
      .where(eq(serviceSuspensions.id, suspension?.id as string));
    await charge(stolen, '2026-12-10');
  });

  it('is recorded as the case opens when the customer has one service, and shown on the receipt', async () => {
    await at(NOW);
    const { customerId, email } = await cancellationCase();
    const opened = await admin.request('POST', '/api/v1/cases', {
      requestType: 'cancelacion',
      channel: 'telefono',
      customerId,
      description: 'Llama para cancelar',
    });
    const { folio } = opened.json();
    expect((await panel(folio)).cancellation).toMatchObject({
      status: 'en_curso',
      effectiveDate: '2026-11-25',
    });
    const receipt = await app.atiende.http.inject({
      method: 'POST',
      url: '/api/v1/portal/receipt',
      payload: { folio, factor: email, format: 'html' },
    });
    expect(receipt.statusCode).toBe(200);
    expect(receipt.body).toContain('Fecha efectiva de la cancelación');
    expect(receipt.body).toContain('25 de noviembre de 2026; no se cobra nada después de esa fecha');

    await newService(customerId);
    const ambiguous = await admin.request('POST', '/api/v1/cases', {
      requestType: 'cancelacion',
      channel: 'telefono',
      customerId,
      description: 'Llama para cancelar otro',
    });
    expect(ambiguous.statusCode).toBe(201);
    expect((await panel(ambiguous.json().folio)).cancellation).toBeNull();
  });
  it('records at opening only a type the customer or an agent stated, never a keyword guess nor an add-on', async () => {
    await at(NOW);
    const { customerId, email, serviceId } = await cancellationCase();
    const receive = (externalId: string, text: string, requestType?: 'cancelacion') =>
      receiveMessages(app.atiende.ctx, [
        {
          channel: 'email',
          externalId: `${externalId}.${kind}@example.test`,
          sender: { kind: 'email', address: email },
          sentAt: NOW,
          text,
          contentType: 'text',
          // Threaded to nothing: each message opens its own case.
          thread: { references: [] },
          ...(requestType ? { requestType } : {}),
        },
      ]);
    const [guessed] = await receive('guess', 'Quiero cancelar el cargo que me hicieron');
    const guessedCase = await admin.request('GET', `/api/v1/cases/${guessed?.folio}`);
    expect(guessedCase.json()).toMatchObject({ requestType: 'cancelacion' });
    expect((await panel(guessed?.folio as string)).cancellation).toBeNull();

    const addOn = await admin.request('POST', '/api/v1/cases', {
      requestType: 'cancelacion',
      subtype: 'servicio_adicional',
      channel: 'telefono',
      customerId,
      description: 'Ya no quiere la TV adicional',
    });
    expect((await panel(addOn.json().folio)).cancellation).toBeNull();

    const [chosen] = await receive('menu', 'Hola', 'cancelacion');
    expect((await panel(chosen?.folio as string)).cancellation).toMatchObject({
      serviceId,
      status: 'en_curso',
    });
  });

  it('is voided when its case is reclassified or discarded, and the job then leaves the service alone', async () => {
    await at(NOW);
    const voidedEvent = async (id: string) =>
      (
        await db()
          .select()
          .from(events)
          .where(and(eq(events.subjectId, id), eq(events.kind, 'cancellation_withdrawn')))
      ).map((e) => e.after);

    const reclassified = await cancellationCase();
    const first = (await record(reclassified.folio, { serviceId: reclassified.serviceId })).json();
    const patched = await admin.request('PATCH', `/api/v1/cases/${reclassified.folio}`, {
      requestType: 'saldo',
    });
    expect(patched.statusCode).toBe(200);
    expect((await rowOf(first.id))?.status).toBe('anulada');
    expect(await voidedEvent(first.id)).toEqual([{ status: 'anulada', reason: 'reclasificado' }]);

    const discarded = await cancellationCase();
    const second = (await record(discarded.folio, { serviceId: discarded.serviceId })).json();
    const status = await admin.request('POST', `/api/v1/cases/${discarded.folio}/status`, {
      status: 'descartado',
      discardReason: 'spam',
    });
    expect(status.statusCode).toBe(200);
    expect((await rowOf(second.id))?.status).toBe('anulada');
    expect(await voidedEvent(second.id)).toEqual([{ status: 'anulada', reason: 'descartado' }]);

    // A case changed by a path that did not void it: the job checks again before acting.
    const changed = await cancellationCase();
    const third = (await record(changed.folio, { serviceId: changed.serviceId })).json();
    await db().update(cases).set({ requestType: 'consulta' }).where(eq(cases.id, third.caseId));

    await at(DAY_AFTER);
    for (const made of [first, second, third]) await runJob(made.id);
    for (const { serviceId } of [reclassified, discarded, changed]) {
      expect(await serviceStatus(serviceId)).toBe('activo');
      await charge(serviceId, '2026-12-10');
    }
    expect((await rowOf(third.id))?.status).toBe('anulada');
    expect(await voidedEvent(third.id)).toEqual([{ status: 'anulada', reason: 'reclasificado' }]);
  });
});

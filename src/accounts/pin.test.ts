import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor } from '../auth/system-rules.ts';
import type { ChannelAdapter, OutgoingMessage } from '../channels/adapter.ts';
import type { Channel } from '../channels/channel.ts';
import { ManualClock } from '../clock.ts';
import { e164 } from '../customers/customers.factories.ts';
import { accountPins, events, plans, services } from '../db/schema.ts';
import { createLogger } from '../logging/logger.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { postLedgerEntries } from './ledger.service.ts';

describeEachDatabase('the account PIN and the balance inquiry', (kind) => {
  const clock = new ManualClock(new Date('2026-05-04T16:00:00Z'));
  const logLines: string[] = [];
  const sent: OutgoingMessage[] = [];
  /** Every PIN and code that went through the API, to prove none of them is written anywhere. */
  const secrets = new Set<string>();
  let app: TestApp;
  let admin: Session;
  let agent: Session;
  let address = 0;
  let n = 0;

  const recordingAdapter = (channel: Channel) =>
    ({
      channel,
      parseInbound: () => [],
      send: async (message: OutgoingMessage) => {
        sent.push(message);
        return { ok: true, externalId: `fake-${sent.length}` };
      },
      health: () => ({ status: 'ok' }),
    }) as unknown as ChannelAdapter;

  beforeAll(async () => {
    app = await startTestApp(kind, {
      work: false,
      clock,
      logger: createLogger('trace', { human: false, out: { write: (line: string) => logLines.push(line) } }),
    });
    app.atiende.ctx.channels.set('whatsapp', recordingAdapter('whatsapp'));
    app.atiende.ctx.channels.set('email', recordingAdapter('email'));
    admin = await app.sessionAs('admin');
    agent = await app.sessionAs('agent');
  });
  afterAll(() => app?.close());

  /** Every answer the API gave, to prove no PIN or code is ever sent back. */
  const answers: string[] = [];
  const asAgent = async (method: string, url: string, body?: unknown) => {
    const response = await agent.request(method, url, body);
    answers.push(response.body);
    return response;
  };
  // Each request from its own address: the PIN's limits must hold however the guesser moves.
  const portal = async (url: string, payload: object) => {
    const response = await app.atiende.http.inject({
      method: 'POST',
      url: `/api/v1/portal/${url}`,
      payload,
      remoteAddress: `203.0.113.${++address % 250}`,
    });
    answers.push(response.body);
    return response;
  };

  const holder = async () => {
    n += 1;
    const phone = `(81) 5${kind === 'pglite' ? 1 : 2}00 ${String(n).padStart(4, '0')}`;
    const accountNumber = `PIN-${kind}-${n}`;
    const response = await admin.request('POST', '/api/v1/customers', {
      name: 'Rosa Garza',
      accountNumber,
      contactPoints: [
        { kind: 'phone', address: phone },
        { kind: 'whatsapp', address: e164(phone) },
        { kind: 'email', address: `rosa${n}.${kind}@example.test` },
      ],
    });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json() as { id: string; contactPoints: Array<{ id: string; kind: string }> };
    return {
      id: body.id,
      phone,
      email: `rosa${n}.${kind}@example.test`,
      accountNumber,
      contactPoints: body.contactPoints,
    };
  };
  type Holder = Awaited<ReturnType<typeof holder>>;

  const codeFrom = (message: OutgoingMessage | undefined) => {
    const code = message?.template?.parameters[0] ?? / es (\d{6})\./.exec(message?.text ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    secrets.add(code as string);
    return code as string;
  };

  const setPinOnPortal = async (who: Holder, pin: string, factor = who.email) => {
    secrets.add(pin);
    const before = sent.length;
    const asked = await portal('account/pin-code', { accountNumber: who.accountNumber, factor });
    expect(asked.statusCode, asked.body).toBe(202);
    const code = codeFrom(sent[before]);
    return portal('account/pin', { accountNumber: who.accountNumber, code, pin });
  };

  const balanceWithPin = (who: { accountNumber: string }, pin: string) =>
    portal('account/balance', { accountNumber: who.accountNumber, pin });

  it('sets the PIN with a code sent to an address on file, refuses trivial ones, and resets it the same way', async () => {
    const rosa = await holder();
    const before = sent.length;
    const asked = await portal('account/pin-code', { accountNumber: rosa.accountNumber, factor: rosa.phone });
    expect(asked.statusCode, asked.body).toBe(202);
    const message = sent[before] as OutgoingMessage;
    expect(message.to).toEqual({ kind: 'whatsapp', address: e164(rosa.phone) });
    expect(message.template?.name).toBe('codigo_verificacion');
    const code = codeFrom(message);

    for (const [pin, reason] of [
      ['1234', 'sequence'],
      ['0000', 'same_digit'],
      ['121212', 'repeated_block'],
      ['12', 'too_short'],
      ['1234567', 'too_long'],
    ] as const) {
      const trivial = await portal('account/pin', { accountNumber: rosa.accountNumber, code, pin });
      expect(trivial.statusCode, pin).toBe(422);
      expect(trivial.json()).toMatchObject({ code: 'account.pin_refused', field: 'pin', reason });
    }
    const wrongCode = await portal('account/pin', {
      accountNumber: rosa.accountNumber,
      code: code === '000000' ? '000001' : '000000',
      pin: '482913',
    });
    expect(wrongCode.statusCode).toBe(422);
    expect(wrongCode.json()).toMatchObject({ code: 'portal.code_invalid', field: 'code' });

    secrets.add('482913');
    const set = await portal('account/pin', { accountNumber: rosa.accountNumber, code, pin: '482913' });
    expect(set.statusCode, set.body).toBe(204);
    expect(set.body).toBe('');
    const reused = await portal('account/pin', { accountNumber: rosa.accountNumber, code, pin: '739152' });
    expect(reused.statusCode).toBe(422);

    const [stored] = await app.atiende.ctx.db
      .select()
      .from(accountPins)
      .where(eq(accountPins.customerId, rosa.id));
    expect(stored?.pinHash).toMatch(/^\$argon2id\$/);
    expect(stored?.setVia).toBe('portal');
    expect((await balanceWithPin(rosa, '482913')).statusCode).toBe(200);

    const reset = await setPinOnPortal(rosa, '739152');
    expect(reset.statusCode, reset.body).toBe(204);
    expect((await balanceWithPin(rosa, '482913')).statusCode).toBe(422);
    expect((await balanceWithPin(rosa, '739152')).statusCode).toBe(200);

    const recorded = await app.atiende.ctx.db.select().from(events).where(eq(events.customerId, rosa.id));
    const pinEvents = recorded.filter((e) => e.kind === 'pin_set' || e.kind === 'pin_reset');
    expect(pinEvents.map((e) => [e.kind, e.actorKind, e.after])).toEqual([
      ['pin_set', 'cliente', { via: 'portal' }],
      ['pin_reset', 'cliente', { via: 'portal' }],
    ]);
  });

  it('answers an unknown account like a wrong PIN, and slows wrong PINs per account, the right one too', async () => {
    const rosa = await holder();
    expect((await setPinOnPortal(rosa, '582046')).statusCode).toBe(204);

    const sentBefore = sent.length;
    const unknownCode = await portal('account/pin-code', { accountNumber: 'NO-SUCH-1', factor: rosa.email });
    const notOnFile = await portal('account/pin-code', {
      accountNumber: rosa.accountNumber,
      factor: 'someone.else@example.test',
    });
    expect([unknownCode.statusCode, notOnFile.statusCode]).toEqual([202, 202]);
    expect(Object.keys(unknownCode.json())).toEqual(Object.keys(notOnFile.json()));
    expect(sent.length).toBe(sentBefore);

    const unknown = await balanceWithPin({ accountNumber: 'NO-SUCH-1' }, '582046');
    const wrong = await balanceWithPin(rosa, '582047');
    const strip = (body: Record<string, unknown>) => ({
      ...body,
      instance: undefined,
      correlationId: undefined,
    });
    expect(unknown.statusCode).toBe(wrong.statusCode);
    expect(strip(unknown.json())).toEqual(strip(wrong.json()));
    expect(wrong.json()).toMatchObject({ code: 'account.pin_invalid', field: 'pin' });

    // Three free attempts (one is spent above); the fourth wrong one starts a 30-second wait.
    expect((await balanceWithPin(rosa, '582048')).statusCode).toBe(422);
    expect((await balanceWithPin(rosa, '582049')).statusCode).toBe(422);
    expect((await balanceWithPin(rosa, '582050')).statusCode).toBe(422);
    const blocked = await balanceWithPin(rosa, '582046');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'account.pin_throttled', retryAfterSeconds: 30 });

    clock.advance(31_000);
    expect((await balanceWithPin(rosa, '582051')).statusCode).toBe(422);
    const longer = await balanceWithPin(rosa, '582046');
    expect(longer.statusCode).toBe(429);
    expect(longer.json().retryAfterSeconds).toBe(60);

    // Another account is not slowed by this one's guesses.
    const other = await holder();
    expect((await setPinOnPortal(other, '305718')).statusCode).toBe(204);
    expect((await balanceWithPin(other, '305718')).statusCode).toBe(200);

    clock.advance(61_000);
    expect((await balanceWithPin(rosa, '582046')).statusCode).toBe(200);
    // The right PIN forgets the earlier misses.
    expect((await balanceWithPin(rosa, '582052')).statusCode).toBe(422);
    expect((await balanceWithPin(rosa, '582046')).statusCode).toBe(200);
  });

  it("shows balance, cut-off, amount due and movements after folio+factor or account+PIN, never another customer's", async () => {
    const db = app.atiende.ctx.db;
    const [plan] = await db
      .insert(plans)
      .values({ code: `p-${kind}-${n}`, name: 'Hogar 20 Mbps', monthlyPriceCentavos: 35_000 })
      .returning();
    const withService = async (cargos: number[]) => {
      const who = await holder();
      const [service] = await db
        .insert(services)
        .values({
          customerId: who.id,
          externalRef: `SRV-${who.accountNumber}`,
          planId: plan?.id,
          status: 'activo',
          cutoffDay: 10,
        })
        .returning();
      await postLedgerEntries(
        db,
        cargos.map((amount, i) => ({
          serviceId: service?.id as string,
          kind: 'cargo' as const,
          amountCentavos: amount,
          effectiveDate: `2026-04-0${i + 1}`,
          reference: `REF-${who.accountNumber}-${i}`,
        })),
        systemActor('datos_de_demostracion'),
      );
      return who;
    };
    const rosa = await withService([35_000, 1_050]);
    const hugo = await withService([49_900]);

    const call = await asAgent('POST', '/api/v1/calls', {
      callerNumber: rosa.phone,
      requestType: 'saldo',
      notes: 'Pregunta su saldo',
    });
    expect(call.statusCode, call.body).toBe(201);
    const folio = call.json().case.folio as string;

    const byFolio = await portal('balance', { folio, factor: rosa.phone });
    expect(byFolio.statusCode, byFolio.body).toBe(200);
    expect(byFolio.json()).toEqual({
      accountNumber: rosa.accountNumber,
      timeZone: 'America/Monterrey',
      services: [
        {
          reference: `SRV-${rosa.accountNumber}`,
          plan: 'Hogar 20 Mbps',
          status: 'activo',
          balanceCentavos: 36_050,
          nextCutoff: '2026-05-10',
          amountDueCentavos: 36_050,
          creditCentavos: 0,
          movements: [
            {
              id: expect.any(Number),
              kind: 'cargo',
              amountCentavos: 1_050,
              effectiveDate: '2026-04-02',
              reference: `REF-${rosa.accountNumber}-1`,
            },
            {
              id: expect.any(Number),
              kind: 'cargo',
              amountCentavos: 35_000,
              effectiveDate: '2026-04-01',
              reference: `REF-${rosa.accountNumber}-0`,
            },
          ],
          suspensionReason: null,
          suspensions: [],
          reconnectionDueAt: null,
          installation: null,
          compensations: [],
          cancellation: null,
        },
      ],
    });
    // Hugo's number does not open Rosa's folio, and nothing of Hugo's is in Rosa's answer.
    const crossed = await portal('balance', { folio, factor: hugo.phone });
    expect(crossed.statusCode).toBe(404);
    expect(byFolio.body).not.toContain(hugo.accountNumber);

    expect((await setPinOnPortal(hugo, '640281')).statusCode).toBe(204);
    const byPin = await balanceWithPin(hugo, '640281');
    expect(byPin.statusCode, byPin.body).toBe(200);
    expect(byPin.json().accountNumber).toBe(hugo.accountNumber);
    expect(byPin.json().services.map((s: { balanceCentavos: number }) => s.balanceCentavos)).toEqual([
      49_900,
    ]);
    expect(byPin.body).not.toContain(rosa.accountNumber);
    // Hugo's PIN with Rosa's account number is just a wrong PIN.
    expect((await balanceWithPin(rosa, '640281')).statusCode).toBe(422);
  });

  it('lets the agent on a call check the caller and set the PIN only after, a reset only after a code or the PIN', async () => {
    const rosa = await holder();
    const registered = await asAgent('POST', '/api/v1/calls', {
      callerNumber: rosa.phone,
      requestType: 'consulta',
      notes: 'Quiere un PIN para el portal',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const folio = registered.json().case.folio as string;
    const base = `/api/v1/cases/${folio}`;

    const early = await asAgent('PUT', `${base}/pin`, { pin: '815273' });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('identity.not_verified');
    const noPin = await asAgent('POST', `${base}/identity-checks`, { method: 'pin', pin: '815273' });
    expect(noPin.json().code).toBe('account.no_pin');

    const checked = await asAgent('POST', `${base}/identity-checks`, { method: 'datos_de_cuenta' });
    expect(checked.statusCode, checked.body).toBe(201);
    expect(checked.json()).toMatchObject({ method: 'datos_de_cuenta', agentId: agent.agentId });
    const listed = await asAgent('GET', `${base}/identity-checks`);
    expect(listed.json()).toMatchObject({ pinSet: false, checks: [{ method: 'datos_de_cuenta' }] });

    const trivial = await asAgent('PUT', `${base}/pin`, { pin: '1111' });
    expect(trivial.statusCode).toBe(422);
    expect(trivial.json()).toMatchObject({ code: 'account.pin_refused', field: 'pin', reason: 'same_digit' });
    secrets.add('815273');
    const set = await asAgent('PUT', `${base}/pin`, { pin: '815273' });
    expect(set.statusCode, set.body).toBe(204);

    const reset = await asAgent('PUT', `${base}/pin`, { pin: '926384' });
    expect(reset.statusCode).toBe(409);
    expect(reset.json().code).toBe('identity.reset_needs_code');

    const email = rosa.contactPoints.find((p) => p.kind === 'email');
    const before = sent.length;
    const codeSent = await asAgent('POST', `${base}/identity-code`, { contactPointId: email?.id });
    expect(codeSent.statusCode, codeSent.body).toBe(202);
    expect(codeSent.json().channel).toBe('email');
    const code = codeFrom(sent[before]);
    expect(sent[before]?.to).toEqual({ kind: 'email', address: rosa.email });
    const wrong = await asAgent('POST', `${base}/identity-checks`, {
      method: 'codigo_enviado',
      code: code === '000000' ? '000001' : '000000',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'identity.code_invalid', field: 'code' });
    const right = await asAgent('POST', `${base}/identity-checks`, { method: 'codigo_enviado', code });
    expect(right.statusCode, right.body).toBe(201);
    secrets.add('926384');
    expect((await asAgent('PUT', `${base}/pin`, { pin: '926384' })).statusCode).toBe(204);

    const byPin = await asAgent('POST', `${base}/identity-checks`, { method: 'pin', pin: '926384' });
    expect(byPin.statusCode, byPin.body).toBe(201);
    const wrongPin = await asAgent('POST', `${base}/identity-checks`, { method: 'pin', pin: '815273' });
    expect(wrongPin.statusCode).toBe(422);
    expect(wrongPin.json()).toMatchObject({ code: 'account.pin_invalid', field: 'pin' });

    const stranger = await asAgent('POST', `${base}/identity-checks`, {
      method: 'representante_autorizado',
      representativeId: '00000000-0000-4000-8000-000000000000',
    });
    expect(stranger.statusCode).toBe(422);
    expect(stranger.json().field).toBe('representativeId');

    const timeline = (await asAgent('GET', base)).json().timeline as Array<{
      type: string;
      event?: { kind: string; after: unknown };
    }>;
    const kinds = timeline.filter((t) => t.type === 'event').map((t) => [t.event?.kind, t.event?.after]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['identity_verified', { method: 'datos_de_cuenta' }],
        ['pin_set', { via: 'agente' }],
        ['identity_verified', { method: 'codigo_enviado' }],
        ['pin_reset', { via: 'agente' }],
        ['identity_verified', { method: 'pin' }],
      ]),
    );
    const listedAfter = (await asAgent('GET', `${base}/identity-checks`)).json();
    expect(listedAfter.pinSet).toBe(true);
    expect(listedAfter.checks).toHaveLength(3);
  });

  it('never writes a PIN or a code in the logs, the events or an answer', async () => {
    expect(secrets.size).toBeGreaterThan(8);
    expect(logLines.length).toBeGreaterThan(20);
    const logs = logLines.join('\n');
    const recorded = JSON.stringify(await app.atiende.ctx.db.select().from(events));
    // Bounded by anything but digits and hex, so an id or a timestamp that happens to contain the digits is not mistaken for one.
    for (const secret of secrets) {
      const alone = new RegExp(`(?<![0-9a-f])${secret}(?![0-9a-f])`);
      expect(logs, secret).not.toMatch(alone);
      expect(recorded, secret).not.toMatch(alone);
      expect(answers.join('\n'), secret).not.toMatch(alone);
    }
  });
});

import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashNewPin, storePin } from '../accounts/pin.service.ts';
import type { IncomingMessage } from '../channels/adapter.ts';
import { receiveMessages } from '../channels/intake.service.ts';
import { sendOutbound } from '../channels/outbound-send.ts';
import { whatsappText } from '../channels/testing/incoming.ts';
import { ManualClock } from '../clock.ts';
import { areas, cases, events, messages } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { type FakeGraph, startFakeGraph } from '../test/fake-graph.ts';
import { e164, makeCustomer, testAgentActor, uniquePhone } from './customers.factories.ts';
import { addRepresentative } from './representatives.service.ts';

const NOW = new Date('2026-12-07T16:00:00Z');
const DAY = 86_400_000;
const FAILURE = 'Reporto una falla, no hay internet en casa de mi mamá';
const CANCELLATION = 'Quiero cancelar el servicio de mi mamá';

describeEachDatabase('representatives recognised on every channel', (kind) => {
  let app: TestApp;
  let graph: FakeGraph;
  let supervisor: Session;
  let otherSupervisor: Session;
  const clock = new ManualClock(NOW);
  let sequence = 0;
  const db = () => app.atiende.ctx.db;

  beforeAll(async () => {
    graph = await startFakeGraph();
    app = await startTestApp(kind, {
      clock,
      work: false,
      config: {
        GRAPH_BASE_URL: graph.url,
        WHATSAPP_VERIFY_TOKEN: 'verify-token-for-tests',
        WHATSAPP_APP_SECRET: 'app-secret-for-tests',
        WHATSAPP_ACCESS_TOKEN: 'access-token-for-tests',
        WHATSAPP_PHONE_NUMBER_ID: '200000000000001',
      },
    });
    const [area] = await db().select({ id: areas.id }).from(areas).orderBy(asc(areas.id)).limit(1);
    supervisor = await app.sessionAs('supervisor', [area?.id as number]);
    otherSupervisor = await app.sessionAs('supervisor', [area?.id as number]);
  });
  afterAll(async () => {
    await app?.close();
    await graph?.close();
  });

  /** A customer with an account, a WhatsApp number and an e-mail on file. */
  const mother = async () => {
    sequence += 1;
    const whatsapp = e164(uniquePhone());
    const { customer } = await makeCustomer(db(), {
      accountNumber: `REP-${kind}-${sequence}`,
      name: 'Rosa Garza',
      contactPoints: [
        { kind: 'whatsapp', address: whatsapp },
        { kind: 'email', address: `rosa.${kind}.${sequence}@example.test` },
      ],
    });
    return { customer, whatsapp };
  };
  const representative = (
    customerId: string,
    contactPoint: { kind: 'whatsapp' | 'email' | 'phone'; address: string },
    overrides: Partial<Parameters<typeof addRepresentative>[1]> = {},
  ) =>
    addRepresentative(
      app.atiende.ctx.database,
      {
        customerId,
        name: 'Esteban Garza',
        contact: contactPoint.address,
        contactPoint,
        grantedVia: 'portal',
        now: clock.now(),
        ...overrides,
      },
      { kind: 'cliente' },
    );
  const receive = async (message: IncomingMessage) => {
    const [received] = await receiveMessages(app.atiende.ctx, [message]);
    if (!received?.caseId) throw new Error('not received');
    const [kase] = await db().select().from(cases).where(eq(cases.id, received.caseId));
    if (!kase) throw new Error('no case');
    return { received, kase };
  };
  const fromWhatsapp = (address: string, text: string) =>
    receive(whatsappText(address, text, `wamid.rep.${kind}.${++sequence}`, clock.now()));
  const fromEmail = (address: string, text: string, unverified = false) =>
    receive({
      channel: 'email',
      externalId: `<rep.${kind}.${++sequence}@mail.example.test>`,
      sender: { kind: 'email', address },
      sentAt: clock.now(),
      subject: 'Falla en casa de mi mamá',
      text,
      contentType: 'text',
      ...(unverified ? { unverified: true } : {}),
    });
  const eventsOf = (caseId: string, kind: string) =>
    db()
      .select()
      .from(events)
      .where(and(eq(events.caseId, caseId), eq(events.kind, kind)));
  const outgoing = (caseId: string) =>
    db()
      .select()
      .from(messages)
      .where(and(eq(messages.caseId, caseId), eq(messages.kind, 'saliente')))
      .orderBy(asc(messages.createdAt));

  it('takes a WhatsApp request from a representative as the customer’s, answers them, tells the customer', async () => {
    const { customer, whatsapp } = await mother();
    const son = e164(uniquePhone());
    const authorization = await representative(customer.id, { kind: 'whatsapp', address: son });

    const { received, kase } = await fromWhatsapp(son, FAILURE);
    expect(kase).toMatchObject({
      customerId: customer.id,
      raisedBy: 'representante',
      representativeId: authorization.id,
      requestType: 'falla',
    });
    const [created] = await eventsOf(kase.id, 'created');
    expect(created).toMatchObject({ actorKind: 'representante' });

    // The acknowledgement goes to who wrote; the customer's notice to their own number, by template.
    const [ack, notice] = await outgoing(kase.id);
    expect(notice?.metadata).toMatchObject({ to: { kind: 'whatsapp', address: whatsapp } });
    expect(ack?.metadata).not.toHaveProperty('to');
    await sendOutbound(app.atiende.ctx, { messageId: ack?.id as string }, { retryCount: 0 });
    const sentTo = graph.sent.map((r) => String((r.body as { to?: string } | undefined)?.to ?? ''));
    expect(sentTo.some((to) => to.endsWith(son.slice(-10)))).toBe(true);
    expect(sentTo.some((to) => to.endsWith(whatsapp.slice(-10)))).toBe(false);
    expect(await eventsOf(kase.id, 'representative_notice_sent')).toHaveLength(1);

    // The representative's next message joins the case they opened; the customer's own opens her own.
    const again = await fromWhatsapp(son, 'Sigue sin servicio');
    expect(again.received).toMatchObject({ newCase: false, caseId: received.caseId });
    const own = await fromWhatsapp(whatsapp, 'Tengo una duda con mi factura');
    expect(own.received.newCase).toBe(true);
    expect(own.kase).toMatchObject({ customerId: customer.id, raisedBy: 'cliente', representativeId: null });
  });

  it('does not tell the customer when the profile says not to', async () => {
    const admin = await app.sessionAs('admin');
    const off = await admin.request('PATCH', '/api/v1/settings/representatives', { notifyCustomer: false });
    expect(off.statusCode).toBe(200);
    try {
      const { customer } = await mother();
      const son = e164(uniquePhone());
      await representative(customer.id, { kind: 'whatsapp', address: son });
      const { kase } = await fromWhatsapp(son, FAILURE);
      expect(kase.raisedBy).toBe('representante');
      expect(await outgoing(kase.id)).toHaveLength(1);
      expect(await eventsOf(kase.id, 'representative_notice_sent')).toEqual([]);
    } finally {
      await admin.request('PATCH', '/api/v1/settings/representatives', { notifyCustomer: true });
    }
  });

  it('recognises a proven e-mail sender, never an unverified one', async () => {
    const { customer } = await mother();
    const address = `esteban.${kind}.${sequence}@example.test`;
    const authorization = await representative(customer.id, { kind: 'email', address });

    const forged = await fromEmail(address, FAILURE, true);
    expect(forged.kase.customerId).not.toBe(customer.id);
    expect(forged.kase.raisedBy).toBe('cliente');

    const { kase } = await fromEmail(address, FAILURE);
    expect(kase).toMatchObject({
      customerId: customer.id,
      raisedBy: 'representante',
      representativeId: authorization.id,
    });
    const [first] = await db().select().from(messages).where(eq(messages.caseId, kase.id)).limit(1);
    expect(first?.metadata).toMatchObject({ sender: { kind: 'email', address } });
  });

  it('opens a request outside the scope as the sender’s own, flagged; never for the customer', async () => {
    const { customer } = await mother();
    const son = e164(uniquePhone());
    const authorization = await representative(
      customer.id,
      { kind: 'whatsapp', address: son },
      { scope: ['falla'] },
    );

    const { kase } = await fromWhatsapp(son, CANCELLATION);
    expect(kase.requestType).toBe('cancelacion');
    expect(kase.customerId).not.toBe(customer.id);
    expect(kase).toMatchObject({ raisedBy: 'cliente', representativeId: null });
    const [flag] = await eventsOf(kase.id, 'representative_out_of_scope');
    expect(flag?.after).toEqual({ representativeId: authorization.id, requestType: 'cancelacion' });
    expect(await outgoing(kase.id)).toHaveLength(1);
  });

  it('stops at expiry and at revocation, at once', async () => {
    const { customer } = await mother();
    const son = e164(uniquePhone());
    await representative(
      customer.id,
      { kind: 'whatsapp', address: son },
      { expiresAt: new Date(NOW.getTime() + DAY) },
    );
    clock.advance(2 * DAY);
    try {
      const expired = await fromWhatsapp(son, FAILURE);
      expect(expired.kase.customerId).not.toBe(customer.id);
    } finally {
      clock.set(NOW);
    }

    const other = await mother();
    const daughter = e164(uniquePhone());
    const given = await representative(other.customer.id, { kind: 'whatsapp', address: daughter });
    const revoked = await supervisor.request(
      'POST',
      `/api/v1/customers/${other.customer.id}/representatives/${given.id}/revoke`,
      { reason: 'Ya no la autoriza' },
    );
    expect(revoked.statusCode).toBe(200);
    const after = await fromWhatsapp(daughter, FAILURE);
    expect(after.kase.customerId).not.toBe(other.customer.id);
    expect(after.kase.raisedBy).toBe('cliente');
  });

  it('honours a carta poder only once another supervisor verified it', async () => {
    const { customer } = await mother();
    const son = e164(uniquePhone());
    const idDocument = {
      filename: 'ine.pdf',
      contentType: 'application/pdf',
      data: Buffer.from('%PDF-1.4 INE').toString('base64'),
    };
    const withoutDocument = await supervisor.request(
      'POST',
      `/api/v1/customers/${customer.id}/representatives`,
      {
        name: 'Esteban Garza',
        contact: son,
        contactKind: 'whatsapp',
        contactAddress: son,
        grantedVia: 'carta_poder',
      },
    );
    expect(withoutDocument.statusCode).toBe(422);
    expect(withoutDocument.json()).toMatchObject({ code: 'representative.id_document_required' });
    const halfContact = await supervisor.request('POST', `/api/v1/customers/${customer.id}/representatives`, {
      name: 'Esteban Garza',
      contact: son,
      contactKind: 'whatsapp',
    });
    expect(halfContact.statusCode).toBe(400);

    const recorded = await supervisor.request('POST', `/api/v1/customers/${customer.id}/representatives`, {
      name: 'Esteban Garza',
      contact: son,
      contactKind: 'whatsapp',
      contactAddress: son,
      grantedVia: 'carta_poder',
      idDocument,
    });
    expect(recorded.statusCode).toBe(201);
    const carta = recorded.json() as { id: string; active: boolean; verifiedAt: string | null };
    expect(carta).toMatchObject({ active: false, verifiedAt: null });

    const unverified = await fromWhatsapp(son, FAILURE);
    expect(unverified.kase.customerId).not.toBe(customer.id);
    const onApi = await supervisor.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      channel: 'telefono',
      customerId: customer.id,
      raisedBy: { kind: 'representante', representativeId: carta.id },
      description: 'Llama el hijo de la titular',
    });
    expect(onApi.statusCode).toBe(422);
    expect(onApi.json()).toMatchObject({ code: 'representative.unverified' });

    const admin = await app.sessionAs('admin');
    const phoneCase = await admin.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      channel: 'telefono',
      customerId: customer.id,
      description: 'Llama el hijo de la titular',
    });
    const identityCheck = () =>
      admin.request('POST', `/api/v1/cases/${phoneCase.json().folio}/identity-checks`, {
        method: 'representante_autorizado',
        representativeId: carta.id,
      });
    const vouched = await identityCheck();
    expect(vouched.statusCode).toBe(422);
    expect(vouched.json()).toMatchObject({ code: 'identity.not_a_representative' });

    const verify = `/api/v1/customers/${customer.id}/representatives/${carta.id}/verify`;
    const bySelf = await supervisor.request('POST', verify);
    expect(bySelf.statusCode).toBe(409);
    expect(bySelf.json()).toMatchObject({ code: 'representative.same_agent' });
    const agent = await app.sessionAs('agent');
    expect((await agent.request('POST', verify)).statusCode).toBe(403);
    const verified = await otherSupervisor.request('POST', verify);
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ active: true, grantedVia: 'carta_poder' });
    expect((await otherSupervisor.request('POST', verify)).statusCode).toBe(409);
    expect((await identityCheck()).statusCode).toBe(201);

    const honoured = await fromWhatsapp(son, FAILURE);
    expect(honoured.kase).toMatchObject({
      customerId: customer.id,
      raisedBy: 'representante',
      representativeId: carta.id,
    });
  });

  it('recognises a representative in the portal once a code proves their own contact', async () => {
    const { customer } = await mother();
    const son = uniquePhone();
    const given = await representative(customer.id, { kind: 'whatsapp', address: son });
    const portal = (url: string, payload: object) =>
      app.atiende.http.inject({ method: 'POST', url: `/api/v1/portal${url}`, payload });
    const filed = await portal('/requests', {
      requestType: 'falla',
      description: FAILURE,
      phone: son,
      idempotencyKey: `representative-${kind}-${sequence}`,
    });
    expect(filed.statusCode).toBe(201);
    const { folio } = filed.json() as { folio: string };
    const byFolio = async () => (await db().select().from(cases).where(eq(cases.folio, folio)))[0];
    // Typed in a form, the contact proves nothing yet: the customer is only proposed.
    expect(await byFolio()).toMatchObject({ proposedCustomerId: customer.id, raisedBy: 'cliente' });
    expect((await byFolio())?.customerId).not.toBe(customer.id);

    const sentBefore = graph.sent.length;
    expect((await portal('/verify', { folio, factor: son })).statusCode).toBe(202);
    const template = graph.sent
      .slice(sentBefore)
      .map((r) => r.body as { to?: string; template?: { components?: unknown[] } })
      .find((body) => body.template);
    expect(template?.to?.endsWith(e164(son).slice(-10))).toBe(true);
    const code = /"text":"(\d{6})"/.exec(JSON.stringify(template?.template?.components))?.[1];
    const confirmed = await portal('/verify/confirm', { folio, factor: son, code });
    expect(confirmed.statusCode).toBe(200);
    expect(await byFolio()).toMatchObject({
      customerId: customer.id,
      raisedBy: 'representante',
      representativeId: given.id,
      proposedCustomerId: null,
    });
    const kase = await byFolio();
    expect(await eventsOf(kase?.id as string, 'representative_notice_sent')).toHaveLength(1);
  });

  it('files a call from a representative’s number for the customer, within scope only', async () => {
    const { customer } = await mother();
    const son = uniquePhone();
    const given = await representative(customer.id, { kind: 'phone', address: son }, { scope: ['falla'] });
    // The console's caller lookup tells the agent whom the number acts for.
    const lookup = await supervisor.request(
      'GET',
      `/api/v1/customers/representing?phone=${encodeURIComponent(son)}`,
    );
    expect(lookup.json()).toEqual([
      expect.objectContaining({
        representative: expect.objectContaining({ id: given.id, scope: ['falla'] }),
        customer: { id: customer.id, name: 'Rosa Garza' },
      }),
    ]);
    const stranger = await supervisor.request(
      'GET',
      `/api/v1/customers/representing?phone=${encodeURIComponent(uniquePhone())}`,
    );
    expect(stranger.json()).toEqual([]);
    const call = (requestType: string) =>
      supervisor.request('POST', '/api/v1/calls', {
        callerNumber: son,
        requestType,
        notes: 'Llama el hijo de la titular',
      });
    const within = await call('falla');
    expect(within.statusCode).toBe(201);
    expect(within.json()).toMatchObject({
      case: { customer: { id: customer.id }, raisedBy: 'representante' },
    });
    const [kase] = await db()
      .select()
      .from(cases)
      .where(eq(cases.folio, (within.json() as { case: { folio: string } }).case.folio));
    expect(kase?.representativeId).toBe(given.id);
    const outside = await call('cancelacion');
    expect(outside.statusCode).toBe(201);
    expect(outside.json().case.customer.id).not.toBe(customer.id);
  });

  it('lets the account holder authorize, list and revoke in the portal with their PIN', async () => {
    const { customer } = await mother();
    await db().transaction(async (tx) =>
      storePin(tx, {
        customerId: customer.id,
        pinHash: await hashNewPin('739152'),
        via: 'agente',
        actor: testAgentActor(),
        now: clock.now(),
      }),
    );
    const login = { accountNumber: customer.accountNumber as string, pin: '739152' };
    const portal = (url: string, payload: object) =>
      app.atiende.http.inject({
        method: 'POST',
        url: `/api/v1/portal/account/representatives${url}`,
        payload,
      });
    const son = uniquePhone();

    const wrongPin = await portal('/authorize', {
      ...login,
      pin: '000000',
      name: 'Esteban',
      contactKind: 'whatsapp',
      contactAddress: son,
    });
    expect(wrongPin.statusCode).toBe(422);
    const badAddress = await portal('/authorize', {
      ...login,
      name: 'Esteban',
      contactKind: 'email',
      contactAddress: 'no',
    });
    expect(badAddress.statusCode).toBe(400);
    expect(badAddress.json()).toMatchObject({ field: 'contactAddress' });

    const authorized = await portal('/authorize', {
      ...login,
      name: 'Esteban Garza',
      contactKind: 'whatsapp',
      contactAddress: son,
      scope: ['falla'],
    });
    expect(authorized.statusCode).toBe(201);
    const given = authorized.json() as { id: string };
    expect(authorized.json()).toMatchObject({
      grantedVia: 'portal',
      contactAddress: e164(son),
      scope: ['falla'],
      active: true,
    });
    const listed = await portal('', login);
    expect(listed.json()).toEqual([expect.objectContaining({ id: given.id, active: true })]);

    const { kase } = await fromWhatsapp(e164(son), FAILURE);
    expect(kase).toMatchObject({ customerId: customer.id, representativeId: given.id });

    const revoked = await portal('/revoke', { ...login, representativeId: given.id });
    expect(revoked.json()).toMatchObject({ active: false });
    const after = await fromWhatsapp(e164(son), 'Otra falla, se fue el internet');
    expect(after.kase.customerId).not.toBe(customer.id);

    // Someone else's authorization is not found through another account.
    const stranger = await mother();
    const theirs = await representative(stranger.customer.id, {
      kind: 'email',
      address: `x${sequence}@example.test`,
    });
    const foreign = await portal('/revoke', { ...login, representativeId: theirs.id });
    expect(foreign.statusCode).toBe(404);
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChannelAdapter, OutgoingMessage } from '../channels/adapter.ts';
import type { Channel } from '../channels/channel.ts';
import { e164 } from '../customers/customers.factories.ts';
import { areas } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';

describeEachDatabase('the portal with a contact that belongs to an account', (kind) => {
  let app: TestApp;
  let soporte: Session;
  let facturacion: Session;
  let admin: Session;
  let address = 0;
  let n = 0;
  const sent: OutgoingMessage[] = [];

  // Records what would go out instead of calling Meta or an SMTP server.
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
    app = await startTestApp(kind, { work: false });
    app.atiende.ctx.channels.set('whatsapp', recordingAdapter('whatsapp'));
    app.atiende.ctx.channels.set('email', recordingAdapter('email'));
    const rows = await app.atiende.ctx.db.select().from(areas);
    const area = Object.fromEntries(rows.map((a) => [a.code, a.id]));
    soporte = await app.sessionAs('agent', [area.soporte_tecnico as number]);
    facturacion = await app.sessionAs('agent', [area.facturacion_cobranza as number]);
    admin = await app.sessionAs('admin');
  });
  afterAll(() => app?.close());

  const call = (url: string, payload: object) =>
    app.atiende.http.inject({ method: 'POST', url, payload, remoteAddress: `198.51.100.${++address}` });

  /** An account holder with a phone (on WhatsApp too, unless told otherwise) and an e-mail on file. */
  const holder = async (options: { whatsapp?: boolean } = {}) => {
    n += 1;
    const phone = `(81) 4${kind === 'pglite' ? 1 : 2}00 ${String(n).padStart(4, '0')}`;
    const email = `rosa${n}.${kind}@example.test`;
    const response = await admin.request('POST', '/api/v1/customers', {
      name: 'Rosa Garza',
      accountNumber: `MON-CLAIM-${kind}-${n}`,
      contactPoints: [
        { kind: 'phone', address: phone },
        ...(options.whatsapp === false ? [] : [{ kind: 'whatsapp', address: e164(phone) }]),
        { kind: 'email', address: email },
      ],
    });
    expect(response.statusCode, response.body).toBe(201);
    return { id: response.json().id as string, phone, email, accountNumber: `MON-CLAIM-${kind}-${n}` };
  };

  const fileWith = async (contact: { phone?: string; email?: string }) => {
    const response = await call('/api/v1/portal/requests', {
      requestType: 'falla',
      description: 'No tengo internet desde ayer',
      name: 'Alguien',
      idempotencyKey: `claim-${kind}-${++n}-${Date.now()}`,
      ...contact,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().folio as string;
  };

  it('opens a request with an account holder’s phone on a prospect of its own, showing nothing of the account', async () => {
    const rosa = await holder();
    const folio = await fileWith({ phone: rosa.phone, email: `otra${n}@example.test` });

    const view = await call('/api/v1/portal/lookup', { folio, factor: rosa.phone });
    expect(view.statusCode).toBe(200);
    expect(view.json().unverified).toBe(true);
    const receipt = await call('/api/v1/portal/receipt', { folio, factor: rosa.phone, format: 'html' });
    for (const answer of [view.body, receipt.body]) {
      expect(answer).not.toContain('Rosa');
      expect(answer).not.toContain(rosa.accountNumber);
    }

    const kase = (await soporte.request('GET', `/api/v1/cases/${folio}`)).json();
    expect(kase.customer).toMatchObject({ accountNumber: null, name: 'Alguien' });
    expect(kase.customer.id).not.toBe(rosa.id);
    expect(kase.claimedContact).toEqual({ kind: 'phone', address: e164(rosa.phone) });
    expect(kase.proposedCustomer).toEqual({ id: rosa.id, name: 'Rosa Garza' });
    const account = (await soporte.request('GET', `/api/v1/customers/${rosa.id}`)).json();
    expect(account.cases.map((c: { folio: string }) => c.folio)).not.toContain(folio);
  });

  it('lets an agent of the case’s area confirm the match, or reject it', async () => {
    const rosa = await holder();
    const confirmed = await fileWith({ phone: rosa.phone });
    const outsider = await facturacion.request('POST', `/api/v1/cases/${confirmed}/confirm-customer`, {
      decision: 'confirmar',
    });
    expect(outsider.statusCode).toBe(403);
    const done = await soporte.request('POST', `/api/v1/cases/${confirmed}/confirm-customer`, {
      decision: 'confirmar',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      customer: { id: rosa.id, accountNumber: rosa.accountNumber },
      proposedCustomer: null,
    });
    const timeline = (await soporte.request('GET', `/api/v1/cases/${confirmed}`)).json().timeline;
    expect(timeline).toContainEqual(
      expect.objectContaining({
        type: 'event',
        event: expect.objectContaining({ kind: 'customer_changed', reason: 'claim_confirmed' }),
      }),
    );
    const afterConfirm = await call('/api/v1/portal/lookup', { folio: confirmed, factor: rosa.phone });
    expect(afterConfirm.json().unverified).toBe(false);

    const rejected = await fileWith({ phone: rosa.phone });
    const no = await soporte.request('POST', `/api/v1/cases/${rejected}/confirm-customer`, {
      decision: 'rechazar',
    });
    expect(no.statusCode).toBe(200);
    expect(no.json()).toMatchObject({ customer: { accountNumber: null }, proposedCustomer: null });
    expect(no.json().customer.id).not.toBe(rosa.id);
    // The number stays the second factor of the person who filed it.
    const still = await call('/api/v1/portal/lookup', { folio: rejected, factor: rosa.phone });
    expect(still.statusCode).toBe(200);
    expect(still.json().unverified).toBe(false);
    const again = await soporte.request('POST', `/api/v1/cases/${rejected}/confirm-customer`, {
      decision: 'confirmar',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('case.no_claim');
  });

  it('lets the customer prove the number with a code sent on WhatsApp, which links the case to the account', async () => {
    const rosa = await holder();
    const folio = await fileWith({ phone: rosa.phone });
    const before = sent.length;
    const requested = await call('/api/v1/portal/verify', { folio, factor: rosa.phone });
    expect(requested.statusCode, requested.body).toBe(202);
    expect(requested.json()).toMatchObject({ channel: 'whatsapp', expiresAt: expect.any(String) });
    const message = sent[before] as OutgoingMessage;
    expect(message.to).toEqual({ kind: 'whatsapp', address: e164(rosa.phone) });
    expect(message.template?.name).toBe('codigo_verificacion');
    const code = message.template?.parameters[0] as string;
    expect(code).toMatch(/^\d{6}$/);
    expect(message.text).not.toContain('Rosa');

    // The code reaches only the phone: neither the portal nor the case shows it.
    const view = await call('/api/v1/portal/lookup', { folio, factor: rosa.phone });
    expect(view.body).not.toContain(code);
    expect((await soporte.request('GET', `/api/v1/cases/${folio}`)).body).not.toContain(code);

    const wrong = await call('/api/v1/portal/verify/confirm', {
      folio,
      factor: rosa.phone,
      code: code === '000000' ? '000001' : '000000',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'portal.code_invalid', field: 'code' });
    const right = await call('/api/v1/portal/verify/confirm', { folio, factor: rosa.phone, code });
    expect(right.statusCode, right.body).toBe(200);
    expect(right.json()).toMatchObject({ folio, unverified: false });
    const kase = (await soporte.request('GET', `/api/v1/cases/${folio}`)).json();
    expect(kase.customer.id).toBe(rosa.id);
    expect(kase.proposedCustomer).toBeNull();
    const reused = await call('/api/v1/portal/verify/confirm', { folio, factor: rosa.phone, code });
    expect(reused.statusCode).toBe(409);
  });

  it('sends the code by e-mail for an e-mail, and cannot for a number on file without WhatsApp', async () => {
    const rosa = await holder();
    const folio = await fileWith({ email: rosa.email.toUpperCase() });
    const before = sent.length;
    const requested = await call('/api/v1/portal/verify', { folio, factor: rosa.email });
    expect(requested.statusCode, requested.body).toBe(202);
    expect(requested.json().channel).toBe('email');
    const message = sent[before] as OutgoingMessage;
    expect(message.to).toEqual({ kind: 'email', address: rosa.email });
    const code = / es (\d{6})\./.exec(message.text)?.[1] as string;
    const right = await call('/api/v1/portal/verify/confirm', { folio, factor: rosa.email, code });
    expect(right.statusCode, right.body).toBe(200);
    expect((await soporte.request('GET', `/api/v1/cases/${folio}`)).json().customer.id).toBe(rosa.id);

    const landline = await holder({ whatsapp: false });
    const other = await fileWith({ phone: landline.phone });
    const refused = await call('/api/v1/portal/verify', { folio: other, factor: landline.phone });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('portal.verify_unavailable');
  });
});

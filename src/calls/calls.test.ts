import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { type FakeGraph, startFakeGraph } from '../test/fake-graph.ts';
import { waitUntil } from '../test/wait.ts';

describeEachDatabase('registering a phone call', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
  });
  afterAll(() => app?.close());

  it('gives the folio to read to the caller, recognising a known customer by number', async () => {
    const agent = await app.sessionAs('agent');
    const customer = await agent.request('POST', '/api/v1/customers', {
      name: 'Héctor Salinas',
      accountNumber: 'MON-0099001',
      contactPoints: [{ kind: 'phone', address: '844 123 4567' }],
    });
    expect(customer.statusCode).toBe(201);
    const response = await agent.request('POST', '/api/v1/calls', {
      callerNumber: '(844) 123-4567',
      requestType: 'saldo',
      notes: 'Pregunta cuánto debe del mes',
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.case).toMatchObject({
      channel: 'telefono',
      raisedBy: 'agente',
      customer: { id: customer.json().id, accountNumber: 'MON-0099001' },
    });
    expect(body.case.folio).toMatch(/^MON-\d{4}-\d{6}-\d$/);
    expect(body.receipt).toBeNull();
  });

  it('opens a prospect for an unknown number and queues the written receipt by e-mail when there is one', async () => {
    const agent = await app.sessionAs('agent');
    const first = (
      await agent.request('POST', '/api/v1/calls', {
        callerNumber: '81 5555 0101',
        requestType: 'contratacion',
        notes: 'Quiere 50 megas',
        customerName: 'Nadia',
      })
    ).json();
    expect(first.case.customer).toMatchObject({ name: 'Nadia', accountNumber: null });
    await agent.request('POST', `/api/v1/customers/${first.case.customer.id}/contact-points`, {
      kind: 'email',
      address: 'nadia@example.test',
    });
    const second = (
      await agent.request('POST', '/api/v1/calls', {
        callerNumber: '81 5555 0101',
        requestType: 'queja',
        notes: 'Nadie le ha llamado',
      })
    ).json();
    expect(second.receipt).toMatchObject({ channel: 'email', deliveryStatus: 'pendiente' });
    const view = (await agent.request('GET', `/api/v1/cases/${second.case.folio}`)).json();
    const receipt = view.timeline.find(
      (t: { type: string; message?: { id: string } }) => t.message?.id === second.receipt.messageId,
    );
    expect(receipt.message.body).toContain(second.case.folio);
    expect(receipt.message.channel).toBe('email');
  });
});

describeEachDatabase('the written receipt of a phone call by WhatsApp', (kind) => {
  let app: TestApp;
  let graph: FakeGraph;
  beforeAll(async () => {
    graph = await startFakeGraph();
    app = await startTestApp(kind, {
      config: {
        GRAPH_BASE_URL: graph.url,
        WHATSAPP_VERIFY_TOKEN: 'verify-token-for-tests',
        WHATSAPP_APP_SECRET: 'app-secret-for-tests',
        WHATSAPP_ACCESS_TOKEN: 'access-token-for-tests',
        WHATSAPP_PHONE_NUMBER_ID: '200000000000001',
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await graph?.close();
  });

  it('goes as the approved acuse_folio template to a customer with WhatsApp and no e-mail', async () => {
    const agent = await app.sessionAs('agent');
    const customer = await agent.request('POST', '/api/v1/customers', {
      name: 'Rosa Treviño',
      contactPoints: [{ kind: 'whatsapp', address: '5218447654321' }],
    });
    expect(customer.statusCode).toBe(201);
    const call = (
      await agent.request('POST', '/api/v1/calls', {
        callerNumber: '844 765 4321',
        requestType: 'falla',
        notes: 'Sin internet desde la mañana',
      })
    ).json();
    // The caller's number and the WhatsApp id are one person.
    expect(call.case.customer.id).toBe(customer.json().id);
    expect(call.receipt).toMatchObject({ channel: 'whatsapp', deliveryStatus: 'pendiente' });

    await waitUntil(() => graph.sent.some((s) => (s.body as { to?: string }).to === '528447654321'));
    const sent = graph.sent.find((s) => (s.body as { to?: string }).to === '528447654321')?.body as {
      type: string;
      template: { name: string; language: { code: string }; components: unknown[] };
    };
    // The customer has not written, so only an approved template may open the conversation.
    expect(sent.type).toBe('template');
    expect(sent.template.name).toBe('acuse_folio');
    expect(sent.template.language.code).toBe('es_MX');
    expect(JSON.stringify(sent.template.components)).toContain(call.case.folio);

    const view = (await agent.request('GET', `/api/v1/cases/${call.case.folio}`)).json();
    const receipt = view.timeline.find(
      (t: { message?: { id: string } }) => t.message?.id === call.receipt.messageId,
    );
    expect(receipt.message).toMatchObject({ channel: 'whatsapp', kind: 'saliente' });
    expect(receipt.message.body).toContain(`folio ${call.case.folio}`);
    await waitUntil(async () => {
      const again = (await agent.request('GET', `/api/v1/cases/${call.case.folio}`)).json();
      const m = again.timeline.find(
        (t: { message?: { id: string } }) => t.message?.id === call.receipt.messageId,
      );
      return m?.message.deliveryStatus === 'enviado';
    });
  });
});

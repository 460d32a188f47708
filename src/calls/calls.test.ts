import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';

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

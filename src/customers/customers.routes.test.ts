import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { areas } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { makeCase, uniquePhone } from './customers.factories.ts';

describeEachDatabase('customers API', (kind) => {
  let app: TestApp;
  let agent: Session;
  let supervisor: Session;
  let admin: Session;
  const clock = new ManualClock(new Date('2026-11-25T16:00:00Z'));
  const unknownId = '00000000-0000-4000-8000-000000000000';

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    agent = await app.sessionAs('agent');
    supervisor = await app.sessionAs('supervisor');
    admin = await app.sessionAs('admin');
  });
  afterAll(() => app?.close());

  const create = async (body: Record<string, unknown> = {}) => {
    const response = await agent.request('POST', '/api/v1/customers', {
      contactPoints: [{ kind: 'phone', address: uniquePhone() }],
      ...body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; contactPoints: Array<{ id: string; address: string }> };
  };

  it('asks anonymous callers to log in on every route', async () => {
    for (const [method, url] of [
      ['POST', '/api/v1/customers'],
      ['GET', '/api/v1/customers?phone=8112345678'],
      ['GET', `/api/v1/customers/${unknownId}`],
      ['POST', `/api/v1/customers/${unknownId}/merge`],
      ['GET', `/api/v1/customers/${unknownId}/representatives`],
    ] as const) {
      const response = await app.atiende.http.inject({ method, url, payload: {} });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(response.json().code).toBe('auth.required');
    }
  });

  it('creates, reads, looks up and edits a customer', async () => {
    const response = await agent.request('POST', '/api/v1/customers', {
      name: 'Ana Pérez',
      accountNumber: 'MON-90001',
      contactPoints: [
        { kind: 'phone', address: '(81) 9000 0001' },
        { kind: 'whatsapp', address: '5218190000002' },
        { kind: 'email', address: 'Ana@Example.MX' },
      ],
    });
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created).toMatchObject({
      name: 'Ana Pérez',
      accountNumber: 'MON-90001',
      prospect: false,
      contactPoints: [
        { kind: 'phone', address: '+528190000001' },
        { kind: 'whatsapp', address: '+528190000002' },
        { kind: 'email', address: 'ana@example.mx' },
      ],
    });
    expect(created).not.toHaveProperty('mergedIntoId');

    for (const query of [
      'phone=%2B52%201%2081%209000%200001',
      'email=ANA%40example.mx',
      'accountNumber=MON-90001',
    ]) {
      const found = await agent.request('GET', `/api/v1/customers?${query}`);
      expect(found.statusCode, query).toBe(200);
      expect(found.json().map((c: { id: string }) => c.id)).toEqual([created.id]);
    }

    const patched = await agent.request('PATCH', `/api/v1/customers/${created.id}`, {
      name: 'Ana Pérez López',
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Ana Pérez López', accountNumber: 'MON-90001' });

    const caseRow = await makeCase(app.atiende.ctx.db, created.id);
    const detail = await agent.request('GET', `/api/v1/customers/${created.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      id: created.id,
      representatives: [],
      cases: [{ id: caseRow.id, folio: caseRow.folio, status: 'nuevo' }],
    });
  });

  it('refuses bad input as problem+json naming the field', async () => {
    const badPhone = await agent.request('POST', '/api/v1/customers', {
      contactPoints: [{ kind: 'phone', address: 'llámame' }],
    });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.headers['content-type']).toContain('application/problem+json');
    expect(badPhone.json()).toMatchObject({
      code: 'contact_point.invalid',
      field: 'contactPoints.0.address',
    });

    const badKind = await agent.request('POST', '/api/v1/customers', {
      contactPoints: [{ kind: 'fax', address: '8112345678' }],
    });
    expect(badKind.statusCode).toBe(400);
    expect(badKind.json()).toMatchObject({ code: 'request.invalid', field: 'body.contactPoints.0.kind' });

    const noKey = await agent.request('GET', '/api/v1/customers');
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json()).toMatchObject({ code: 'request.invalid', field: 'querystring.phone' });

    const badId = await agent.request('GET', '/api/v1/customers/not-a-uuid');
    expect(badId.statusCode).toBe(400);
    expect(badId.json().field).toBe('params.id');

    const unknown = await agent.request('PATCH', `/api/v1/customers/${unknownId}`, { name: 'Nadie' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('customer.not_found');
  });

  it('answers 409 for a contact point or account number another customer has', async () => {
    const owner = await create({ accountNumber: 'MON-90100' });
    const other = await create();
    const taken = await agent.request('POST', `/api/v1/customers/${other.id}/contact-points`, {
      kind: 'phone',
      address: owner.contactPoints[0]?.address,
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({
      code: 'contact_point.taken',
      field: 'address',
      customerId: owner.id,
    });
    const account = await agent.request('PATCH', `/api/v1/customers/${other.id}`, {
      accountNumber: 'MON-90100',
    });
    expect(account.statusCode).toBe(409);
    expect(account.json()).toMatchObject({ code: 'customer.account_number_taken', field: 'accountNumber' });
  });

  it('adds and removes contact points', async () => {
    const customer = await create();
    const added = await agent.request('POST', `/api/v1/customers/${customer.id}/contact-points`, {
      kind: 'email',
      address: ' Nuevo@Example.MX',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ kind: 'email', address: 'nuevo@example.mx' });
    const removed = await agent.request(
      'DELETE',
      `/api/v1/customers/${customer.id}/contact-points/${added.json().id}`,
    );
    expect(removed.statusCode).toBe(204);
    const again = await agent.request(
      'DELETE',
      `/api/v1/customers/${customer.id}/contact-points/${added.json().id}`,
    );
    expect(again.statusCode).toBe(404);
  });

  it('lets only supervisors and admins merge and delete', async () => {
    const into = await create();
    const from = await create();
    const refusedMerge = await agent.request('POST', `/api/v1/customers/${into.id}/merge`, {
      fromCustomerId: from.id,
    });
    expect(refusedMerge.statusCode).toBe(403);
    expect(refusedMerge.json().code).toBe('auth.forbidden');
    expect((await agent.request('DELETE', `/api/v1/customers/${into.id}`)).statusCode).toBe(403);

    const merged = await supervisor.request('POST', `/api/v1/customers/${into.id}/merge`, {
      fromCustomerId: from.id,
    });
    expect(merged.statusCode).toBe(200);
    expect(merged.json().contactPoints).toHaveLength(2);
    expect((await agent.request('GET', `/api/v1/customers/${from.id}`)).json().id).toBe(into.id);
    const twice = await supervisor.request('POST', `/api/v1/customers/${into.id}/merge`, {
      fromCustomerId: from.id,
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'customer.already_merged', field: 'fromCustomerId' });

    expect((await admin.request('DELETE', `/api/v1/customers/${into.id}`)).statusCode).toBe(204);
    expect((await agent.request('GET', `/api/v1/customers/${into.id}`)).statusCode).toBe(404);
    expect((await agent.request('GET', `/api/v1/customers/${from.id}`)).statusCode).toBe(404);
  });

  it('lets only agents serving one of the customer’s cases, and admins, change its name, contact points and representatives', async () => {
    const customer = await create({ accountNumber: `MON-90200-${kind}` });
    // makeCase files the case in the first area.
    const [caseArea, otherArea] = await app.atiende.ctx.db
      .select()
      .from(areas)
      .orderBy(asc(areas.id))
      .limit(2);
    await makeCase(app.atiende.ctx.db, customer.id);
    const outsider = await app.sessionAs('agent', [otherArea?.id as number]);
    const outsideSupervisor = await app.sessionAs('supervisor', [otherArea?.id as number]);
    const serving = await app.sessionAs('agent', [caseArea?.id as number]);
    const pointId = customer.contactPoints[0]?.id;
    const base = `/api/v1/customers/${customer.id}`;
    const edits: Array<[string, string, object | undefined]> = [
      ['PATCH', base, { name: 'Otro Nombre' }],
      ['POST', `${base}/contact-points`, { kind: 'email', address: `intruso-${kind}@example.test` }],
      ['DELETE', `${base}/contact-points/${pointId}`, undefined],
      ['POST', `${base}/representatives`, { name: 'Alguien', contact: '81 5555 0001' }],
    ];
    for (const session of [outsider, outsideSupervisor]) {
      for (const [method, url, body] of edits) {
        const refused = await session.request(method, url, body);
        expect(refused.statusCode, `${method} ${url}`).toBe(403);
        expect(refused.json().code).toBe('customer.forbidden');
      }
    }
    const unchanged = (await outsider.request('GET', base)).json();
    expect(unchanged).toMatchObject({ name: null, contactPoints: [{ id: pointId }], representatives: [] });

    const renamed = await serving.request('PATCH', base, { name: 'Ana Torres' });
    expect(renamed.statusCode).toBe(200);
    const representative = await serving.request('POST', `${base}/representatives`, {
      name: 'Luis Torres',
      contact: '81 5555 0002',
    });
    expect(representative.statusCode).toBe(201);
    const revoke = `${base}/representatives/${representative.json().id}/revoke`;
    expect((await outsider.request('POST', revoke, { reason: 'No' })).statusCode).toBe(403);
    expect((await admin.request('POST', revoke, { reason: 'Lo pidió la clienta' })).statusCode).toBe(200);
    expect((await admin.request('PATCH', base, { name: 'Ana Torres Ruiz' })).statusCode).toBe(200);
  });

  it('records, lists and revokes representatives, with an ID document larger than the default body limit', async () => {
    const customer = await create();
    const document = Buffer.alloc(2 * 1024 * 1024, 7);
    const added = await agent.request('POST', `/api/v1/customers/${customer.id}/representatives`, {
      name: 'Esteban Ruiz',
      contact: '81 5555 0000',
      scope: ['falla', 'queja'],
      expiresAt: '2027-01-31T23:59:59-06:00',
      idDocument: { filename: 'ine.png', contentType: 'image/png', data: document.toString('base64') },
    });
    expect(added.statusCode, added.body.slice(0, 300)).toBe(201);
    expect(added.json()).toMatchObject({
      name: 'Esteban Ruiz',
      scope: ['falla', 'queja'],
      expiresAt: '2027-02-01T05:59:59.000Z',
      idDocument: { filename: 'ine.png' },
      active: true,
    });

    const badScope = await agent.request('POST', `/api/v1/customers/${customer.id}/representatives`, {
      name: 'X',
      contact: 'x',
      scope: ['todo'],
    });
    expect(badScope.statusCode).toBe(400);
    expect(badScope.json().field).toBe('body.scope.0');

    const id = added.json().id;
    const revoked = await agent.request(
      'POST',
      `/api/v1/customers/${customer.id}/representatives/${id}/revoke`,
      {
        reason: 'La clienta lo pidió por teléfono',
      },
    );
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ active: false, revokedAt: '2026-11-25T16:00:00.000Z' });
    const listed = await agent.request('GET', `/api/v1/customers/${customer.id}/representatives`);
    expect(listed.json()).toMatchObject([
      { id, active: false, revokedReason: 'La clienta lo pidió por teléfono' },
    ]);
    const noReason = await agent.request(
      'POST',
      `/api/v1/customers/${customer.id}/representatives/${id}/revoke`,
      {},
    );
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().field).toBe('body.reason');
  });
});

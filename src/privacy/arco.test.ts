import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../auth/system-rules.ts';
import { areaForRequest } from '../cases/open-case.ts';
import { ManualClock } from '../clock.ts';
import { createCustomer } from '../customers/customers.service.ts';
import { addRepresentative } from '../customers/representatives.service.ts';
import { cases, consents, contactPoints, customers, deadlines, events } from '../db/schema.ts';
import { jobDefinitions } from '../jobs/registry.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { RETENTION_CRON, RETENTION_JOB, runRetention } from './anonymise.ts';

const DAY_MS = 86_400_000;

interface ArcoView {
  id: string;
  caseId: string;
  folio: string;
  status: string;
  refusalReason: string | null;
  identityVerifiedAt: string | null;
  deadlines: Record<string, { dueAt: string; metAt: string | null; target: { amount: number } } | undefined>;
  figures: { answerBusinessDays: number; executeBusinessDays: number; confirmed: boolean; source: string };
}

describeEachDatabase('ARCO requests', (kind) => {
  let app: TestApp;
  let supervisor: Session;
  let agent: Session;
  let outsider: Session;
  let arcoAreaId: number;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    app = await startTestApp(kind, { work: false, clock });
    const snapshot = await app.atiende.ctx.settings.current(app.atiende.ctx.db);
    arcoAreaId = areaForRequest(snapshot, 'arco', 'datos personales').id;
    const other = [...snapshot.activeAreasByCode.values()].find((a) => a.id !== arcoAreaId);
    if (!other) throw new Error('the test profile has one area');
    supervisor = await app.sessionAs('supervisor', [arcoAreaId]);
    agent = await app.sessionAs('agent', [arcoAreaId]);
    outsider = await app.sessionAs('agent', [other.id]);
  }, 120_000);
  afterAll(() => app?.close());

  const db = () => app.atiende.ctx.db;
  let sequence = 0;

  /** A customer with a phone and an authorized representative who proves who asks. */
  async function makeCustomer() {
    sequence += 1;
    const { customer } = await createCustomer(
      db(),
      {
        name: `Titular ${sequence}`,
        accountNumber: `ARCO-${kind}-${sequence}`,
        contactPoints: [{ kind: 'phone', address: `81 3000 ${String(1000 + sequence)}` }],
      },
      systemActor('datos_de_demostracion'),
    );
    const representative = await addRepresentative(
      app.atiende.ctx.database,
      {
        customerId: customer.id,
        name: `Apoderado ${sequence}`,
        contact: 'carta poder',
        now: app.atiende.ctx.clock.now(),
      },
      systemActor('datos_de_demostracion'),
    );
    return { customer, representativeId: representative.id };
  }

  async function register(body: Record<string, unknown>, as: Session = agent) {
    const { customer, representativeId } = await makeCustomer();
    const response = await as.request('POST', '/api/v1/arco-requests', {
      customerId: customer.id,
      channel: 'telefono',
      description: 'Ejerzo mi derecho sobre mis datos personales',
      ...body,
    });
    return { response, customerId: customer.id, representativeId };
  }

  const verify = (id: string, representativeId: string, as: Session = agent) =>
    as.request('POST', `/api/v1/arco-requests/${id}/identity`, {
      method: 'representante_autorizado',
      representativeId,
    });
  const answer = (id: string, body: object, as: Session = supervisor) =>
    as.request('POST', `/api/v1/arco-requests/${id}/answer`, body);
  const execute = (id: string, as: Session = supervisor) =>
    as.request('POST', `/api/v1/arco-requests/${id}/execute`);

  it('opens an arco case with the request and the 20-business-day answer clock, marked unconfirmed', async () => {
    const { response } = await register({ subtype: 'acceso' });
    expect(response.statusCode, response.body).toBe(201);
    const view = response.json() as ArcoView;
    expect(view.status).toBe('recibida');
    expect(view.figures).toMatchObject({ answerBusinessDays: 20, executeBusinessDays: 15, confirmed: false });
    expect(view.figures.source).toContain('sin confirmar');
    const [kase] = await db().select().from(cases).where(eq(cases.id, view.caseId));
    expect(kase).toMatchObject({ requestType: 'arco', subtype: 'acceso', areaId: arcoAreaId });
    const clock = view.deadlines.respuesta_arco;
    expect(clock?.target.amount).toBe(20);
    expect(clock?.metAt).toBeNull();
    // 20 business days are four weeks at least, whatever the holidays.
    expect(
      Date.parse(clock?.dueAt ?? '') - Date.parse(kase?.createdAt.toISOString() ?? ''),
    ).toBeGreaterThanOrEqual(27 * DAY_MS);
    expect(view.deadlines.ejecucion_arco).toBeUndefined();
  });

  describe('lifecycle', () => {
    const cases_: Array<{
      name: string;
      subtype: string;
      details?: unknown;
      verified: boolean;
      answer: object;
      answerStatus: number;
      after: string;
      executes?: boolean;
    }> = [
      {
        name: 'no answer before the identity is checked',
        subtype: 'acceso',
        verified: false,
        answer: { outcome: 'procedente' },
        answerStatus: 409,
        after: 'recibida',
      },
      {
        name: 'a refusal for want of identity needs none',
        subtype: 'cancelacion',
        verified: false,
        answer: { outcome: 'improcedente', reason: 'identidad_no_acreditada' },
        answerStatus: 200,
        after: 'improcedente',
      },
      {
        name: 'improcedente with a reason code, checked',
        subtype: 'acceso',
        verified: true,
        answer: { outcome: 'improcedente', reason: 'datos_no_tratados' },
        answerStatus: 200,
        after: 'improcedente',
      },
      {
        name: 'access granted and carried out',
        subtype: 'acceso',
        verified: true,
        answer: { outcome: 'procedente' },
        answerStatus: 200,
        after: 'respondida',
        executes: true,
      },
    ];
    it.each(cases_)('$name', async (c) => {
      const { response, representativeId } = await register({ subtype: c.subtype, details: c.details });
      expect(response.statusCode, response.body).toBe(201);
      const { id, caseId } = response.json() as ArcoView;
      const ofCase = await supervisor.request('GET', `/api/v1/arco-requests?caseId=${caseId}`);
      expect((ofCase.json() as { items: ArcoView[] }).items.map((r) => r.id)).toEqual([id]);
      if (c.verified) expect((await verify(id, representativeId)).statusCode).toBe(200);
      const answered = await answer(id, c.answer);
      expect(answered.statusCode, answered.body).toBe(c.answerStatus);
      const view = (await supervisor.request('GET', `/api/v1/arco-requests/${id}`)).json() as ArcoView;
      expect(view.status).toBe(c.after);
      const [kase] = await db().select().from(cases).where(eq(cases.id, caseId));
      if (c.after === 'recibida') {
        expect(view.deadlines.respuesta_arco?.metAt).toBeNull();
        expect(kase?.status).not.toBe('resuelto');
        return;
      }
      // Answered: the answer clock met; refused, the case is resolved with no execution clock.
      expect(view.deadlines.respuesta_arco?.metAt).not.toBeNull();
      if (c.after === 'improcedente') {
        expect(view.refusalReason).toBe((c.answer as { reason: string }).reason);
        expect(view.deadlines.ejecucion_arco).toBeUndefined();
        expect(kase?.status).toBe('resuelto');
        expect((await execute(id)).statusCode).toBe(409);
        return;
      }
      const execution = view.deadlines.ejecucion_arco;
      expect(execution?.target.amount).toBe(15);
      expect(execution?.metAt).toBeNull();
      expect(kase?.status).toBe('en_proceso');
      const executed = await execute(id);
      expect(executed.statusCode, executed.body).toBe(200);
      const done = executed.json() as ArcoView;
      expect(done.status).toBe('ejecutada');
      expect(done.deadlines.ejecucion_arco?.metAt).not.toBeNull();
      const [resolved] = await db().select().from(cases).where(eq(cases.id, caseId));
      expect(resolved?.status).toBe('resuelto');
      expect((await execute(id)).statusCode).toBe(409);
    });
  });

  it('rectifies the name and contact points, with an event that holds no values', async () => {
    const { response, representativeId, customerId } = await register({
      subtype: 'rectificacion',
      details: {
        name: 'Nombre Corregido Velázquez',
        addContacts: [{ kind: 'email', address: 'Corregido.Velazquez@Ejemplo.test' }],
        removeContacts: [{ kind: 'phone', address: `81 3000 ${String(1000 + sequence + 1)}` }],
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const { id } = response.json() as ArcoView;
    await verify(id, representativeId);
    expect((await answer(id, { outcome: 'procedente' })).statusCode).toBe(200);
    const executed = await execute(id);
    expect(executed.statusCode, executed.body).toBe(200);
    const [customer] = await db().select().from(customers).where(eq(customers.id, customerId));
    expect(customer?.name).toBe('Nombre Corregido Velázquez');
    const points = await db().select().from(contactPoints).where(eq(contactPoints.customerId, customerId));
    expect(points.map((p) => `${p.kind}:${p.address}`)).toEqual(['email:corregido.velazquez@ejemplo.test']);
    const [event] = await db()
      .select()
      .from(events)
      .where(and(eq(events.customerId, customerId), eq(events.kind, 'customer_rectified')));
    expect(event?.after).toMatchObject({ fields: ['name', 'contactPoints'] });
    expect(JSON.stringify(event)).not.toContain('Velázquez');
    expect(JSON.stringify(event)).not.toContain('ejemplo.test');
  });

  it('records the opposition as refused consent per purpose, tied to the request', async () => {
    const { response, representativeId, customerId } = await register({
      subtype: 'oposicion',
      details: { purposes: ['promocionales', 'encuestas'] },
    });
    expect(response.statusCode, response.body).toBe(201);
    const { id } = response.json() as ArcoView;
    await verify(id, representativeId);
    await answer(id, { outcome: 'procedente' });
    expect((await execute(id)).statusCode).toBe(200);
    const rows = await db().select().from(consents).where(eq(consents.customerId, customerId));
    expect(rows.map((r) => [r.purpose, r.granted, r.arcoRequestId]).sort()).toEqual([
      ['encuestas', false, id],
      ['promocionales', false, id],
    ]);
  });

  it('makes an arco case that came in another way a request, counting from its receipt', async () => {
    const { customer } = await makeCustomer();
    const opened = await agent.request('POST', '/api/v1/cases', {
      requestType: 'arco',
      channel: 'email',
      customerId: customer.id,
      description: 'Quiero saber qué datos míos tienen',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const { folio, id: caseId } = opened.json() as { folio: string; id: string };
    expect(
      (await outsider.request('POST', `/api/v1/cases/${folio}/arco`, { subtype: 'acceso' })).statusCode,
    ).toBe(404);
    const made = await agent.request('POST', `/api/v1/cases/${folio}/arco`, { subtype: 'acceso' });
    expect(made.statusCode, made.body).toBe(201);
    const view = made.json() as ArcoView;
    const [clock] = await db()
      .select()
      .from(deadlines)
      .where(and(eq(deadlines.subjectId, view.id), eq(deadlines.kind, 'respuesta_arco')));
    const [kase] = await db().select().from(cases).where(eq(cases.id, caseId));
    expect(clock?.startedAt.toISOString()).toBe(kase?.createdAt.toISOString());
    expect(
      (await agent.request('POST', `/api/v1/cases/${folio}/arco`, { subtype: 'acceso' })).statusCode,
    ).toBe(409);
  });

  describe('routes', () => {
    it('requires a session', async () => {
      const response = await app.atiende.http.inject({ method: 'GET', url: '/api/v1/arco-requests' });
      expect(response.statusCode).toBe(401);
    });

    it('refuses an unknown right with 422 naming subtype, and writes nothing', async () => {
      const before = await db().select({ id: cases.id }).from(cases);
      const { response } = await register({ subtype: 'olvido' });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ code: 'arco.unknown_subtype', field: 'subtype' });
      const bad = await register({ subtype: 'oposicion', details: { purposes: ['llamadas'] } });
      expect(bad.response.statusCode).toBe(422);
      expect((await db().select({ id: cases.id }).from(cases)).length).toBe(before.length);
    });

    it('hides another area’s requests (404) and lets only supervisors answer (403)', async () => {
      const { response, representativeId } = await register({ subtype: 'acceso' });
      const { id } = response.json() as ArcoView;
      expect((await outsider.request('GET', `/api/v1/arco-requests/${id}`)).statusCode).toBe(404);
      const listed = (await outsider.request('GET', '/api/v1/arco-requests')).json() as { items: ArcoView[] };
      expect(listed.items.map((i) => i.id)).not.toContain(id);
      await verify(id, representativeId);
      expect((await answer(id, { outcome: 'procedente' }, agent)).statusCode).toBe(403);
      const received = (await agent.request('GET', '/api/v1/arco-requests?status=recibida')).json() as {
        items: ArcoView[];
      };
      expect(received.items.map((i) => i.id)).toContain(id);
      expect(received.items.every((i) => i.status === 'recibida')).toBe(true);
    });

    it('refuses account data as proof of identity', async () => {
      const { response } = await register({ subtype: 'acceso' });
      const { id } = response.json() as ArcoView;
      const refused = await agent.request('POST', `/api/v1/arco-requests/${id}/identity`, {
        method: 'datos_de_cuenta',
      });
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({ code: 'arco.identity_insufficient', field: 'method' });
    });
  });
  // Last: it moves the clock years ahead.
  it('keeps what billing needs until the retention ends, then the daily job anonymises it', async () => {
    expect(jobDefinitions(app.atiende.ctx).find((j) => j.name === RETENTION_JOB)?.cron).toBe(RETENTION_CRON);
    const { response, representativeId, customerId } = await register({ subtype: 'cancelacion' });
    const { id } = response.json() as ArcoView;
    await verify(id, representativeId);
    await answer(id, { outcome: 'procedente' });
    const executed = await execute(id);
    expect(executed.statusCode, executed.body).toBe(200);
    const done = executed.json() as ArcoView & { retainUntil: string; retentionAnonymisedAt: string | null };
    const years = (Date.parse(done.retainUntil) - clock.now().getTime()) / (365.25 * DAY_MS);
    expect(Math.round(years)).toBe(5);
    const [kept] = await db().select().from(customers).where(eq(customers.id, customerId));
    expect(kept?.accountNumber).toBe(`ARCO-${kind}-${sequence}`);
    expect(kept?.anonymisedAt).not.toBeNull();
    expect(await db().select().from(contactPoints).where(eq(contactPoints.customerId, customerId))).toEqual(
      [],
    );
    expect(await runRetention(app.atiende.ctx)).toBe(0);

    clock.set(new Date(Date.parse(done.retainUntil) + 1000));
    expect(await runRetention(app.atiende.ctx)).toBe(1);
    expect(await runRetention(app.atiende.ctx)).toBe(0);
    const [erased] = await db().select().from(customers).where(eq(customers.id, customerId));
    expect(erased?.name).toBeNull();
    expect(erased?.accountNumber).toMatch(/^anon-[0-9a-f-]{36}$/);
    const view = (await supervisor.request('GET', `/api/v1/arco-requests/${id}`)).json() as {
      retentionAnonymisedAt: string | null;
    };
    expect(view.retentionAnonymisedAt).not.toBeNull();
  });
});

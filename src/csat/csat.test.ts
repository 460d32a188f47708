import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sha256 } from '../auth/secrets.ts';
import { autoCloseResolved } from '../cases/case-status.ts';
import { waId, waMessagesPayload, waText } from '../channels/testing/wa-payloads.ts';
import { signMetaPayload } from '../channels/whatsapp/signature.ts';
import { ManualClock } from '../clock.ts';
import { areas, cases, consents, contactPoints, csatSurveys, events, messages } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { type FakeGraph, type RecordedRequest, startFakeGraph } from '../test/fake-graph.ts';
import { turnMenuOff } from '../test/menu.ts';
import { waitUntil } from '../test/wait.ts';
import { expireSurveys } from './csat.service.ts';
import { CSAT_SEND_JOB } from './csat-job.ts';
import { defaultCsat } from './csat-settings.ts';

const WA_SECRET = 'wa-secret-for-csat-tests';
const ES = defaultCsat().texts.es;

describeEachDatabase('the satisfaction survey after a case closes', (kind) => {
  const clock = new ManualClock(new Date());
  let app: TestApp;
  let graph: FakeGraph;
  let agent: Session;
  let n = 0;

  beforeAll(async () => {
    graph = await startFakeGraph();
    app = await startTestApp(kind, {
      clock,
      config: {
        GRAPH_BASE_URL: graph.url,
        WHATSAPP_VERIFY_TOKEN: 'wa-verify',
        WHATSAPP_APP_SECRET: WA_SECRET,
        WHATSAPP_ACCESS_TOKEN: 'wa-access-token',
        WHATSAPP_PHONE_NUMBER_ID: '200000000000001',
      },
    });
    await turnMenuOff(db());
    const areaIds = (await db().select({ id: areas.id }).from(areas)).map((a) => a.id);
    agent = await app.sessionAs('admin', areaIds);
  });
  afterAll(async () => {
    await app?.close();
    await graph?.close();
  });

  const db = () => app.atiende.ctx.db;
  const nextWa = () => waId((kind === 'pglite' ? 7000 : 8000) + ++n);
  const addressOf = (wa: string) => `+52${wa.slice(-10)}`;

  const post = (raw: string) =>
    app.atiende.http.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaPayload(Buffer.from(raw), WA_SECRET),
      },
      payload: raw,
    });
  const textPayload = (wa: string, text: string) =>
    JSON.stringify(waMessagesPayload(wa, 'Cliente Encuesta', [waText(text)]));
  const scorePayload = (wa: string, id: string, title: string) =>
    JSON.stringify(
      waMessagesPayload(wa, 'Cliente Encuesta', [
        { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id, title } } },
      ]),
    );

  const sendsTo = (wa: string) =>
    graph.sent.filter(
      (s) =>
        /\/messages$/.test(s.path) && (s.body as { to?: string } | undefined)?.to === `52${wa.slice(-10)}`,
    );
  const textOf = (s: RecordedRequest) => {
    const body = s.body as { text?: { body: string }; interactive?: { body: { text: string } } };
    return body.text?.body ?? body.interactive?.body.text ?? '';
  };

  const casesOf = (customerId: string) =>
    db().select().from(cases).where(eq(cases.customerId, customerId)).orderBy(asc(cases.createdAt));
  const surveysOf = (customerId: string) =>
    db().select().from(csatSurveys).where(eq(csatSurveys.customerId, customerId));
  const caseOf = async (id: string) => (await db().select().from(cases).where(eq(cases.id, id)))[0];

  /** A WhatsApp message that opens a case; answers the case once intake has taken it. */
  async function openByWhatsApp(wa: string, text = 'Quiero saber el horario de atención') {
    clock.advance(1_000);
    const response = await post(textPayload(wa, text));
    expect(response.statusCode).toBe(200);
    let opened: typeof cases.$inferSelect | undefined;
    await waitUntil(async () => {
      const [point] = await db()
        .select()
        .from(contactPoints)
        .where(and(eq(contactPoints.kind, 'whatsapp'), eq(contactPoints.address, addressOf(wa))));
      if (!point?.customerId) return false;
      const all = await casesOf(point.customerId);
      opened = all.find((c) => c.status === 'nuevo');
      return Boolean(opened);
    }, 20_000);
    if (!opened) throw new Error('no case opened');
    // A consulta needs no cause code to be resolved.
    await db()
      .update(cases)
      .set({ requestType: 'consulta', status: 'en_proceso', assigneeId: agent.agentId })
      .where(eq(cases.id, opened.id));
    return opened;
  }

  const changeStatus = async (folio: string, status: 'resuelto' | 'cerrado') => {
    clock.advance(1_000);
    const response = await agent.request('POST', `/api/v1/cases/${folio}/status`, { status });
    expect(response.statusCode, response.body).toBe(200);
  };

  /** Waits until the survey job of a case has run (whether it sent anything or not). */
  const surveyJobRan = (caseId: string) =>
    waitUntil(async () => {
      const jobs = await app.atiende.ctx.jobs.findJobs(CSAT_SEND_JOB);
      return jobs.some((j) => (j.data as { caseId?: string }).caseId === caseId && j.state === 'completed');
    }, 20_000);
  const surveyJobsOf = async (caseId: string) =>
    (await app.atiende.ctx.jobs.findJobs(CSAT_SEND_JOB)).filter(
      (j) => (j.data as { caseId?: string }).caseId === caseId,
    );

  let firstWa = '';
  let firstCustomerId = '';

  it('asks on WhatsApp with a list of five once the case is closed, and takes the tapped score without reopening it', async () => {
    const wa = nextWa();
    firstWa = wa;
    const kase = await openByWhatsApp(wa);
    firstCustomerId = kase.customerId;
    await changeStatus(kase.folio, 'resuelto');
    expect(await surveyJobsOf(kase.id)).toHaveLength(0);
    await changeStatus(kase.folio, 'cerrado');

    const isQuestion = (s: RecordedRequest) =>
      (s.body as { type?: string }).type === 'interactive' && textOf(s).includes(kase.folio);
    await waitUntil(() => sendsTo(wa).some(isQuestion), 20_000);
    const question = sendsTo(wa).find(isQuestion) as RecordedRequest;
    const interactive = (
      question.body as {
        interactive: {
          type: string;
          action: { button: string; sections: Array<{ rows: Array<{ id: string; title: string }> }> };
        };
      }
    ).interactive;
    expect(interactive.type).toBe('list');
    expect(interactive.action.button).toBe(ES.button);
    const rows = interactive.action.sections[0]?.rows ?? [];
    const [survey] = await surveysOf(kase.customerId);
    expect(survey).toMatchObject({ caseId: kase.id, status: 'enviada', channel: 'whatsapp', score: null });
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5].map((s) => `csat:${survey?.id}:${s}`));
    expect(rows.map((r) => r.title)).toEqual(ES.scores);

    const sendsBefore = sendsTo(wa).length;
    clock.advance(60_000);
    const raw = scorePayload(wa, `csat:${survey?.id}:5`, ES.scores[4]);
    expect((await post(raw)).statusCode).toBe(200);
    await waitUntil(async () => (await surveysOf(kase.customerId))[0]?.status === 'respondida', 20_000);
    const [answered] = await surveysOf(kase.customerId);
    expect(answered).toMatchObject({ status: 'respondida', score: 5 });
    await waitUntil(() => sendsTo(wa).some((s) => textOf(s) === ES.thanks), 20_000);
    expect((await caseOf(kase.id))?.status).toBe('cerrado');
    expect(await casesOf(kase.customerId)).toHaveLength(1);
    const stored = await db()
      .select({ body: messages.body })
      .from(messages)
      .where(and(eq(messages.caseId, kase.id), eq(messages.kind, 'entrante')));
    expect(stored.map((m) => m.body)).toContain(ES.scores[4]);

    // The same webhook again, and another tap afterwards: nothing changes, nobody is thanked twice.
    expect((await post(raw)).statusCode).toBe(200);
    clock.advance(1_000);
    expect((await post(scorePayload(wa, `csat:${survey?.id}:1`, ES.scores[0]))).statusCode).toBe(200);
    await waitUntil(async () => {
      const entrantes = await db()
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.caseId, kase.id), eq(messages.kind, 'entrante')));
      return entrantes.length === 3;
    }, 20_000);
    expect(await surveysOf(kase.customerId)).toEqual([answered]);
    expect((await caseOf(kase.id))?.status).toBe('cerrado');
    expect(await casesOf(kase.customerId)).toHaveLength(1);
    expect(
      sendsTo(wa)
        .slice(sendsBefore)
        .filter((s) => textOf(s) === ES.thanks),
    ).toHaveLength(1);
    const kinds = (
      await db().select({ kind: events.kind }).from(events).where(eq(events.subjectId, kase.id))
    ).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'csat_sent')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'csat_answered')).toHaveLength(1);
  });

  it("does not take a score for someone else's survey", async () => {
    const [survey] = await surveysOf(firstCustomerId);
    const stranger = nextWa();
    clock.advance(1_000);
    const raw = scorePayload(stranger, `csat:${survey?.id}:1`, ES.scores[0]);
    expect((await post(raw)).statusCode).toBe(200);
    // Not a survey answer: it goes the usual way and opens the stranger's own case.
    await waitUntil(async () => {
      const [point] = await db()
        .select()
        .from(contactPoints)
        .where(and(eq(contactPoints.kind, 'whatsapp'), eq(contactPoints.address, addressOf(stranger))));
      return Boolean(point?.customerId && (await casesOf(point.customerId)).length === 1);
    }, 20_000);
    expect(await surveysOf(firstCustomerId)).toEqual([survey]);
  });

  it('asks a customer at most once in the period: a second case closed by the reopen window is not surveyed', async () => {
    const kase = await openByWhatsApp(firstWa, 'Otra pregunta sobre mi contrato');
    expect(kase.customerId).toBe(firstCustomerId);
    await changeStatus(kase.folio, 'resuelto');
    const resolved = await caseOf(kase.id);
    await autoCloseResolved(app.atiende.ctx, {
      caseId: kase.id,
      resolvedAt: resolved?.resolvedAt?.toISOString() ?? '',
    });
    expect((await caseOf(kase.id))?.status).toBe('cerrado');
    await surveyJobRan(kase.id);
    expect(await surveysOf(firstCustomerId)).toHaveLength(1);
  });

  it('does not ask a customer who refused surveys', async () => {
    const wa = nextWa();
    const kase = await openByWhatsApp(wa);
    await db().insert(consents).values({
      customerId: kase.customerId,
      purpose: 'encuestas',
      granted: false,
      channel: 'portal',
      textVersion: '1',
      recordedAt: clock.now(),
    });
    await changeStatus(kase.folio, 'resuelto');
    await changeStatus(kase.folio, 'cerrado');
    await surveyJobRan(kase.id);
    expect(await surveysOf(kase.customerId)).toHaveLength(0);
  });

  it('sends nothing for a case only resolved', async () => {
    const wa = nextWa();
    const kase = await openByWhatsApp(wa);
    await changeStatus(kase.folio, 'resuelto');
    expect(await surveyJobsOf(kase.id)).toHaveLength(0);
    expect(await surveysOf(kase.customerId)).toHaveLength(0);
  });

  it('sends the link by e-mail once the WhatsApp window closed, answered on the portal with a comment', async () => {
    const wa = nextWa();
    const kase = await openByWhatsApp(wa);
    const email = `encuesta.${kind}.${n}@example.test`;
    await db().insert(contactPoints).values({ customerId: kase.customerId, kind: 'email', address: email });
    await changeStatus(kase.folio, 'resuelto');
    // The customer last wrote 25 hours ago: WhatsApp's window is closed and no template is configured.
    await db()
      .update(messages)
      .set({ createdAt: new Date(clock.now().getTime() - 25 * 3_600_000) })
      .where(and(eq(messages.caseId, kase.id), eq(messages.kind, 'entrante')));
    await changeStatus(kase.folio, 'cerrado');
    await surveyJobRan(kase.id);
    const [survey] = await surveysOf(kase.customerId);
    expect(survey).toMatchObject({ channel: 'email', status: 'enviada' });
    const [sent] = await db()
      .select({ body: messages.body, metadata: messages.metadata })
      .from(messages)
      .where(and(eq(messages.caseId, kase.id), eq(messages.channel, 'email')));
    expect(sent?.metadata).toMatchObject({ to: { kind: 'email', address: email } });
    const token = /\/portal\/encuesta\/([A-Za-z0-9_-]+)/.exec(sent?.body ?? '')?.[1] as string;
    expect(sha256(token)).toBe(survey?.tokenHash);

    const url = `/api/v1/portal/surveys/${token}`;
    const shown = await app.atiende.http.inject({ method: 'GET', url });
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toMatchObject({ folio: kase.folio, status: 'enviada', score: null });
    expect(shown.json().texts.es.scores).toEqual(ES.scores);

    const bad = await app.atiende.http.inject({ method: 'POST', url, payload: { score: 6 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('body.score');
    const answered = await app.atiende.http.inject({
      method: 'POST',
      url,
      payload: { score: 4, comment: '  Muy amables  ' },
    });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({ status: 'respondida', score: 4 });
    expect((await surveysOf(kase.customerId))[0]).toMatchObject({ score: 4, comment: 'Muy amables' });
    const again = await app.atiende.http.inject({ method: 'POST', url, payload: { score: 1 } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('csat.answered');
    expect((await surveysOf(kase.customerId))[0]?.score).toBe(4);
    expect((await caseOf(kase.id))?.status).toBe('cerrado');

    const unknown = await app.atiende.http.inject({
      method: 'GET',
      url: `/api/v1/portal/surveys/${'x'.repeat(43)}`,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('csat.not_found');
    const malformed = await app.atiende.http.inject({
      method: 'GET',
      url: '/api/v1/portal/surveys/short',
    });
    expect(malformed.statusCode).toBe(400);
  });

  it('refuses an answer after the survey expired, and the expiry job marks it', async () => {
    const wa = nextWa();
    const kase = await openByWhatsApp(wa);
    await changeStatus(kase.folio, 'resuelto');
    // Closed without anything sent, so the survey here is made by hand with a token the test knows.
    await db().insert(consents).values({
      customerId: kase.customerId,
      purpose: 'encuestas',
      granted: false,
      channel: 'portal',
      textVersion: '1',
      recordedAt: clock.now(),
    });
    await changeStatus(kase.folio, 'cerrado');
    await surveyJobRan(kase.id);
    const token = `t${kind}${'y'.repeat(40)}`;
    await db()
      .insert(csatSurveys)
      .values({
        caseId: kase.id,
        customerId: kase.customerId,
        channel: 'email',
        areaId: kase.areaId,
        tokenHash: sha256(token),
        sentAt: new Date(clock.now().getTime() - 73 * 3_600_000),
        expiresAt: new Date(clock.now().getTime() - 3_600_000),
      });
    const url = `/api/v1/portal/surveys/${token}`;
    expect((await app.atiende.http.inject({ method: 'GET', url })).json().status).toBe('expirada');
    const late = await app.atiende.http.inject({ method: 'POST', url, payload: { score: 5 } });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('csat.expired');
    expect(await expireSurveys(app.atiende.ctx)).toBeGreaterThanOrEqual(1);
    expect((await surveysOf(kase.customerId))[0]).toMatchObject({ status: 'expirada', score: null });
  });
});

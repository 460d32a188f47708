import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_PROFILE_PATH } from '../config/env.ts';
import { parseProfile, readProfileFile } from '../config/profile.ts';
import { areas, contactPoints, messages } from '../db/schema.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import type { WritableChannel } from './channel.ts';
import { noticeOn } from './notices.ts';
import type { TemplateValues } from './templates.ts';

const FOLIO = 'MON-2026-000042-6';

describe('how a notice goes out on one channel', async () => {
  const example = await readProfileFile(EXAMPLE_PROFILE_PATH);
  const settings: ProviderSettings = parseProfile({
    ...example,
    templates: {
      ...example.templates,
      pago_recibido_email: { 'es-MX': 'Recibimos su pago de {monto} para el folio {folio}.' },
    },
    whatsappTemplates: [
      ...example.whatsappTemplates,
      {
        name: 'pago_recibido',
        parameters: ['folio', 'monto'],
        preview: 'Recibimos tu pago de {{2}} para el folio {{1}}.',
      },
      {
        name: 'hola_nombre',
        parameters: ['nombre', 'folio'],
        preview: 'Hola {{1}}, tu folio {{2}} sigue abierto.',
      },
    ],
    notices: {
      whatsappTemplates: {
        estado_en_espera_cliente: 'seguimiento_folio',
        pago_recibido: 'pago_recibido',
        estado_en_proceso: 'hola_nombre',
      },
    },
  });
  const base: TemplateValues = {
    folio: FOLIO,
    nombre: ' Ana',
    plazo: '25 de noviembre de 2026, 10:02 h',
    tipo: 'consulta',
    proveedor: 'Monet Móvil',
  };
  const seguimiento = {
    body: `Hola, te escribimos sobre tu folio ${FOLIO}. Responde a este mensaje para continuar.`,
    template: { name: 'seguimiento_folio', language: 'es_MX', parameters: [FOLIO] },
  };
  const pago = {
    body: `Recibimos tu pago de $349.00 para el folio ${FOLIO}.`,
    template: { name: 'pago_recibido', language: 'es_MX', parameters: [FOLIO, '$349.00'] },
  };

  it.each<[string, string, WritableChannel, boolean, TemplateValues, unknown]>([
    [
      'WhatsApp inside the window: the free text',
      'estado_resuelto',
      'whatsapp',
      true,
      { bonificacion: '' },
      {
        body: `Tu folio ${FOLIO} quedó resuelto. Si algo no quedó bien, responde a este mensaje en los próximos días y lo reabrimos.`,
      },
    ],
    [
      'WhatsApp outside it: the template mapped to the notice',
      'estado_en_espera_cliente',
      'whatsapp',
      false,
      {},
      seguimiento,
    ],
    ['WhatsApp outside it, no template mapped', 'estado_resuelto', 'whatsapp', false, {}, 'ventana_cerrada'],
    [
      'Messenger outside its window, whatever WhatsApp has',
      'estado_en_espera_cliente',
      'facebook',
      false,
      {},
      'ventana_cerrada',
    ],
    [
      'Messenger inside it: the free text',
      'estado_en_espera_cliente',
      'facebook',
      true,
      {},
      {
        body: `Para continuar con tu folio ${FOLIO} necesitamos información de tu parte. Responde a este mensaje, por favor.`,
      },
    ],
    [
      'e-mail, which has no window',
      'estado_resuelto',
      'email',
      false,
      { bonificacion: '' },
      {
        body: `Le informamos que su folio ${FOLIO} quedó resuelto. Si requiere algo más, responda a este correo en los próximos días y lo reabriremos.`,
      },
    ],
    [
      'e-mail, with the credit its resolution posted',
      'estado_resuelto',
      'email',
      false,
      {
        bonificacion:
          ' Se aplicará una bonificación de $29.17 MXN en la próxima fecha de corte (15 de diciembre de 2026).',
      },
      {
        body: `Le informamos que su folio ${FOLIO} quedó resuelto. Se aplicará una bonificación de $29.17 MXN en la próxima fecha de corte (15 de diciembre de 2026). Si requiere algo más, responda a este correo en los próximos días y lo reabriremos.`,
      },
    ],
    [
      'a channel with no text for the notice',
      'pago_recibido',
      'facebook',
      true,
      { monto: '$349.00' },
      'sin_plantilla',
    ],
    ['a text naming a value not given', 'pago_recibido', 'email', false, {}, 'faltan_datos'],
    [
      'the same text with it',
      'pago_recibido',
      'email',
      false,
      { monto: '$349.00' },
      { body: `Recibimos su pago de $349.00 para el folio ${FOLIO}.` },
    ],
    ['a template naming a value not given', 'pago_recibido', 'whatsapp', false, {}, 'faltan_datos'],
    ['the same template with it', 'pago_recibido', 'whatsapp', false, { monto: '$349.00' }, pago],
    [
      'WhatsApp inside the window with no text: the template',
      'pago_recibido',
      'whatsapp',
      true,
      { monto: '$349.00' },
      pago,
    ],
    [
      'a template wanting a name the customer has not given',
      'estado_en_proceso',
      'whatsapp',
      false,
      { nombre: '' },
      'faltan_datos',
    ],
  ])('%s', (_what, key, channel, windowOpen, extra, expected) => {
    const outcome = noticeOn(
      settings,
      { key, requestType: 'consulta', values: { ...base, ...extra } },
      { channel, windowOpen },
    );
    expect(outcome).toStrictEqual(expected);
  });

  it('reads settings stored before notices had any as having no template mapped', () => {
    const { notices: _none, ...older } = settings;
    const notice = { key: 'estado_en_espera_cliente', requestType: 'consulta', values: base };
    expect(noticeOn(older as ProviderSettings, notice, { channel: 'whatsapp', windowOpen: false })).toBe(
      'ventana_cerrada',
    );
  });
});

describeEachDatabase('automatic notices', (kind) => {
  let app: TestApp;
  let agent: Session;
  let n = 0;
  const db = () => app.atiende.ctx.db;

  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
    const areaIds = (await db().select({ id: areas.id }).from(areas)).map((a) => a.id);
    agent = await app.sessionAs('agent', areaIds);
    const admin = await app.sessionAs('admin');
    const notices = await admin.request('PATCH', '/api/v1/settings/notices', {
      fallbackOrder: ['whatsapp', 'email', 'facebook'],
      whatsappTemplates: { estado_en_espera_cliente: 'seguimiento_folio' },
    });
    expect(notices.statusCode, notices.body).toBe(200);
  });
  afterAll(() => app?.close());

  const number = () => `81${String(50_000_000 + ++n * 7919).slice(-8)}`;
  async function openCase(body: Record<string, unknown>) {
    const response = await agent.request('POST', '/api/v1/cases', {
      requestType: 'consulta',
      description: '¿Cuándo llega el técnico?',
      ...body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; folio: string; customer: { id: string } };
  }
  const setStatus = async (folio: string, status: string) => {
    const response = await agent.request('POST', `/api/v1/cases/${folio}/status`, { status });
    expect(response.statusCode, response.body).toBe(200);
  };
  /** As if the customer's last message on any of their cases came `hours` ago. */
  const lastWroteHoursAgo = (customerId: string, hours: number) =>
    db().execute(
      sql`update messages set created_at = ${new Date(Date.now() - hours * 3_600_000).toISOString()}::timestamptz
        where kind = 'entrante' and case_id in (select id from cases where customer_id = ${customerId})`,
    );
  const outbound = (caseId: string) =>
    db()
      .select()
      .from(messages)
      .where(and(eq(messages.caseId, caseId), eq(messages.kind, 'saliente')))
      .orderBy(asc(messages.createdAt));
  const timelineEvents = async (folio: string) => {
    const response = await agent.request('GET', `/api/v1/cases/${folio}`);
    expect(response.statusCode).toBe(200);
    const { timeline } = response.json() as {
      timeline: Array<{ type: string; event?: { kind: string; actorKind: string; after: unknown } }>;
    };
    return timeline.flatMap((t) => (t.event ? [t.event] : []));
  };

  it('sends free text on WhatsApp inside the 24-hour window, and the mapped approved template outside it', async () => {
    const kase = await openCase({
      channel: 'whatsapp',
      contact: { kind: 'whatsapp', address: `+52${number()}` },
    });
    await setStatus(kase.folio, 'en_proceso');
    const [text] = await outbound(kase.id);
    expect(text).toMatchObject({
      channel: 'whatsapp',
      body: `Tu folio ${kase.folio} ya está en atención con un asesor.`,
    });
    expect(text?.metadata).toEqual({ automatic: true });

    await lastWroteHoursAgo(kase.customer.id, 25);
    await setStatus(kase.folio, 'en_espera_cliente');
    const [, template] = await outbound(kase.id);
    expect(template).toMatchObject({
      channel: 'whatsapp',
      deliveryStatus: 'pendiente',
      body: `Hola, te escribimos sobre tu folio ${kase.folio}. Responde a este mensaje para continuar.`,
      metadata: {
        automatic: true,
        template: { name: 'seguimiento_folio', language: 'es_MX', parameters: [kase.folio] },
      },
    });
  });

  it('sends by e-mail to the address on file when WhatsApp’s window is closed and no template carries the notice', async () => {
    const kase = await openCase({
      channel: 'whatsapp',
      contact: { kind: 'whatsapp', address: `+52${number()}` },
    });
    const address = `cliente${n}@example.test`;
    await db().insert(contactPoints).values({ customerId: kase.customer.id, kind: 'email', address });
    await lastWroteHoursAgo(kase.customer.id, 30);
    await setStatus(kase.folio, 'en_proceso');
    const sent = await outbound(kase.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      channel: 'email',
      deliveryStatus: 'pendiente',
      body: `Le informamos que su folio ${kase.folio} ya está siendo atendido por un asesor.`,
      metadata: { automatic: true, to: { kind: 'email', address } },
    });
    expect((await timelineEvents(kase.folio)).map((e) => e.kind)).not.toContain('aviso_no_entregado');
  });

  it('records aviso_no_entregado on the case, in codes, when nothing can carry the notice', async () => {
    const chat = await openCase({
      channel: 'whatsapp',
      contact: { kind: 'whatsapp', address: `+52${number()}` },
      customerName: 'Rosa Garza',
    });
    await lastWroteHoursAgo(chat.customer.id, 48);
    await setStatus(chat.folio, 'en_proceso');
    expect(await outbound(chat.id)).toEqual([]);
    const events = await timelineEvents(chat.folio);
    expect(events.slice(-2).map((e) => e.kind)).toEqual(['status_changed', 'aviso_no_entregado']);
    expect(events.at(-1)).toMatchObject({ actorKind: 'sistema' });
    expect(events.at(-1)?.after).toEqual({
      notice: 'estado_en_proceso',
      tried: [
        { channel: 'whatsapp', reason: 'ventana_cerrada' },
        { channel: 'email', reason: 'sin_contacto' },
        { channel: 'facebook', reason: 'sin_contacto' },
      ],
    });

    // A phone call leaves no written channel unless the customer has one on file.
    const call = await openCase({ channel: 'telefono', contact: { kind: 'phone', address: number() } });
    await setStatus(call.folio, 'en_proceso');
    expect(await outbound(call.id)).toEqual([]);
    expect((await timelineEvents(call.folio)).at(-1)?.after).toEqual({
      notice: 'estado_en_proceso',
      tried: [
        { channel: 'whatsapp', reason: 'sin_contacto' },
        { channel: 'email', reason: 'sin_contacto' },
        { channel: 'facebook', reason: 'sin_contacto' },
      ],
    });
    const reachable = await openCase({ channel: 'telefono', contact: { kind: 'phone', address: number() } });
    await db()
      .insert(contactPoints)
      .values({ customerId: reachable.customer.id, kind: 'email', address: `llamada${n}@example.test` });
    await setStatus(reachable.folio, 'en_proceso');
    expect(await outbound(reachable.id)).toMatchObject([{ channel: 'email' }]);

    // The portal shows its case's status itself.
    const portal = await openCase({
      channel: 'portal',
      contact: { kind: 'email', address: `portal${n}@example.test` },
    });
    await setStatus(portal.folio, 'en_proceso');
    expect(await outbound(portal.id)).toEqual([]);
    expect((await timelineEvents(portal.folio)).map((e) => e.kind)).not.toContain('aviso_no_entregado');
  });

  it('writes on Messenger only inside its 24-hour window, never with the HUMAN_AGENT tag', async () => {
    const psid = `6${String(Date.now()).slice(-9)}${++n}`;
    const kase = await openCase({ channel: 'facebook', contact: { kind: 'messenger', address: psid } });
    // Within the 7 days a person may still answer with HUMAN_AGENT: an automatic notice may not.
    await lastWroteHoursAgo(kase.customer.id, 48);
    await setStatus(kase.folio, 'en_proceso');
    expect(await outbound(kase.id)).toEqual([]);
    expect((await timelineEvents(kase.folio)).at(-1)?.after).toEqual({
      notice: 'estado_en_proceso',
      tried: [
        { channel: 'facebook', reason: 'ventana_cerrada' },
        { channel: 'whatsapp', reason: 'sin_contacto' },
        { channel: 'email', reason: 'sin_contacto' },
      ],
    });

    await lastWroteHoursAgo(kase.customer.id, 1);
    await setStatus(kase.folio, 'en_espera_cliente');
    const [notice] = await outbound(kase.id);
    expect(notice).toMatchObject({ channel: 'facebook', body: expect.stringContaining(kase.folio) });
    expect(notice?.metadata).toEqual({ automatic: true });
  });
});

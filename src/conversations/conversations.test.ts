import { asc, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postLedgerEntries } from '../accounts/ledger.service.ts';
import { hashNewPin } from '../accounts/pin.service.ts';
import { systemActor } from '../auth/system-rules.ts';
import {
  uniqueWamid,
  waId,
  waMessagesPayload,
  waStatusPayload,
  waText,
} from '../channels/testing/wa-payloads.ts';
import { signMetaPayload } from '../channels/whatsapp/signature.ts';
import { ManualClock } from '../clock.ts';
import { testAgentActor } from '../customers/customers.factories.ts';
import { createCustomer } from '../customers/customers.service.ts';
import {
  accountPins,
  authorizedRepresentatives,
  cases,
  conversations,
  conversationTurns,
  inboundDeliveries,
  messages,
  services,
  zones,
} from '../db/schema.ts';
import { applyProfile, currentProfile } from '../settings/settings.service.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { type FakeGraph, type RecordedRequest, startFakeGraph } from '../test/fake-graph.ts';
import { waitUntil } from '../test/wait.ts';
import { closeIdleConversations } from './conversations.service.ts';
import { defaultMenu } from './menu-settings.ts';

const WA_SECRET = 'wa-secret-for-menu-tests';
const FB_SECRET = 'fb-secret-for-menu-tests';
const PAGE = '800000000000001';
const ES = defaultMenu().texts.es;
const EN = defaultMenu().texts.en;

/** A sender: a WhatsApp id (`521…`) or a Messenger PSID. */
interface Party {
  channel: 'whatsapp' | 'facebook';
  id: string;
}
/** What the customer sends: typed text, or the id of a button, row or quick reply they tapped. */
type Input = string | { reply: string; title: string };
/** One exchange: what the customer sends, and what Atiende must send back (each pattern matched by one send). */
type Exchange = [Input, RegExp[]];

const literal = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

describeEachDatabase('the self-service menu on WhatsApp and Messenger', (kind) => {
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
        MESSENGER_VERIFY_TOKEN: 'fb-verify',
        MESSENGER_APP_SECRET: FB_SECRET,
        MESSENGER_PAGE_ACCESS_TOKEN: 'fb-page-token',
      },
    });
    const db = app.atiende.ctx.db;
    const profile = await currentProfile(db);
    await applyProfile(db, { ...profile, menu: { ...profile.menu, enabled: true } }, { source: 'api' });
    agent = await app.sessionAs('admin');
  });
  afterAll(async () => {
    await app?.close();
    await graph?.close();
  });

  const db = () => app.atiende.ctx.db;
  const nextWa = (): Party => ({ channel: 'whatsapp', id: waId((kind === 'pglite' ? 5000 : 6000) + ++n) });
  const nextPsid = (): Party => ({
    channel: 'facebook',
    id: `97${kind === 'pglite' ? 1 : 2}${String(++n).padStart(12, '0')}`,
  });
  /** The address a party's contact point is stored under. */
  const addressOf = (p: Party) => (p.channel === 'whatsapp' ? `+52${p.id.slice(-10)}` : p.id);

  function payloadOf(p: Party, input: Input) {
    if (p.channel === 'whatsapp') {
      const content =
        typeof input === 'string'
          ? waText(input)
          : input.reply.startsWith('menu_pick') || input.reply === 'menu_si' || input.reply === 'menu_no'
            ? {
                type: 'interactive',
                interactive: { type: 'button_reply', button_reply: { id: input.reply, title: input.title } },
              }
            : {
                type: 'interactive',
                interactive: { type: 'list_reply', list_reply: { id: input.reply, title: input.title } },
              };
      return waMessagesPayload(p.id, 'Cliente Prueba', [content]);
    }
    const now = Date.now();
    const message =
      typeof input === 'string'
        ? { mid: `m_${uniqueWamid('FB')}`, text: input }
        : { mid: `m_${uniqueWamid('FB')}`, text: input.title, quick_reply: { payload: input.reply } };
    return {
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: now,
          messaging: [{ sender: { id: p.id }, recipient: { id: PAGE }, timestamp: now, message }],
        },
      ],
    };
  }

  const post = (p: Party, raw: string) =>
    app.atiende.http.inject({
      method: 'POST',
      url: p.channel === 'whatsapp' ? '/webhooks/whatsapp' : '/webhooks/messenger',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaPayload(
          Buffer.from(raw),
          p.channel === 'whatsapp' ? WA_SECRET : FB_SECRET,
        ),
      },
      payload: raw,
    });

  const sendsTo = (p: Party) =>
    graph.sent.filter((s) => {
      const body = s.body as { to?: string; recipient?: { id?: string } } | undefined;
      return p.channel === 'whatsapp'
        ? /\/messages$/.test(s.path) && body?.to === `52${p.id.slice(-10)}`
        : s.path.startsWith('/me/messages') && body?.recipient?.id === p.id;
    });

  /** The text a send carries, whatever its shape (text, interactive, Messenger). */
  const textOf = (s: RecordedRequest): string => {
    const body = s.body as {
      type?: string;
      text?: { body: string };
      interactive?: { body: { text: string } };
      message?: { text: string };
    };
    return body.text?.body ?? body.interactive?.body.text ?? body.message?.text ?? '';
  };

  /** The ids offered with a send: list rows, reply buttons or quick replies. */
  const choicesOf = (s: RecordedRequest): string[] => {
    const body = s.body as {
      interactive?: {
        type: string;
        action: {
          buttons?: Array<{ reply: { id: string } }>;
          sections?: Array<{ rows: Array<{ id: string }> }>;
        };
      };
      message?: { quick_replies?: Array<{ payload: string }> };
    };
    if (body.interactive?.type === 'list')
      return body.interactive.action.sections?.[0]?.rows.map((r) => r.id) ?? [];
    if (body.interactive?.type === 'button')
      return body.interactive.action.buttons?.map((b) => b.reply.id) ?? [];
    return body.message?.quick_replies?.map((q) => q.payload) ?? [];
  };

  /** Plays a transcript: each message in, then waits until what must come back has (patterns may share a send). */
  async function play(p: Party, exchanges: Exchange[]): Promise<RecordedRequest[]> {
    const all: RecordedRequest[] = [];
    for (const [input, expected] of exchanges) {
      const before = sendsTo(p).length;
      clock.advance(1_000);
      const response = await post(p, JSON.stringify(payloadOf(p, input)));
      expect(response.statusCode).toBe(200);
      const fresh = () => sendsTo(p).slice(before);
      const matched = () => expected.every((pattern) => fresh().some((s) => pattern.test(textOf(s))));
      await waitUntil(matched, 20_000).catch(() => {
        throw new Error(
          `after ${JSON.stringify(input)} expected ${expected.join(', ')}, got: ${JSON.stringify(fresh().map(textOf))}`,
        );
      });
      all.push(...fresh());
    }
    return all;
  }

  const conversationOf = async (p: Party) => {
    const [row] = await db()
      .select()
      .from(conversations)
      .where(eq(conversations.contactAddress, addressOf(p)))
      .orderBy(asc(conversations.startedAt));
    return row;
  };
  const casesOfCustomer = (customerId: string) =>
    db().select().from(cases).where(eq(cases.customerId, customerId)).orderBy(asc(cases.createdAt));

  /** A customer with an account, their WhatsApp (or Messenger) on file, services with a ledger, and a PIN. */
  async function holder(
    options: { party?: Party; services?: number; pin?: string; name?: string; zoneId?: number } = {},
  ) {
    n += 1;
    const accountNumber = `MENU-${kind}-${n}`;
    const { customer: created } = await createCustomer(
      db(),
      {
        name: options.name ?? 'Rosa Garza',
        accountNumber,
        contactPoints: options.party
          ? [
              {
                kind: options.party.channel === 'whatsapp' ? 'whatsapp' : 'messenger',
                address: addressOf(options.party),
              },
            ]
          : [],
      },
      testAgentActor(),
    );
    const serviceIds: string[] = [];
    for (let i = 0; i < (options.services ?? 1); i += 1) {
      const [service] = await db()
        .insert(services)
        .values({
          customerId: created.id,
          externalRef: `${accountNumber}-S${i + 1}`,
          status: 'activo',
          cutoffDay: 10,
          zoneId: options.zoneId ?? null,
        })
        .returning();
      if (!service) throw new Error('no service');
      serviceIds.push(service.id);
      await postLedgerEntries(
        db(),
        [
          {
            serviceId: service.id,
            kind: 'cargo',
            amountCentavos: 123_450 + i * 100,
            effectiveDate: '2026-01-01',
          },
        ],
        systemActor('aviso_automatico'),
      );
    }
    if (options.pin) {
      await db()
        .insert(accountPins)
        .values({
          customerId: created.id,
          pinHash: await hashNewPin(options.pin),
          setAt: clock.now(),
          setVia: 'agente',
        });
    }
    return { id: created.id, accountNumber, serviceIds };
  }

  async function authorize(customerId: string, p: Party, scope: string[] | null) {
    const [row] = await db()
      .insert(authorizedRepresentatives)
      .values({
        customerId,
        name: 'Luis Garza',
        contact: addressOf(p),
        scope,
        contactKind: p.channel === 'whatsapp' ? 'whatsapp' : 'messenger',
        contactAddress: addressOf(p),
        grantedVia: 'agente',
      })
      .returning();
    if (!row) throw new Error('no representative');
    return row;
  }

  /** Declares an outage in force on a zone since an hour ago; answers the incident's id. */
  async function declareOutage(zoneId: number): Promise<string> {
    const supervisor = await app.sessionAs('supervisor');
    const declared = await supervisor.request('POST', '/api/v1/incidents', {
      zoneIds: [zoneId],
      cause: 'energia',
      publicText: 'Sin energía en la colonia.',
      startedAt: new Date(clock.now().getTime() - 3_600_000).toISOString(),
      eta: new Date(clock.now().getTime() + 4 * 3_600_000).toISOString(),
    });
    expect(declared.statusCode, declared.body).toBe(201);
    return (declared.json() as { id: string }).id;
  }

  const welcome = /Aviso de privacidad: http:\/\/\S+\/portal\/privacy/;
  const menu = literal(`${ES.menu}\n1 ${ES.options.falla}`);
  const acuse = /MON-\d{4}-\d{6}-\d/;
  const handover = literal(ES.handover);

  it('greets with the privacy link and the menu as a WhatsApp list; option 4 opens a contratacion case acknowledged with its folio', async () => {
    const p = nextWa();
    const sends = await play(p, [
      ['Hola', [welcome]],
      [{ reply: 'menu_4', title: 'Contratar' }, [acuse]],
    ]);
    expect(sends[0]?.body).toMatchObject({ type: 'interactive', interactive: { type: 'list' } });
    expect(choicesOf(sends[0] as RecordedRequest)).toEqual([
      'menu_1',
      'menu_2',
      'menu_3',
      'menu_4',
      'menu_5',
      'menu_0',
    ]);
    expect(textOf(sends[0] as RecordedRequest)).toMatch(menu);
    const conversation = await conversationOf(p);
    expect(conversation).toMatchObject({ closeReason: 'solicitud', channel: 'whatsapp' });
    const [opened] = await db()
      .select()
      .from(cases)
      .where(eq(cases.id, conversation?.caseId as string));
    expect(opened).toMatchObject({ requestType: 'contratacion', raisedBy: 'cliente', channel: 'whatsapp' });
    // The conversation so far is on the case, before the message that asked for it.
    const onCase = await db()
      .select()
      .from(messages)
      .where(eq(messages.caseId, opened?.id as string))
      .orderBy(asc(messages.createdAt));
    expect(onCase.map((m) => [m.kind, m.body.slice(0, 4)])).toEqual(
      expect.arrayContaining([
        ['entrante', 'Hola'],
        ['saliente', 'Hola'],
        ['entrante', 'Cont'],
      ]),
    );
    const turns = await db()
      .select()
      .from(conversationTurns)
      .where(eq(conversationTurns.conversationId, conversation?.id as string));
    expect(turns.map((t) => t.kind).sort()).toEqual(['entrante', 'entrante', 'saliente']);
  });

  it('answers the balance from the ledger to a customer whose WhatsApp is on file, with no case', async () => {
    const p = nextWa();
    const rosa = await holder({ party: p, services: 1 });
    await play(p, [
      ['Hola', [welcome]],
      ['2', [/saldo \$1,234\.50 MXN/, menu]],
    ]);
    expect(await casesOfCustomer(rosa.id)).toHaveLength(0);
    expect(await conversationOf(p)).toMatchObject({ customerId: rosa.id, closedAt: null });
  });

  it('asks which service for a failure when there are several, as reply buttons, and opens the falla case on it', async () => {
    const p = nextWa();
    const rosa = await holder({ party: p, services: 2 });
    const sends = await play(p, [
      ['hola', [welcome]],
      ['1', [literal(ES.chooseService)]],
      [{ reply: 'menu_pick_2', title: 'S2' }, [acuse]],
    ]);
    const question = sends.find((s) => textOf(s).includes(ES.chooseService)) as RecordedRequest;
    expect(question.body).toMatchObject({ type: 'interactive', interactive: { type: 'button' } });
    expect(choicesOf(question)).toEqual(['menu_pick_1', 'menu_pick_2']);
    const [falla] = await casesOfCustomer(rosa.id);
    expect(falla).toMatchObject({ requestType: 'falla', serviceId: rosa.serviceIds[1], raisedBy: 'cliente' });
  });

  it('links a failure reported from the menu to the open outage of its zone and answers with the incident', async () => {
    const [zone] = await db()
      .insert(zones)
      .values({ code: `MZ${kind === 'pglite' ? 1 : 2}`, name: 'Colonia Menú' })
      .returning();
    const p = nextWa();
    const rosa = await holder({ party: p, zoneId: zone?.id });
    // The outage is declared while the customer is in the menu (before, their greeting would go to a case).
    await play(p, [['Hola', [welcome]]]);
    const declared = await declareOutage(zone?.id as number);
    await play(p, [['1', [/Ya sabemos de la falla que afecta Colonia Menú/]]]);
    const [falla] = await casesOfCustomer(rosa.id);
    expect(falla).toMatchObject({ requestType: 'falla', incidentId: declared });
  });

  it('leaves to the case path, during an outage, a greeting from a customer it affects or one naming its zone', async () => {
    const [zone] = await db()
      .insert(zones)
      .values({ code: `MA${kind === 'pglite' ? 1 : 2}`, name: 'Colonia Apagón' })
      .returning();
    const incidentId = await declareOutage(zone?.id as number);

    const prospect = nextWa();
    await play(prospect, [
      [
        'Hola, ¿hay algún problema en la colonia apagon?',
        [/Ya sabemos de la falla que afecta Colonia Apagón/],
      ],
    ]);
    expect(await conversationOf(prospect)).toBeUndefined();
    const [linked] = await db()
      .select()
      .from(cases)
      .innerJoin(messages, eq(messages.caseId, cases.id))
      .where(eq(messages.body, 'Hola, ¿hay algún problema en la colonia apagon?'));
    expect(linked?.cases).toMatchObject({ incidentId, serviceId: null });

    const affected = nextWa();
    const rosa = await holder({ party: affected, zoneId: zone?.id });
    await play(affected, [['Hola', [acuse]]]);
    expect(await conversationOf(affected)).toBeUndefined();
    expect(await casesOfCustomer(rosa.id)).toHaveLength(1);

    // Someone the outage does not concern gets the menu as on any day.
    const elsewhere = nextWa();
    await play(elsewhere, [['Hola, vivo en otro lado', [welcome]]]);
    expect(await conversationOf(elsewhere)).toMatchObject({ closedAt: null });
  });

  it("tells the status of the customer's own folio and answers another's as not found", async () => {
    const p = nextWa();
    const rosa = await holder({ party: p });
    const other = await holder({ party: nextWa() });
    // Requests they made by phone, opened as any case is.
    const own = await agent.request('POST', '/api/v1/cases', {
      customerId: rosa.id,
      channel: 'telefono',
      requestType: 'consulta',
      subject: 'Duda',
      description: 'Una duda',
    });
    const foreign = await agent.request('POST', '/api/v1/cases', {
      customerId: other.id,
      channel: 'telefono',
      requestType: 'consulta',
      subject: 'Otra',
      description: 'Otra duda',
    });
    expect(own.statusCode, own.body).toBe(201);
    const ownFolio = (own.json() as { folio: string }).folio;
    const foreignFolio = (foreign.json() as { folio: string }).folio;
    await play(p, [
      ['Buenas', [welcome]],
      ['3', [literal(ES.askFolio)]],
      [foreignFolio, [literal(ES.folioNotFound), menu]],
      ['3', [literal(ES.askFolio)]],
      [ownFolio.toLowerCase(), [new RegExp(`El folio ${ownFolio} está: (recibido|asignado a un asesor)`)]],
    ]);
  });

  it('states the effective date of a cancellation, asks once, and on "sí" opens the case with its folio and date', async () => {
    const p = nextWa();
    const rosa = await holder({ party: p });
    const sends = await play(p, [
      ['Hola', [welcome]],
      ['5', [literal(ES.cancelKind)]],
      ['1', [/se cancelaría con fecha efectiva \d{4}-\d\d-\d\d/]],
      ['Sí', [/Registramos tu solicitud con el folio MON-\d{4}-\d{6}-\d; fecha efectiva: \d{4}-\d\d-\d\d/]],
    ]);
    const confirm = sends.find((s) => /se cancelaría/.test(textOf(s))) as RecordedRequest;
    expect(choicesOf(confirm)).toEqual(['menu_si', 'menu_no']);
    const [cancel] = await casesOfCustomer(rosa.id);
    expect(cancel).toMatchObject({ requestType: 'cancelacion', serviceId: rosa.serviceIds[0] });
    expect(await conversationOf(p)).toMatchObject({ closeReason: 'solicitud', caseId: cancel?.id });
  });

  it('asks to confirm a suspension and changes nothing on "no"', async () => {
    const p = nextWa();
    const rosa = await holder({ party: p });
    await play(p, [
      ['Hola', [welcome]],
      ['5', [literal(ES.cancelKind)]],
      [{ reply: 'menu_pick_2', title: 'Suspender' }, [/se suspendería a partir del/]],
      [{ reply: 'menu_no', title: 'No' }, [literal(ES.notConfirmed)]],
    ]);
    expect(await casesOfCustomer(rosa.id)).toHaveLength(0);
    expect(await conversationOf(p)).toMatchObject({ closedAt: null });
  });

  // A person at every step: the case opens with the conversation and the customer gets its folio.
  const HUMAN_AT: Array<[string, Exchange[], Input]> = [
    ['the menu', [], '0'],
    ['the account number', [['2', [literal(ES.askAccount)]]], 'asesor'],
    [
      'the PIN',
      [
        ['2', [literal(ES.askAccount)]],
        ['MENU-X-1', [literal(ES.askPin)]],
      ],
      'humano',
    ],
    ['the folio', [['3', [literal(ES.askFolio)]]], 'quiero un asesor'],
    ['the service', [['1', [literal(ES.chooseService)]]], { reply: 'menu_0', title: 'Hablar con un asesor' }],
    ['cancel or suspend', [['5', [literal(ES.cancelKind)]]], '0'],
    [
      'the confirmation',
      [
        ['5', [literal(ES.cancelKind)]],
        ['2', [/suspendería/]],
      ],
      'asesor',
    ],
  ];
  it.each(HUMAN_AT)('hands over to a person asked for at %s', async (step, before, ask) => {
    const p = nextWa();
    // Known customers for the steps that need their services; an unknown sender for those asking identity.
    const known = !['the account number', 'the PIN'].includes(step);
    const rosa = known ? await holder({ party: p, services: step === 'the service' ? 2 : 1 }) : undefined;
    await play(p, [['Hola', [welcome]], ...before, [ask, [handover, acuse]]]);
    const conversation = await conversationOf(p);
    expect(conversation?.closeReason).toBe('asesor');
    const [kase] = await db()
      .select()
      .from(cases)
      .where(eq(cases.id, conversation?.caseId as string));
    expect(kase?.requestType).toBe('consulta');
    if (rosa) expect(kase?.customerId).toBe(rosa.id);
    const copied = await db()
      .select()
      .from(messages)
      .where(eq(messages.caseId, kase?.id as string));
    // Every turn but the last is copied, plus the last as the case's first message, plus the acknowledgement.
    const turns = await db()
      .select()
      .from(conversationTurns)
      .where(eq(conversationTurns.conversationId, conversation?.id as string));
    expect(copied.length).toBe(turns.length + 1);
    // A PIN is never kept in a turn.
    expect(turns.every((t) => !/\b\d{4,6}\b/.test(t.body) || t.kind === 'saliente')).toBe(true);
  });

  it('shows the conversation on the customer page (GET /customers/:id/conversations), to agents only', async () => {
    const p = nextWa();
    const rosa = await holder({ party: p });
    await play(p, [
      ['Hola', [welcome]],
      ['2', [/saldo \$1,234\.50 MXN/]],
    ]);
    const response = await agent.request('GET', `/api/v1/customers/${rosa.id}/conversations`);
    expect(response.statusCode, response.body).toBe(200);
    const [shown] = response.json() as Array<{
      channel: string;
      closeReason: null;
      turns: Array<{ kind: string; body: string }>;
    }>;
    expect(shown).toMatchObject({ channel: 'whatsapp', closeReason: null });
    expect(shown?.turns.map((t) => t.kind)).toEqual(['entrante', 'saliente', 'entrante', 'saliente']);
    expect(shown?.turns[3]?.body).toMatch(/saldo \$1,234\.50 MXN/);
    // Meta's report that the answer was delivered shows on the turn.
    const [answered] = await db()
      .select()
      .from(conversationTurns)
      .where(eq(conversationTurns.body, shown?.turns[3]?.body as string));
    await waitUntil(async () => {
      const [sent] = await db()
        .select()
        .from(conversationTurns)
        .where(eq(conversationTurns.id, answered?.id as string));
      return Boolean(sent?.externalId);
    });
    const [sent] = await db()
      .select()
      .from(conversationTurns)
      .where(eq(conversationTurns.id, answered?.id as string));
    const report = waStatusPayload(sent?.externalId as string, 'delivered', `52${p.id.slice(-10)}`);
    expect((await post(p, JSON.stringify(report))).statusCode).toBe(200);
    await waitUntil(async () => {
      const again = await agent.request('GET', `/api/v1/customers/${rosa.id}/conversations`);
      const [first] = again.json() as Array<{ turns: Array<{ deliveryStatus: string | null }> }>;
      return first?.turns[3]?.deliveryStatus === 'entregado';
    });
    const unknown = await agent.request(
      'GET',
      '/api/v1/customers/00000000-0000-4000-8000-000000000000/conversations',
    );
    expect(unknown.statusCode).toBe(404);
    const anonymous = await app.atiende.http.inject({
      method: 'GET',
      url: `/api/v1/customers/${rosa.id}/conversations`,
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('hands over after two misunderstood answers in a row', async () => {
    const p = nextWa();
    await play(p, [
      ['Hola', [welcome]],
      ['blablá', [literal(ES.misunderstood), menu]],
      ['7', [handover, acuse]],
    ]);
    expect(await conversationOf(p)).toMatchObject({ closeReason: 'asesor', misunderstood: 2 });
  });

  it('closes an idle conversation politely, once', async () => {
    const p = nextWa();
    await play(p, [['Hola', [welcome]]]);
    const before = sendsTo(p).length;
    clock.advance(29 * 60_000);
    await closeIdleConversations(app.atiende.ctx);
    expect(await conversationOf(p)).toMatchObject({ closedAt: null });
    clock.advance(2 * 60_000);
    await closeIdleConversations(app.atiende.ctx);
    await waitUntil(() => sendsTo(p).length === before + 1, 20_000);
    expect(textOf(sendsTo(p)[before] as RecordedRequest)).toBe(ES.idleClosed);
    expect(await conversationOf(p)).toMatchObject({ closeReason: 'inactividad' });
    expect(await closeIdleConversations(app.atiende.ctx)).toBe(0);
  });

  it('gives an unverified sender the same answer for an unknown account and a wrong PIN, and no balance', async () => {
    const rosa = await holder({ pin: '482913' });
    const unknown = nextWa();
    const wrongPin = nextWa();
    const sendsA = await play(unknown, [
      ['Hola', [welcome]],
      ['2', [literal(ES.askAccount)]],
      ['NO-SUCH-ACCOUNT', [literal(ES.askPin)]],
      ['482913', [literal(ES.notVerified)]],
    ]);
    const sendsB = await play(wrongPin, [
      ['Hola', [welcome]],
      ['2', [literal(ES.askAccount)]],
      [rosa.accountNumber, [literal(ES.askPin)]],
      ['193847', [literal(ES.notVerified)]],
    ]);
    expect(textOf(sendsA.at(-1) as RecordedRequest)).toBe(textOf(sendsB.at(-1) as RecordedRequest));
    for (const s of [...sendsA, ...sendsB]) expect(textOf(s)).not.toMatch(/\$|MXN|Rosa/);
  });

  it('verifies account and PIN, then answers the balance', async () => {
    const rosa = await holder({ pin: '482913', services: 2 });
    const p = nextWa();
    await play(p, [
      ['Hola', [welcome]],
      ['2', [literal(ES.askAccount)]],
      [rosa.accountNumber, [literal(ES.askPin)]],
      ['482913', [/saldo \$1,234\.50 MXN[\s\S]*saldo \$1,235\.50 MXN/]],
    ]);
    expect(await conversationOf(p)).toMatchObject({ customerId: rosa.id });
    const turns = await db()
      .select()
      .from(conversationTurns)
      .where(eq(conversationTurns.conversationId, (await conversationOf(p))?.id as string));
    expect(turns.some((t) => t.body.includes('482913'))).toBe(false);
  });

  it('lets a representative act within scope (balance, a failure raised on the customer’s behalf) and refuses outside it', async () => {
    const rosa = await holder({ name: 'Rosa Garza' });
    const luis = nextWa();
    const authorization = await authorize(rosa.id, luis, ['saldo', 'falla']);
    await play(luis, [
      ['Hola', [welcome]],
      ['2', [/saldo \$1,234\.50 MXN/]],
      ['4', [literal(ES.outOfScope), menu]],
      ['5', [literal(ES.cancelKind)]],
      ['1', [literal(ES.outOfScope)]],
      ['1', [acuse]],
    ]);
    const [falla] = await casesOfCustomer(rosa.id);
    expect(falla).toMatchObject({
      requestType: 'falla',
      raisedBy: 'representante',
      representativeId: authorization.id,
    });
  });

  it('recognises on WhatsApp a representative registered by phone, as every channel does', async () => {
    const rosa = await holder({ name: 'Rosa Garza' });
    const luis = nextWa();
    await db()
      .insert(authorizedRepresentatives)
      .values({
        customerId: rosa.id,
        name: 'Luis Garza',
        contact: addressOf(luis),
        scope: ['saldo'],
        contactKind: 'phone',
        contactAddress: addressOf(luis),
        grantedVia: 'agente',
      });
    await play(luis, [
      ['Hola', [welcome]],
      ['2', [/saldo \$1,234\.50 MXN/]],
    ]);
    expect(await conversationOf(luis)).toMatchObject({ customerId: rosa.id });
  });

  it('asks a representative of several customers which one they act for', async () => {
    const ana = await holder({ name: 'Ana Ruiz' });
    const beto = await holder({ name: 'Beto Ruiz' });
    const hijo = nextWa();
    await authorize(ana.id, hijo, null);
    await authorize(beto.id, hijo, ['saldo']);
    const sends = await play(hijo, [
      ['Hola', [welcome]],
      ['2', [literal(ES.chooseCustomer)]],
      [{ reply: 'menu_pick_2', title: 'Beto Ruiz' }, [/saldo \$1,234\.50 MXN/]],
    ]);
    const question = sends.find((s) => textOf(s).includes(ES.chooseCustomer)) as RecordedRequest;
    expect(textOf(question)).toMatch(/1 Ana Ruiz\n2 Beto Ruiz/);
    expect(await conversationOf(hijo)).toMatchObject({ customerId: beto.id });
  });

  it('answers in English a customer who writes in English', async () => {
    const p = nextWa();
    await play(p, [
      ['Hello, I need help', [/Privacy notice: http:\/\/\S+\/portal\/privacy/]],
      ['9', [literal(EN.misunderstood)]],
    ]);
    expect(await conversationOf(p)).toMatchObject({ language: 'en' });
  });

  it('leaves free text the rules recognise to the case path, as before', async () => {
    const p = nextWa();
    await play(p, [['No tengo internet desde ayer', [acuse]]]);
    expect(await conversationOf(p)).toBeUndefined();
  });

  it('changes nothing when Meta delivers the same message again, even in another envelope', async () => {
    const p = nextWa();
    await play(p, [['Hola', [welcome]]]);
    const payload = payloadOf(p, '2');
    expect((await post(p, JSON.stringify(payload))).statusCode).toBe(200);
    await waitUntil(() => sendsTo(p).length === 2, 20_000);
    // Other bytes (a new delivery, not collapsed with the first), the same message id.
    expect((await post(p, JSON.stringify(payload, null, 2))).statusCode).toBe(200);
    await waitUntil(async () => {
      const pending = await db()
        .select()
        .from(inboundDeliveries)
        .where(isNull(inboundDeliveries.processedAt));
      return pending.length === 0;
    });
    const conversation = await conversationOf(p);
    const turns = await db()
      .select()
      .from(conversationTurns)
      .where(eq(conversationTurns.conversationId, conversation?.id as string));
    expect(turns.map((t) => t.kind).sort()).toEqual(['entrante', 'entrante', 'saliente', 'saliente']);
    expect(sendsTo(p)).toHaveLength(2);
  });

  it('offers the main menu as Messenger quick replies and takes a tapped option (sign-up)', async () => {
    const p = nextPsid();
    const sends = await play(p, [
      ['Hola', [welcome]],
      [{ reply: 'menu_4', title: 'Contratar' }, [acuse]],
    ]);
    expect(choicesOf(sends[0] as RecordedRequest)).toEqual([
      'menu_1',
      'menu_2',
      'menu_3',
      'menu_4',
      'menu_5',
      'menu_0',
    ]);
    expect(sends[0]?.body).toMatchObject({
      messaging_type: 'RESPONSE',
      message: { quick_replies: expect.any(Array) },
    });
    expect(await conversationOf(p)).toMatchObject({ channel: 'facebook', closeReason: 'solicitud' });
  });

  it('answers the balance on Messenger to a customer whose Messenger is on file, through quick replies', async () => {
    const p = nextPsid();
    const rosa = await holder({ party: p });
    await play(p, [
      ['Hola', [welcome]],
      [{ reply: 'menu_2', title: 'Consultar saldo' }, [/saldo \$1,234\.50 MXN/]],
      [{ reply: 'menu_0', title: 'Hablar con un asesor' }, [handover, acuse]],
    ]);
    const [kase] = await casesOfCustomer(rosa.id);
    expect(kase).toMatchObject({ channel: 'facebook', requestType: 'consulta' });
  });
});

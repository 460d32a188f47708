import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, lt, ne, notInArray, or } from 'drizzle-orm';
import { accountStatement } from '../accounts/ledger.service.ts';
import { formatMxn } from '../accounts/money.ts';
import { verifyPin } from '../accounts/pin.service.ts';
import { plainDateIn } from '../accounts/provider-today.ts';
import type { CaseDeps } from '../cases/case-context.ts';
import { classifyRequest } from '../cases/classification.ts';
import { FINAL_STATUSES } from '../cases/lifecycle.ts';
import { areaForRequest, summarize } from '../cases/open-case.ts';
import { openCaseRow } from '../cases/open-case-row.ts';
import type { RequestType } from '../cases/request-types.ts';
import type { IncomingMessage, OutgoingMessage } from '../channels/adapter.ts';
import { CONTACT_KIND_OF } from '../channels/channel.ts';
import { deliverNotice } from '../channels/notices.ts';
import { CUSTOMER_SERVICE_WINDOW_MS } from '../channels/outbound-queue.ts';
import { SEND_RETRY_LIMIT } from '../channels/outbound-send.ts';
import type { AppContext } from '../context.ts';
import { findOrCreateCustomerByContact } from '../customers/customer-lookup.ts';
import { representativesOfSender } from '../customers/representation.ts';
import type { Tx } from '../db/database.ts';
import {
  cases,
  contactPoints,
  conversations,
  conversationTurns,
  customers,
  messages,
  outboundStatuses,
  plans,
  services,
} from '../db/schema.ts';
import type { ConversationCloseReason, Language } from '../domain/vocabulary.ts';
import { AppError } from '../http/errors.ts';
import { outageConcerns, outageNoticeValues } from '../incidents/outage-intake.ts';
import { cancellationTerms } from '../rights/cancellation.ts';
import { rightsSettings } from '../rights/rights-settings.ts';
import { PORTAL_PATHS } from '../web/portal/paths.ts';
import {
  type Answer,
  type Choice,
  fill,
  guessLanguage,
  interpret,
  type MenuOption,
  type MenuStep,
  menuChoices,
  menuText,
  NO_ID,
  numbered,
  YES_ID,
} from './menu.ts';
import { type MenuSettings, type MenuTexts, menuSettings } from './menu-settings.ts';

/** The job that sends one stored outbound turn of a conversation. */
export const CONVERSATION_SEND_JOB = 'conversation-send';
/** The job that closes conversations left without an answer. */
export const CONVERSATION_IDLE_JOB = 'conversation-idle-close';

export type MenuDeps = CaseDeps & Pick<AppContext, 'config'>;
type ConversationRow = typeof conversations.$inferSelect;
type MenuChannel = 'whatsapp' | 'facebook';

/** Someone the sender may act for: themselves (by contact point or PIN) or a customer who authorized them. */
interface Acting {
  customerId: string;
  representativeId?: string;
  /** The request types the authorization covers; null: all (or acting for themselves). */
  scope: string[] | null;
  label: string;
}

/** What a conversation remembers between turns (`conversations.state`). */
interface MenuState {
  step: MenuStep;
  /** The transport's key to answer on (WhatsApp's `wa_id`). */
  conversationKey?: string;
  actingFor?: Acting;
  /** The option waiting for the sender's identity, a customer or a service. */
  pending?: MenuOption;
  action?: 'cancelacion' | 'suspension';
  accountNumber?: string;
  candidates?: Acting[];
  /** The ids behind the numbered choices of a `service` step. */
  serviceIds?: string[];
  serviceId?: string;
  serviceLabel?: string;
  effectiveDate?: string;
  /** The last question, repeated after an answer that was not understood. */
  prompt?: { text: string; choices?: Choice[] };
}

/** The answer a menu turn gives the intake, in its own shape (a case only when one opened). */
export interface MenuReceived {
  externalId: string;
  duplicate: false;
  messageId: string;
  caseId?: string;
  folio?: string;
  newCase?: boolean;
}

/** The request type an option asks for, for a representative's scope. */
const OPTION_TYPES: Record<Exclude<MenuOption, 'asesor' | 'cancelar'>, RequestType> = {
  falla: 'falla',
  saldo: 'saldo',
  folio: 'consulta',
  contratar: 'contratacion',
};

const replyIdOf = (message: IncomingMessage): string | undefined => {
  const m = message.metadata ?? {};
  const id = m.replyId ?? m.quickReply ?? m.postback;
  return typeof id === 'string' ? id : undefined;
};

/**
 * The menu's part of the intake, called right after a message's receipt is claimed. It takes a WhatsApp
 * or Messenger message (answering `undefined` leaves it to the case path) when the sender is in a menu
 * conversation, or when they have no case being worked on that channel, their words name no request
 * the rules recognise (free text always opens its case as before) and no outage in force concerns them
 * (their service's zone, or a zone they name, is in one). Turns that need no agent are stored
 * as conversation turns both ways and answered by a job; a request (a failure, a sign-up, a
 * cancellation or suspension, a person) opens its case through `openCaseRow` with the turns copied.
 */
export async function handleMenuTurn(
  deps: MenuDeps,
  tx: Tx,
  message: IncomingMessage,
  messageId: string,
  now: Date,
): Promise<MenuReceived | undefined> {
  if (message.channel !== 'whatsapp' && message.channel !== 'facebook') return undefined;
  // A photo or a voice note is for a person to see: it goes to a case as before.
  if ((message.media?.length ?? 0) > 0 || (message.files?.length ?? 0) > 0) return undefined;
  const snapshot = await deps.settings.current(tx);
  const settings = menuSettings(snapshot.settings);
  if (!settings.enabled) return undefined;
  const channel: MenuChannel = message.channel;
  let conversation = await openConversation(tx, channel, message.sender.address);
  const first = !conversation;
  if (!conversation) {
    if (message.requestType) return undefined;
    if (!replyIdOf(message) && classifyRequest(message.text, snapshot.settings)) return undefined;
    const owner = await contactOwner(tx, channel, message.sender.address);
    if (await caseBeingWorked(tx, channel, message.sender.address, owner?.id, now)) return undefined;
    // During an outage the menu keeps out of the way of those it concerns: as before the menu, the case
    // path joins their message to their outage case, or links a report naming the zone to the incident.
    if (await outageConcerns(tx, owner?.id, message.text)) return undefined;
    const guessed = guessLanguage(message.text);
    const language: Language = guessed === 'en' ? 'en' : (owner?.language ?? 'es');
    const state: MenuState = {
      step: 'menu',
      ...(message.sender.conversationKey ? { conversationKey: message.sender.conversationKey } : {}),
    };
    // A second message of the same sender racing this one finds the conversation this one opens.
    await tx
      .insert(conversations)
      .values({
        channel,
        contactAddress: message.sender.address,
        customerId: owner?.id ?? null,
        language,
        state,
        startedAt: now,
        lastActivityAt: now,
      })
      .onConflictDoNothing();
    conversation = await openConversation(tx, channel, message.sender.address);
    if (!conversation) throw new Error('conversation not opened');
    // A customer on file who writes in English is answered in English from now on, on every channel.
    if (owner && owner.language !== language) {
      await tx.update(customers).set({ language }).where(eq(customers.id, owner.id));
    }
  }
  const turn = new Turn(deps, tx, message, messageId, now, conversation, settings, snapshot);
  await turn.recordInbound();
  await turn.answer(first);
  return turn.finish();
}

async function openConversation(tx: Tx, channel: string, address: string) {
  const [row] = await tx
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.channel, channel),
        eq(conversations.contactAddress, address),
        isNull(conversations.closedAt),
      ),
    )
    .for('update');
  return row;
}

/** The customer whose contact point on file the sender writes from (proof enough of who they are). */
async function contactOwner(tx: Tx, channel: MenuChannel, address: string) {
  const [row] = await tx
    .select({
      id: customers.id,
      name: customers.name,
      accountNumber: customers.accountNumber,
      language: customers.language,
    })
    .from(contactPoints)
    .innerJoin(customers, eq(customers.id, contactPoints.customerId))
    .where(and(eq(contactPoints.kind, CONTACT_KIND_OF[channel]), eq(contactPoints.address, address)));
  return row;
}

/** Whether the sender has a case being worked on the channel, theirs or one they raised for someone. */
async function caseBeingWorked(
  tx: Tx,
  channel: MenuChannel,
  address: string,
  ownerId: string | undefined,
  now: Date,
): Promise<boolean> {
  const authorizations = await representativesOfSender(tx, { kind: CONTACT_KIND_OF[channel], address }, now);
  const mine = [
    ...(ownerId ? [eq(cases.customerId, ownerId)] : []),
    ...(authorizations.length
      ? [
          inArray(
            cases.representativeId,
            authorizations.map((a) => a.id),
          ),
        ]
      : []),
  ];
  if (mine.length === 0) return false;
  const [row] = await tx
    .select({ id: cases.id })
    .from(cases)
    .where(and(or(...mine), eq(cases.channel, channel), notInArray(cases.status, [...FINAL_STATUSES])))
    .limit(1);
  return row !== undefined;
}

/** One inbound message's turn: what it means at the conversation's step, and what is answered. */
class Turn {
  readonly state: MenuState;
  readonly texts: () => MenuTexts;
  #language: Language;
  #misunderstood: number;
  #seq = 0;
  #buffer: Array<{ text: string; choices?: Choice[] }> = [];
  #closed?: ConversationCloseReason;
  #opened?: { id: string; folio: string };
  #customerId: string | null;

  constructor(
    readonly deps: MenuDeps,
    readonly tx: Tx,
    readonly message: IncomingMessage,
    readonly messageId: string,
    readonly now: Date,
    readonly conversation: ConversationRow,
    readonly settings: MenuSettings,
    readonly snapshot: Awaited<ReturnType<CaseDeps['settings']['current']>>,
  ) {
    this.state = { ...(conversation.state as MenuState) };
    this.#language = conversation.language;
    this.#misunderstood = conversation.misunderstood;
    this.#customerId = conversation.customerId;
    this.texts = () => settings.texts[this.#language];
  }

  get channel(): MenuChannel {
    return this.conversation.channel as MenuChannel;
  }

  #at(): Date {
    return new Date(this.now.getTime() + this.#seq++);
  }

  async recordInbound() {
    const reply = replyIdOf(this.message);
    await this.tx.insert(conversationTurns).values({
      id: this.messageId,
      conversationId: this.conversation.id,
      kind: 'entrante',
      // A PIN is checked, never kept.
      body: this.state.step === 'pin' ? '••••' : this.message.text,
      payload: reply ? { replyId: reply } : null,
      externalId: this.message.externalId,
      createdAt: this.#at(),
    });
  }

  say(text: string, choices?: Choice[]) {
    this.#buffer.push({ text, ...(choices ? { choices } : {}) });
  }

  /** Asks a question and remembers it, to ask it again after an answer that was not understood. */
  ask(step: MenuStep, text: string, choices?: Choice[]) {
    this.state.step = step;
    this.state.prompt = { text, ...(choices ? { choices } : {}) };
    this.say(text, choices);
  }

  /** What was said this turn goes as one message, so its parts can never arrive out of order. */
  async flush() {
    if (this.#buffer.length === 0) return;
    const text = this.#buffer.map((b) => b.text).join('\n\n');
    const choices = this.#buffer.findLast((b) => b.choices)?.choices;
    this.#buffer = [];
    const id = randomUUID();
    await this.tx.insert(conversationTurns).values({
      id,
      conversationId: this.conversation.id,
      kind: 'saliente',
      body: text,
      payload: choices ? { button: this.texts().button, options: choices } : null,
      deliveryStatus: 'pendiente',
      createdAt: this.#at(),
    });
    await this.deps.jobs.enqueue(
      this.tx,
      CONVERSATION_SEND_JOB,
      { turnId: id },
      { retryLimit: SEND_RETRY_LIMIT, retryDelay: 5, retryBackoff: true },
    );
  }

  showMenu() {
    const texts = this.texts();
    this.ask('menu', menuText(texts), menuChoices(texts));
  }

  async answer(first: boolean): Promise<void> {
    const reply = replyIdOf(this.message);
    const answer = interpret(this.state.step, this.message.text, reply, this.#choiceCount());
    if (first) {
      const texts = this.texts();
      const privacy = `${this.deps.config.publicUrl}${PORTAL_PATHS.privacy}`;
      this.say(fill(texts.welcome, { proveedor: this.snapshot.settings.provider.name, privacidad: privacy }));
      if (answer.kind === 'human') return this.handOver();
      if (answer.kind === 'option') return this.choose(answer.option);
      return this.showMenu();
    }
    if (answer.kind === 'human') return this.handOver();
    if (answer.kind === 'language') return this.switchLanguage(answer.language);
    if (answer.kind === 'misunderstood') return this.misunderstood();
    this.#misunderstood = 0;
    return this.step(answer);
  }

  #choiceCount(): number {
    if (this.state.step === 'customer') return this.state.candidates?.length ?? 0;
    if (this.state.step === 'service') return this.state.serviceIds?.length ?? 0;
    if (this.state.step === 'cancel_kind') return 2;
    return 0;
  }

  async switchLanguage(language: Language) {
    this.#language = language;
    if (this.#customerId) {
      await this.tx.update(customers).set({ language }).where(eq(customers.id, this.#customerId));
    }
    this.showMenu();
  }

  async misunderstood() {
    // At the main menu, words the rules recognise are a request of their own, as outside the menu.
    if (this.state.step === 'menu') {
      const classified = classifyRequest(this.message.text, this.snapshot.settings);
      if (classified) {
        return this.openCase(classified.requestType, {
          stated: false,
          subtype: classified.subtype ?? null,
          reason: 'solicitud',
        });
      }
    }
    this.#misunderstood += 1;
    if (this.#misunderstood >= this.settings.misunderstoodLimit) return this.handOver();
    const prompt = this.state.prompt;
    this.say(this.texts().misunderstood);
    if (prompt) this.say(prompt.text, prompt.choices);
    else this.showMenu();
  }

  async step(answer: Answer): Promise<void> {
    const texts = this.texts();
    const state = this.state;
    if (state.step === 'menu' && answer.kind === 'option') return this.choose(answer.option);
    if (state.step === 'account' && answer.kind === 'text') {
      state.accountNumber = answer.value;
      return this.ask('pin', texts.askPin);
    }
    if (state.step === 'pin' && answer.kind === 'text') return this.checkPin(answer.value);
    if (state.step === 'customer' && answer.kind === 'pick') {
      const chosen = state.candidates?.[answer.index];
      if (chosen) state.actingFor = chosen;
      state.candidates = undefined;
      return state.pending ? this.choose(state.pending) : this.showMenu();
    }
    if (state.step === 'service' && answer.kind === 'pick') {
      state.serviceId = state.serviceIds?.[answer.index];
      state.serviceIds = undefined;
      if (state.pending === 'falla') return this.openCase('falla', { serviceId: state.serviceId });
      return this.confirmation();
    }
    if (state.step === 'folio' && answer.kind === 'text') return this.folioStatus(answer.value);
    if (state.step === 'cancel_kind' && answer.kind === 'pick') {
      state.action = answer.index === 0 ? 'cancelacion' : 'suspension';
      if (!this.inScope(state.action)) return this.refuseOutOfScope();
      return this.pickService(() => this.confirmation());
    }
    if (state.step === 'confirm' && answer.kind === 'yes') return this.confirmed();
    if (state.step === 'confirm' && answer.kind === 'no') {
      this.say(texts.notConfirmed);
      return this.showMenu();
    }
    return this.misunderstood();
  }

  /** Who the sender acts for, found without asking when only one is possible; `asked` when they must pick. */
  async resolveActing(): Promise<Acting | 'asked' | undefined> {
    if (this.state.actingFor) return this.state.actingFor;
    const owner = await contactOwner(this.tx, this.channel, this.conversation.contactAddress);
    const authorizations = await representativesOfSender(
      this.tx,
      { kind: CONTACT_KIND_OF[this.channel], address: this.conversation.contactAddress },
      this.now,
    );
    const represented = authorizations.length
      ? await this.tx
          .select({ id: customers.id, name: customers.name })
          .from(customers)
          .where(
            inArray(
              customers.id,
              authorizations.map((a) => a.customerId),
            ),
          )
      : [];
    const candidates: Acting[] = [
      ...(owner?.accountNumber
        ? [{ customerId: owner.id, scope: null, label: this.texts().ownAccount }]
        : []),
      ...authorizations.map((a) => ({
        customerId: a.customerId,
        representativeId: a.id,
        scope: a.scope,
        label: represented.find((c) => c.id === a.customerId)?.name ?? a.customerId.slice(0, 8),
      })),
    ];
    if (candidates.length === 1) {
      this.state.actingFor = candidates[0];
      return candidates[0];
    }
    if (candidates.length === 0) return undefined;
    this.state.candidates = candidates;
    const { text, choices } = numbered(
      this.texts().chooseCustomer,
      candidates.map((c) => c.label),
    );
    this.ask('customer', text, choices);
    return 'asked';
  }

  inScope(type: RequestType): boolean {
    const scope = this.state.actingFor?.scope;
    return !scope || scope.includes(type);
  }

  refuseOutOfScope() {
    this.say(this.texts().outOfScope);
    this.state.pending = undefined;
    this.showMenu();
  }

  async choose(option: MenuOption): Promise<void> {
    if (option === 'asesor') return this.handOver();
    const texts = this.texts();
    this.state.pending = option;
    const acting = await this.resolveActing();
    if (acting === 'asked') return;
    if (!acting) {
      // Reporting a failure or signing up reveals nothing of an account: no identity is asked for.
      if (option === 'falla') return this.openCase('falla', {});
      if (option === 'contratar') return this.openCase('contratacion', {});
      return this.ask('account', texts.askAccount);
    }
    if (option !== 'cancelar' && !this.inScope(OPTION_TYPES[option])) return this.refuseOutOfScope();
    this.#customerId = acting.customerId;
    switch (option) {
      case 'falla':
        return this.pickService(() => this.openCase('falla', { serviceId: this.state.serviceId }));
      case 'saldo':
        return this.balance(acting.customerId);
      case 'folio':
        return this.ask('folio', texts.askFolio);
      case 'contratar':
        return this.openCase('contratacion', {});
      case 'cancelar': {
        const { text, choices } = numbered(texts.cancelKind, [texts.cancel, texts.suspend]);
        return this.ask('cancel_kind', text, choices);
      }
    }
  }

  async runningServices(customerId: string) {
    return this.tx
      .select({
        id: services.id,
        reference: services.externalRef,
        plan: plans.name,
        address: services.installAddress,
      })
      .from(services)
      .leftJoin(plans, eq(plans.id, services.planId))
      .where(and(eq(services.customerId, customerId), ne(services.status, 'cancelado')))
      .orderBy(asc(services.createdAt), asc(services.id));
  }

  /** Asks which service when the customer has several; with one (or none) goes straight on. */
  async pickService(then: () => Promise<void>): Promise<void> {
    const customerId = this.state.actingFor?.customerId;
    const list = customerId ? await this.runningServices(customerId) : [];
    const label = (s: (typeof list)[number]) =>
      [s.plan, s.address ?? s.reference].filter(Boolean).join(' · ') || (s.reference ?? s.id.slice(0, 8));
    if (list.length > 1) {
      this.state.serviceIds = list.map((s) => s.id);
      const { text, choices } = numbered(this.texts().chooseService, list.map(label));
      return this.ask('service', text, choices);
    }
    this.state.serviceId = list[0]?.id;
    return then();
  }

  async confirmation(): Promise<void> {
    const texts = this.texts();
    const customerId = this.state.actingFor?.customerId;
    const service = customerId
      ? (await this.runningServices(customerId)).find((s) => s.id === this.state.serviceId)
      : undefined;
    if (!service) {
      this.say(texts.noServices);
      return this.showMenu();
    }
    const zone = this.snapshot.settings.provider.timeZone;
    const today = plainDateIn(zone, this.now);
    // Cancelling takes effect the day it is asked (Carta de Derechos Mínimos, item 9); a suspension the
    // customer asks for starts the same day. Either is confirmed once before the case opens.
    const effectiveDate =
      this.state.action === 'cancelacion'
        ? cancellationTerms({
            scope: 'contrato',
            requestDate: today,
            settings: rightsSettings(this.snapshot.settings).cancellation,
          }).effectiveDate
        : today;
    this.state.effectiveDate = effectiveDate;
    const label = [service.plan, service.reference].filter(Boolean).join(' ') || service.id.slice(0, 8);
    this.state.serviceLabel = label;
    const template = this.state.action === 'cancelacion' ? texts.confirmCancel : texts.confirmSuspend;
    this.ask('confirm', fill(template, { servicio: label, fecha: effectiveDate }), [
      { id: YES_ID, title: texts.yes },
      { id: NO_ID, title: texts.no },
    ]);
  }

  async confirmed(): Promise<void> {
    const action = this.state.action ?? 'cancelacion';
    await this.openCase(action, { serviceId: this.state.serviceId, silent: true });
    const opened = this.#opened;
    if (!opened) return;
    this.say(fill(this.texts().requested, { folio: opened.folio, fecha: this.state.effectiveDate ?? '' }));
  }

  async balance(customerId: string): Promise<void> {
    const texts = this.texts();
    const list = await this.runningServices(customerId);
    if (list.length === 0) {
      this.say(texts.noServices);
      return this.showMenu();
    }
    const today = plainDateIn(this.snapshot.settings.provider.timeZone, this.now);
    const lines = [];
    for (const service of list) {
      const statement = await accountStatement(this.tx, service.id, today, 0);
      lines.push(
        fill(texts.balance, {
          servicio: [service.plan, service.reference].filter(Boolean).join(' ') || service.id.slice(0, 8),
          saldo: formatMxn(statement.balanceCentavos),
          monto: formatMxn(statement.amountDueCentavos),
          fecha: statement.nextCutoff,
        }),
      );
    }
    this.say(lines.join('\n'));
    this.showMenu();
  }

  async folioStatus(folio: string): Promise<void> {
    const texts = this.texts();
    const customerId = this.state.actingFor?.customerId;
    // Someone else's folio answers as one that does not exist.
    const [found] = customerId
      ? await this.tx
          .select({ folio: cases.folio, status: cases.status })
          .from(cases)
          .where(and(eq(cases.folio, folio), eq(cases.customerId, customerId)))
      : [];
    this.say(
      found
        ? fill(texts.folioStatus, {
            folio: found.folio,
            estado: texts.statuses[found.status] ?? found.status,
          })
        : texts.folioNotFound,
    );
    this.showMenu();
  }

  async checkPin(pin: string): Promise<void> {
    const texts = this.texts();
    const accountNumber = this.state.accountNumber ?? '';
    this.state.accountNumber = undefined;
    let holderId: string;
    try {
      holderId = await verifyPin(this.tx, { accountNumber, pin }, this.now);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'account.pin_throttled') {
        this.say(texts.throttled);
        this.state.pending = undefined;
        return this.showMenu();
      }
      // One answer for an account that does not exist and a wrong PIN; trying again counts toward a person.
      this.#misunderstood += 1;
      this.say(texts.notVerified);
      if (this.#misunderstood >= this.settings.misunderstoodLimit) return this.handOver();
      return this.ask('account', texts.askAccount);
    }
    const [holder] = await this.tx
      .select({ name: customers.name })
      .from(customers)
      .where(eq(customers.id, holderId));
    this.state.actingFor = { customerId: holderId, scope: null, label: holder?.name ?? '' };
    this.#customerId = holderId;
    await this.tx.update(customers).set({ language: this.#language }).where(eq(customers.id, holderId));
    return this.state.pending ? this.choose(this.state.pending) : this.showMenu();
  }

  async handOver(): Promise<void> {
    this.say(this.texts().handover);
    await this.openCase('consulta', { reason: 'asesor', subject: this.texts().options.asesor });
  }

  /**
   * Opens the case of a request through the one case path (routing, deadlines, outage linking), with
   * the conversation so far copied as its first messages, acknowledges it with its folio, and closes the
   * conversation. A representative's case records on whose behalf.
   */
  async openCase(
    requestType: RequestType,
    options: {
      serviceId?: string;
      subtype?: string | null;
      stated?: boolean;
      reason?: ConversationCloseReason;
      subject?: string;
      /** The caller says the last word itself (a cancellation's effective date). */
      silent?: boolean;
    },
  ): Promise<void> {
    const { deps, tx, message, now } = this;
    await this.flush();
    const acting = this.state.actingFor;
    const customerId =
      acting?.customerId ??
      (
        await findOrCreateCustomerByContact(tx, {
          kind: message.sender.kind,
          address: message.sender.address,
          name: message.sender.name,
          now,
        })
      ).customer.id;
    const [customer] = await tx
      .select({ name: customers.name })
      .from(customers)
      .where(eq(customers.id, customerId));
    const metadata = {
      ...message.metadata,
      sender: {
        kind: message.sender.kind,
        address: message.sender.address,
        conversationKey: message.sender.conversationKey,
      },
      contentType: message.contentType,
      sentAt: message.sentAt.toISOString(),
      conversationId: this.conversation.id,
    };
    const opened = await openCaseRow(deps, tx, {
      now,
      requestType,
      requestTypeStated: options.stated ?? true,
      subtype: options.subtype ?? null,
      channel: message.channel,
      customerId,
      raisedBy: acting?.representativeId ? 'representante' : 'cliente',
      representativeId: acting?.representativeId ?? null,
      raisedByAgentId: null,
      areaId: areaForRequest(this.snapshot, requestType, message.text).id,
      priority: 'normal',
      subject: summarize(options.subject ?? (message.text || `Mensaje de ${message.channel}`)),
      firstMessage: {
        id: this.messageId,
        body: message.text,
        authorAgentId: null,
        attachments: [],
        externalId: message.externalId,
        metadata,
      },
      actor: acting?.representativeId ? { kind: 'representante' } : { kind: 'cliente' },
      followsUpId: null,
      serviceId: options.serviceId ?? null,
    });
    await this.copyTurns(opened.row.id);
    const due = opened.deadlines.find((d) => d.kind === 'resolucion')?.dueAt ?? null;
    if (!options.silent || opened.incident) {
      await deliverNotice(deps, tx, opened.row, opened.incident ? 'acuse_incidente' : 'acuse', due, now, {
        ...(opened.incident
          ? {
              publicValues: outageNoticeValues(
                opened.incident,
                this.snapshot.settings.provider.timeZone,
                deps.config.publicUrl,
              ),
            }
          : {}),
        subject: { folio: opened.row.folio, requestType, customerName: customer?.name ?? null },
        customerJustWrote: true,
      });
    }
    this.#customerId = customerId;
    this.#closed = options.reason ?? 'solicitud';
    this.#opened = { id: opened.row.id, folio: opened.row.folio };
  }

  /** The conversation's earlier turns, on the case in their order, for the agent to read. */
  async copyTurns(caseId: string) {
    const turns = await this.tx
      .select()
      .from(conversationTurns)
      .where(
        and(
          eq(conversationTurns.conversationId, this.conversation.id),
          ne(conversationTurns.id, this.messageId),
        ),
      )
      .orderBy(asc(conversationTurns.createdAt));
    if (turns.length === 0) return;
    await this.tx.insert(messages).values(
      turns.map((t) => ({
        caseId,
        kind: t.kind,
        channel: this.conversation.channel,
        body: t.body,
        // The copies are a record: their sending (and its status) belongs to the turn they copy.
        metadata: { conversationTurnId: t.id, automatic: t.kind === 'saliente' },
        createdAt: t.createdAt,
      })),
    );
  }

  async finish(): Promise<MenuReceived> {
    await this.flush();
    await this.tx
      .update(conversations)
      .set({
        state: this.state,
        language: this.#language,
        misunderstood: this.#misunderstood,
        customerId: this.#customerId,
        lastActivityAt: this.now,
        ...(this.#opened ? { caseId: this.#opened.id } : {}),
        ...(this.#closed ? { closedAt: this.now, closeReason: this.#closed } : {}),
      })
      .where(eq(conversations.id, this.conversation.id));
    return {
      externalId: this.message.externalId,
      duplicate: false,
      messageId: this.messageId,
      ...(this.#opened ? { caseId: this.#opened.id, folio: this.#opened.folio, newCase: true } : {}),
    };
  }
}

/**
 * Sends a stored outbound turn. Menu answers are replies to a message the customer just sent, so they
 * go as free text or interactive messages; one the job reaches after the 24-hour window is marked failed
 * instead (Meta would refuse it). A temporary failure throws so the job is retried.
 */
export async function sendConversationTurn(
  deps: Pick<AppContext, 'db' | 'clock' | 'channels'>,
  job: { turnId: string },
  attempt: { retryCount: number },
): Promise<void> {
  const [row] = await deps.db
    .select({ turn: conversationTurns, conversation: conversations })
    .from(conversationTurns)
    .innerJoin(conversations, eq(conversations.id, conversationTurns.conversationId))
    .where(eq(conversationTurns.id, job.turnId));
  if (row?.turn.deliveryStatus !== 'pendiente') return;
  const { turn, conversation } = row;
  const fail = async (reason: string) => {
    await deps.db
      .update(conversationTurns)
      .set({ deliveryStatus: 'fallido', deliveryError: reason })
      .where(eq(conversationTurns.id, turn.id));
  };
  const [lastInbound] = await deps.db
    .select({ at: conversationTurns.createdAt })
    .from(conversationTurns)
    .where(and(eq(conversationTurns.conversationId, conversation.id), eq(conversationTurns.kind, 'entrante')))
    .orderBy(desc(conversationTurns.createdAt))
    .limit(1);
  if (!lastInbound || deps.clock.now().getTime() - lastInbound.at.getTime() > CUSTOMER_SERVICE_WINDOW_MS) {
    return fail('Outside the 24-hour customer-service window');
  }
  const channel = conversation.channel as MenuChannel;
  const adapter = deps.channels.get(channel);
  if (!adapter || adapter.health().status === 'off') return fail(`The ${channel} channel is not configured`);
  const state = conversation.state as MenuState;
  const choices = turn.payload as OutgoingMessage['choices'] | null;
  const result = await adapter.send({
    channel,
    to: {
      kind: CONTACT_KIND_OF[channel],
      address: conversation.contactAddress,
      ...(state.conversationKey ? { conversationKey: state.conversationKey } : {}),
    },
    text: turn.body,
    folio: '',
    automatic: true,
    ...(choices ? { choices } : {}),
  });
  if (result.ok) {
    await deps.db
      .update(conversationTurns)
      .set({ deliveryStatus: 'enviado', externalId: result.externalId })
      .where(eq(conversationTurns.id, turn.id));
    return;
  }
  if (result.retryable && attempt.retryCount < SEND_RETRY_LIMIT)
    throw new Error(`send failed, will retry: ${result.reason}`);
  await fail(result.reason);
}

/**
 * Closes conversations left without an answer for the menu's idle minutes, each with one polite message
 * in its language and `close_reason` `inactividad`. Answers how many it closed.
 */
export async function closeIdleConversations(deps: Pick<AppContext, 'db' | 'clock' | 'jobs' | 'settings'>) {
  const now = deps.clock.now();
  const { settings } = await deps.settings.current(deps.db);
  const menu = menuSettings(settings);
  const cutoff = new Date(now.getTime() - menu.idleMinutes * 60_000);
  const idle = await deps.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(isNull(conversations.closedAt), lt(conversations.lastActivityAt, cutoff)))
    .orderBy(asc(conversations.lastActivityAt))
    .limit(200);
  let closed = 0;
  for (const { id } of idle) {
    await deps.db.transaction(async (tx) => {
      // Locked and checked again: the customer may have answered since the list was read.
      const [row] = await tx
        .update(conversations)
        .set({ closedAt: now, closeReason: 'inactividad' })
        .where(
          and(
            eq(conversations.id, id),
            isNull(conversations.closedAt),
            lt(conversations.lastActivityAt, cutoff),
          ),
        )
        .returning();
      if (!row) return;
      const turnId = randomUUID();
      await tx.insert(conversationTurns).values({
        id: turnId,
        conversationId: id,
        kind: 'saliente',
        body: menu.texts[row.language].idleClosed,
        deliveryStatus: 'pendiente',
        createdAt: now,
      });
      await deps.jobs.enqueue(
        tx,
        CONVERSATION_SEND_JOB,
        { turnId },
        { retryLimit: SEND_RETRY_LIMIT, retryDelay: 5, retryBackoff: true },
      );
      closed += 1;
    });
  }
  return closed;
}

/** A customer's conversations, newest first, with their turns in order (for the customer page). */
export async function customerConversations(db: Tx, customerId: string, limit = 20) {
  const rows = await db
    .select()
    .from(conversations)
    .where(eq(conversations.customerId, customerId))
    .orderBy(desc(conversations.startedAt))
    .limit(limit);
  if (rows.length === 0) return [];
  // Meta's delivery reports are kept by transport id (`outbound_statuses`) for every send, turns included:
  // a turn's status is the latest report, else what its send recorded.
  const turns = await db
    .select({ turn: conversationTurns, reported: outboundStatuses.status })
    .from(conversationTurns)
    .innerJoin(conversations, eq(conversations.id, conversationTurns.conversationId))
    .leftJoin(
      outboundStatuses,
      and(
        eq(outboundStatuses.channel, conversations.channel),
        eq(outboundStatuses.externalId, conversationTurns.externalId),
        eq(conversationTurns.kind, 'saliente'),
      ),
    )
    .where(
      inArray(
        conversationTurns.conversationId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(conversationTurns.createdAt));
  const caseIds = rows.flatMap((r) => (r.caseId ? [r.caseId] : []));
  const folios = caseIds.length
    ? await db.select({ id: cases.id, folio: cases.folio }).from(cases).where(inArray(cases.id, caseIds))
    : [];
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    language: r.language,
    startedAt: r.startedAt.toISOString(),
    lastActivityAt: r.lastActivityAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
    closeReason: r.closeReason,
    folio: folios.find((f) => f.id === r.caseId)?.folio ?? null,
    turns: turns
      .filter(({ turn }) => turn.conversationId === r.id)
      .map(({ turn, reported }) => ({
        kind: turn.kind,
        body: turn.body,
        deliveryStatus: reported ?? turn.deliveryStatus,
        createdAt: turn.createdAt.toISOString(),
      })),
  }));
}

import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { randomToken, sha256 } from '../auth/secrets.ts';
import { systemActor } from '../auth/system-rules.ts';
import { addCustomerMessage } from '../cases/customer-messages.ts';
import { isFinal } from '../cases/lifecycle.ts';
import type { IncomingMessage, OutgoingMessage } from '../channels/adapter.ts';
import { CONTACT_KIND_OF, type ContactKind } from '../channels/channel.ts';
import { queueOutbound, windowOpen } from '../channels/outbound-queue.ts';
import { fillWhatsappTemplate, renderTemplate } from '../channels/templates.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { cases, consents, contactPoints, csatSurveys, customers, messages } from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { consentInForce } from '../privacy/consent-rule.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { type CsatTexts, csatSettings } from './csat-settings.ts';
import { surveyReplyOf } from './survey-reply.ts';

type Deps = Pick<AppContext, 'db' | 'database' | 'clock' | 'jobs' | 'settings' | 'config'>;
type Language = 'es' | 'en';
type CaseRow = typeof cases.$inferSelect;
type Recipient = { kind: ContactKind; address: string; conversationKey?: string };

/** Where the survey page of a token is. */
export const surveyLink = (publicUrl: string, token: string) =>
  `${publicUrl.replace(/\/+$/, '')}/portal/encuesta/${token}`;

/** How the question goes out: its channel, text, and the scores to tap or the template that carries it. */
interface SurveyMessage {
  channel: string;
  body: string;
  to?: Recipient;
  choices?: OutgoingMessage['choices'];
  template?: NonNullable<OutgoingMessage['template']>;
}

/**
 * The `csat-send` job: asks a closed case's customer how they were served, once, on the case's channel.
 * Nothing is sent when surveys are off, the case is no longer closed, the customer was erased or merged,
 * refused surveys (their newest `encuestas` consent row is a refusal; none is no refusal, since a
 * question about a service they used is part of it), was asked within the period, has since opened
 * another case, or cannot be reached (see {@link surveyMessage}).
 */
export async function sendSurvey(deps: Deps, job: { caseId: string }): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const { settings } = await deps.settings.current(tx);
    const csat = csatSettings(settings);
    if (!csat.enabled) return;
    const [kase] = await tx.select().from(cases).where(eq(cases.id, job.caseId));
    if (kase?.status !== 'cerrado') return;
    // Locked so two of the customer's cases closing together ask them once in the period.
    const [customer] = await tx
      .select()
      .from(customers)
      .where(eq(customers.id, kase.customerId))
      .for('update');
    if (!customer || customer.anonymisedAt || customer.mergedIntoId) return;
    const [already] = await tx
      .select({ id: csatSurveys.id })
      .from(csatSurveys)
      .where(eq(csatSurveys.caseId, kase.id));
    if (already) return;
    if (await refusedSurveys(tx, customer.id)) return;
    const since = new Date(now.getTime() - csat.periodDays * 86_400_000);
    const [recent] = await tx
      .select({ id: csatSurveys.id })
      .from(csatSurveys)
      .where(and(eq(csatSurveys.customerId, customer.id), gt(csatSurveys.sentAt, since)))
      .limit(1);
    if (recent) return;
    if (await busyElsewhere(tx, kase)) return;

    const id = randomUUID();
    const token = randomToken();
    const language: Language = customer.language === 'en' ? 'en' : 'es';
    const message = await surveyMessage(tx, settings, kase, {
      id,
      texts: csat.texts[language],
      link: surveyLink(deps.config.publicUrl, token),
      template: csat.whatsappTemplate,
      now,
    });
    if (!message) return;
    await tx.insert(csatSurveys).values({
      id,
      caseId: kase.id,
      customerId: customer.id,
      channel: message.channel,
      areaId: kase.areaId,
      agentId: kase.assigneeId,
      tokenHash: sha256(token),
      sentAt: now,
      expiresAt: new Date(now.getTime() + csat.expiresAfterHours * 3_600_000),
    });
    await queueOutbound(deps, tx, { caseId: kase.id, automatic: true, at: now, ...message });
    await appendEvent(
      tx,
      {
        kind: 'csat_sent',
        actor: systemActor('aviso_automatico'),
        caseId: kase.id,
        after: { surveyId: id, channel: message.channel },
      },
      now,
    );
  });
}

/** Whether the customer's newest word on surveys is a refusal. */
async function refusedSurveys(tx: Tx, customerId: string): Promise<boolean> {
  const rows = await tx
    .select({ purpose: consents.purpose, granted: consents.granted, recordedAt: consents.recordedAt })
    .from(consents)
    .where(and(eq(consents.customerId, customerId), eq(consents.purpose, 'encuestas')));
  return rows.length > 0 && !consentInForce(rows, 'encuestas');
}

/** A customer who wrote again after the close and has a case open from it is not asked about the old one. */
async function busyElsewhere(tx: Tx, kase: CaseRow): Promise<boolean> {
  const later = await tx
    .select({ status: cases.status })
    .from(cases)
    .where(and(eq(cases.customerId, kase.customerId), gt(cases.createdAt, kase.closedAt ?? kase.createdAt)));
  return later.some((c) => !isFinal(c.status));
}

/** The address the customer last wrote from on the case's channel, else their contact point for it. */
async function recipientOn(tx: Tx, kase: CaseRow, channel: 'whatsapp' | 'facebook' | 'email') {
  const [last] = await tx
    .select({ sender: sql<Recipient | null>`${messages.metadata} -> 'sender'` })
    .from(messages)
    .where(and(eq(messages.caseId, kase.id), eq(messages.kind, 'entrante'), eq(messages.channel, channel)))
    .orderBy(desc(messages.createdAt))
    .limit(1);
  if (kase.channel === channel && last?.sender?.address) return last.sender;
  const [point] = await tx
    .select({ kind: contactPoints.kind, address: contactPoints.address })
    .from(contactPoints)
    .where(
      and(eq(contactPoints.customerId, kase.customerId), eq(contactPoints.kind, CONTACT_KIND_OF[channel])),
    )
    .orderBy(desc(contactPoints.createdAt))
    .limit(1);
  return point;
}

/**
 * The question on the case's channel: on WhatsApp and Messenger within the 24-hour window, the five
 * scores to tap (a WhatsApp list, since reply buttons stop at three; Messenger quick replies), whose ids
 * name the survey; WhatsApp outside it, the approved template the settings name, with the link. Else, and
 * for e-mail, telephone and portal cases, the link by e-mail to the address on file (the case's own for an
 * e-mail case); a portal case without one gets the link on its folio's page. Nothing when none can carry it.
 */
async function surveyMessage(
  tx: Tx,
  settings: ProviderSettings,
  kase: CaseRow,
  survey: { id: string; texts: CsatTexts; link: string; template: string | undefined; now: Date },
): Promise<SurveyMessage | undefined> {
  const values = { folio: kase.folio, proveedor: settings.provider.name, enlace: survey.link };
  const withLink = renderTemplate(survey.texts.questionWithLink, values);
  if (kase.channel === 'whatsapp' || kase.channel === 'facebook') {
    const to = await recipientOn(tx, kase, kase.channel);
    if (to && (await windowOpen(tx, kase.customerId, kase.channel, survey.now))) {
      return {
        channel: kase.channel,
        to,
        body: renderTemplate(survey.texts.question, values),
        choices: {
          button: survey.texts.button,
          options: survey.texts.scores.map((title, i) => ({ id: `csat:${survey.id}:${i + 1}`, title })),
        },
      };
    }
    const approved = settings.whatsappTemplates.find((t) => t.name === survey.template);
    if (to && kase.channel === 'whatsapp' && approved) {
      const filled = fillWhatsappTemplate(approved, {
        folio: kase.folio,
        proveedor: settings.provider.name,
        encuesta_url: survey.link,
      });
      if (filled.template.parameters.every(Boolean)) return { channel: 'whatsapp', to, ...filled };
    }
  }
  const email = await recipientOn(tx, kase, 'email');
  if (email) return { channel: 'email', to: email, body: withLink };
  if (kase.channel === 'portal') return { channel: 'portal', body: withLink };
  return undefined;
}

/** What intake answers for a message it took. */
export interface SurveyReplyReceived {
  externalId: string;
  duplicate: false;
  caseId: string;
  folio: string;
  newCase: false;
  messageId: string;
}

/**
 * Intake's first step after a message's receipt is claimed: a tapped score (`csat:<survey>:<score>`) from
 * the survey's own customer is stored on the closed case and recorded, without reopening it or opening
 * another, and thanked once. A survey already answered or expired keeps what it has. Anything else, or a
 * score naming a survey that is not the sender's, answers `undefined` and goes on to the usual path.
 */
export async function takeSurveyReply(
  deps: Pick<AppContext, 'database' | 'jobs' | 'settings'>,
  tx: Tx,
  message: IncomingMessage,
  messageId: string,
  now: Date,
): Promise<SurveyReplyReceived | undefined> {
  const reply = surveyReplyOf(message.metadata);
  if (!reply) return undefined;
  const [row] = await tx
    .select({ survey: csatSurveys, kase: cases, language: customers.language })
    .from(csatSurveys)
    .innerJoin(cases, eq(cases.id, csatSurveys.caseId))
    .innerJoin(customers, eq(customers.id, csatSurveys.customerId))
    .where(eq(csatSurveys.id, reply.surveyId))
    .for('update', { of: csatSurveys });
  if (!row || !(await sentTo(tx, row.survey, message))) return undefined;
  const { survey, kase } = row;
  await addCustomerMessage(
    deps,
    tx,
    {
      id: messageId,
      caseId: kase.id,
      channel: message.channel,
      body: message.text,
      externalId: message.externalId,
      metadata: {
        ...message.metadata,
        sender: {
          kind: message.sender.kind,
          address: message.sender.address,
          conversationKey: message.sender.conversationKey,
        },
        contentType: message.contentType,
        sentAt: message.sentAt.toISOString(),
        csat: { surveyId: survey.id, score: reply.score },
      },
      at: now,
    },
    [],
  );
  const received: SurveyReplyReceived = {
    externalId: message.externalId,
    duplicate: false,
    caseId: kase.id,
    folio: kase.folio,
    newCase: false,
    messageId,
  };
  if (survey.status !== 'enviada' || survey.expiresAt < now) return received;
  await recordAnswer(tx, survey.id, kase.id, { score: reply.score, via: message.channel }, now);
  const { settings } = await deps.settings.current(tx);
  const texts = csatSettings(settings).texts[row.language === 'en' ? 'en' : 'es'];
  await queueOutbound(deps, tx, {
    caseId: kase.id,
    channel: message.channel,
    body: renderTemplate(texts.thanks, { folio: kase.folio, proveedor: settings.provider.name }),
    automatic: true,
    to: {
      kind: message.sender.kind,
      address: message.sender.address,
      ...(message.sender.conversationKey ? { conversationKey: message.sender.conversationKey } : {}),
    },
    at: now,
  });
  return received;
}

/**
 * Whether the sender is the one the survey went to: the customer's contact point, or the address the case
 * was written from (their representative's, say). A score id is only a uuid anyone could type, so it
 * proves nothing on its own.
 */
async function sentTo(
  tx: Tx,
  survey: typeof csatSurveys.$inferSelect,
  message: IncomingMessage,
): Promise<boolean> {
  const [point] = await tx
    .select({ customerId: contactPoints.customerId })
    .from(contactPoints)
    .where(
      and(eq(contactPoints.kind, message.sender.kind), eq(contactPoints.address, message.sender.address)),
    );
  if (point?.customerId === survey.customerId) return true;
  const [wrote] = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.caseId, survey.caseId),
        eq(messages.kind, 'entrante'),
        eq(messages.channel, message.channel),
        sql`${messages.metadata} -> 'sender' ->> 'address' = ${message.sender.address}`,
      ),
    )
    .limit(1);
  return Boolean(wrote);
}

async function recordAnswer(
  tx: Tx,
  surveyId: string,
  caseId: string,
  answer: { score: number; comment?: string; via: string },
  now: Date,
) {
  await tx
    .update(csatSurveys)
    .set({ status: 'respondida', score: answer.score, comment: answer.comment ?? null, answeredAt: now })
    .where(eq(csatSurveys.id, surveyId));
  await appendEvent(
    tx,
    {
      kind: 'csat_answered',
      actor: { kind: 'cliente' },
      caseId,
      after: { surveyId, score: answer.score, comment: Boolean(answer.comment), via: answer.via },
    },
    now,
  );
}

/** What the survey page shows: the folio, where the survey stands, and its texts in both languages. */
export interface SurveyView {
  folio: string;
  provider: string;
  status: 'enviada' | 'respondida' | 'expirada';
  score: number | null;
  texts: Record<Language, { question: string; scores: string[]; thanks: string }>;
}

async function surveyOfToken(tx: Tx, token: string, lock: boolean) {
  const query = tx
    .select({ survey: csatSurveys, folio: cases.folio })
    .from(csatSurveys)
    .innerJoin(cases, eq(cases.id, csatSurveys.caseId))
    .where(eq(csatSurveys.tokenHash, sha256(token)));
  const [row] = lock ? await query.for('update', { of: csatSurveys }) : await query;
  if (!row) throw new AppError('csat.not_found', { status: 404, detail: 'No survey has this link' });
  return row;
}

const statusAt = (survey: typeof csatSurveys.$inferSelect, now: Date): SurveyView['status'] =>
  survey.status === 'enviada' && survey.expiresAt < now ? 'expirada' : survey.status;

/** The survey a link's token opens (the token is its only credential). */
export async function surveyByToken(deps: Deps, token: string): Promise<SurveyView> {
  const now = deps.clock.now();
  const { survey, folio } = await surveyOfToken(deps.db, token, false);
  const { settings } = await deps.settings.current(deps.db);
  const { texts } = csatSettings(settings);
  const values = { folio, proveedor: settings.provider.name };
  const view = (t: CsatTexts) => ({
    question: renderTemplate(t.question, values),
    scores: [...t.scores],
    thanks: renderTemplate(t.thanks, values),
  });
  return {
    folio,
    provider: settings.provider.name,
    status: statusAt(survey, now),
    score: survey.score,
    texts: { es: view(texts.es), en: view(texts.en) },
  };
}

/** The customer's answer on the survey page: once, before it expires (409 after either). */
export async function answerByToken(
  deps: Deps,
  token: string,
  answer: { score: number; comment?: string | undefined },
): Promise<SurveyView> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const { survey } = await surveyOfToken(tx, token, true);
    const status = statusAt(survey, now);
    if (status === 'respondida') {
      throw new AppError('csat.answered', { status: 409, detail: 'This survey was already answered' });
    }
    if (status === 'expirada') {
      throw new AppError('csat.expired', { status: 409, detail: 'This survey has expired' });
    }
    const comment = answer.comment?.trim();
    await recordAnswer(
      tx,
      survey.id,
      survey.caseId,
      { score: answer.score, ...(comment ? { comment } : {}), via: 'portal' },
      now,
    );
  });
  return surveyByToken(deps, token);
}

/** The hourly job: surveys left unanswered past their expiry become `expirada`. Answers how many. */
export async function expireSurveys(deps: Pick<AppContext, 'db' | 'clock'>): Promise<number> {
  const expired = await deps.db
    .update(csatSurveys)
    .set({ status: 'expirada' })
    .where(and(eq(csatSurveys.status, 'enviada'), lt(csatSurveys.expiresAt, deps.clock.now())))
    .returning({ id: csatSurveys.id });
  return expired.length;
}

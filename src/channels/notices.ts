import { desc, eq } from 'drizzle-orm';
import { systemActor } from '../auth/system-rules.ts';
import { defaultNotices } from '../config/profile.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { contactPoints } from '../db/schema.ts';
import { type ConsentPurpose, isOneOf, type NoticeRefusal } from '../domain/vocabulary.ts';
import { appendEvent } from '../events/events.service.ts';
import { hasConsent } from '../privacy/consent-rule.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { CONTACT_KIND_OF, type ContactKind, WRITABLE_CHANNELS, type WritableChannel } from './channel.ts';
import {
  queueOutbound,
  type TemplateSubject,
  templateSubjectOf,
  templateValues,
  windowOpen,
} from './outbound-queue.ts';
import {
  fillWhatsappTemplate,
  placeholdersOf,
  renderTemplate,
  type TemplateValues,
  templateText,
} from './templates.ts';

type Deps = Pick<AppContext, 'jobs' | 'database' | 'settings'>;

/** A notice for a case: its key in the profile's templates, and the values its text may name. */
export interface Notice {
  key: string;
  requestType: string;
  values: TemplateValues;
}

/** What the customer receives: a text, or an approved WhatsApp template with the text it shows. */
export interface NoticeMessage {
  body: string;
  template?: { name: string; language: string; parameters: string[] };
}

/**
 * The notice settings. Settings an older version stored that the current schema refuses are kept as
 * they were (see `migrateSettings`), without the defaults of settings added since, such as these.
 */
const noticeSettings = (settings: ProviderSettings): ProviderSettings['notices'] =>
  (settings as Partial<ProviderSettings>).notices ?? defaultNotices();

const given = (values: TemplateValues, name: string) =>
  (values as Record<string, string | undefined>)[name] !== undefined;

const approvedTemplateFor = (settings: ProviderSettings, key: string) => {
  const name = noticeSettings(settings).whatsappTemplates[key];
  return name ? settings.whatsappTemplates.find((t) => t.name === name) : undefined;
};

/** Whether the provider sends this notice at all: some channel has a text for it, or a template is mapped. */
function noticeConfigured(settings: ProviderSettings, key: string, requestType: string): boolean {
  return (
    WRITABLE_CHANNELS.some((channel) => templateText(settings, key, channel, requestType)) ||
    approvedTemplateFor(settings, key) !== undefined
  );
}

/**
 * How a notice goes out on one channel now, or why it cannot. Free text where the channel takes it
 * (e-mail always, WhatsApp and Messenger within 24 hours of the customer's last message) and the
 * provider wrote one for the notice; on WhatsApp, else the approved template mapped to the notice.
 * Messenger's HUMAN_AGENT tag is for a person's reply, never for these. A text or template naming a
 * value not given is passed over, so the customer never reads a blank where an amount or a date goes;
 * an empty template parameter counts as not given (a text may want an empty `{nombre}`, a template not).
 */
export function noticeOn(
  settings: ProviderSettings,
  notice: Notice,
  route: { channel: WritableChannel; windowOpen: boolean },
): NoticeMessage | NoticeRefusal {
  const refusals: NoticeRefusal[] = [];
  if (route.channel === 'email' || route.windowOpen) {
    const text = templateText(settings, notice.key, route.channel, notice.requestType);
    if (!text) refusals.push('sin_plantilla');
    else if (placeholdersOf(text).some((name) => !given(notice.values, name))) refusals.push('faltan_datos');
    else return { body: renderTemplate(text, notice.values) };
  } else {
    refusals.push('ventana_cerrada');
  }
  const approved = route.channel === 'whatsapp' ? approvedTemplateFor(settings, notice.key) : undefined;
  if (approved) {
    if (approved.parameters.every((p) => notice.values[p]?.trim())) {
      return fillWhatsappTemplate(approved, notice.values);
    }
    refusals.push('faltan_datos');
  }
  return refusals.includes('faltan_datos') ? 'faltan_datos' : (refusals[0] as NoticeRefusal);
}

/**
 * Queues an automatic notice to a case's customer (acknowledgement, status change…) and returns its
 * message's id. It goes on the case's own channel when that can carry it now (see {@link noticeOn}), else
 * on the first channel of the profile's `notices.fallbackOrder` that can, to the customer's contact point
 * on file for it: never to a contact the case was only given (`claimedContact`), which nobody proved.
 * When none can, `aviso_no_entregado` is recorded on the case with each channel tried and why it could
 * not (codes only), so the agent knows the customer was not told. A portal case's customer reads its
 * status on the portal, and a notice the provider wrote no text or template for is not sent at all.
 */
export async function deliverNotice(
  deps: Deps,
  tx: Tx,
  kase: { id: string; channel: string; requestType: string; customerId: string },
  key: string,
  dueAt: Date | null,
  at: Date,
  options: {
    /** Values the notice's text may name beyond those of every case (an amount, a date…). */
    values?: TemplateValues;
    /** Values about no one (an outage's status, a public page), given even to an unverified sender. */
    publicValues?: TemplateValues;
    /** False for a sender who did not prove who they are: nothing about the account goes to them. */
    withCustomerData?: boolean;
    /** Known to the caller (e.g. the case it just opened), so not read again. */
    subject?: TemplateSubject;
    /** The customer has just written on the case's channel, so its reply window is open. */
    customerJustWrote?: boolean;
    /**
     * The use of personal data the notice serves (a promotion, a survey); omitted for a service notice
     * (acknowledgement, status, deadline), which is always sent. Without consent in force it goes nowhere.
     */
    purpose?: ConsentPurpose;
    /**
     * To the customer's own contact points only, never to whoever wrote on the case (their representative),
     * and as outside a chat window, since the writer's messages on the case would open it.
     */
    toCustomerOnFile?: boolean;
  } = {},
): Promise<string | undefined> {
  if (options.purpose && !(await hasConsent(tx, kase.customerId, options.purpose))) {
    await appendEvent(
      tx,
      {
        kind: 'aviso_no_entregado',
        actor: systemActor('aviso_automatico'),
        caseId: kase.id,
        after: { notice: key, purpose: options.purpose, tried: [] },
        reason: 'sin_consentimiento',
      },
      at,
    );
    return undefined;
  }
  if (kase.channel === 'portal' && !options.toCustomerOnFile) return undefined;
  const { settings } = await deps.settings.current(tx);
  if (!noticeConfigured(settings, key, kase.requestType)) return undefined;
  const withCustomerData = options.withCustomerData !== false;
  const values: TemplateValues = {
    ...templateValues(settings, options.subject ?? (await templateSubjectOf(tx, kase.id)), dueAt),
    // An unverified sender gets nothing about the customer on file, not even the name.
    ...(withCustomerData ? options.values : { nombre: '' }),
    ...options.publicValues,
  };
  const notice: Notice = { key, requestType: kase.requestType, values };
  const queue = (
    channel: WritableChannel,
    message: NoticeMessage,
    to?: { kind: ContactKind; address: string },
  ) =>
    queueOutbound(deps, tx, {
      caseId: kase.id,
      channel,
      ...message,
      automatic: true,
      ...(to ? { to } : {}),
      at,
    });

  const tried: Array<{ channel: WritableChannel; reason: NoticeRefusal }> = [];
  const own =
    !options.toCustomerOnFile && isOneOf(WRITABLE_CHANNELS, kase.channel) ? kase.channel : undefined;
  if (own) {
    const open =
      own !== 'email' && (options.customerJustWrote || (await windowOpen(tx, kase.customerId, own, at)));
    const outcome = noticeOn(settings, notice, { channel: own, windowOpen: open });
    if (typeof outcome !== 'string') return queue(own, outcome);
    tried.push({ channel: own, reason: outcome });
  }
  // An unverified sender's case answers only the address it came from.
  if (withCustomerData) {
    const points = await tx
      .select({ kind: contactPoints.kind, address: contactPoints.address })
      .from(contactPoints)
      .where(eq(contactPoints.customerId, kase.customerId))
      .orderBy(desc(contactPoints.createdAt));
    for (const channel of noticeSettings(settings).fallbackOrder) {
      if (channel === own) continue;
      // The most recently given address of its kind is likeliest still the customer's.
      const point = points.find((p) => p.kind === CONTACT_KIND_OF[channel]);
      if (!point) {
        tried.push({ channel, reason: 'sin_contacto' });
        continue;
      }
      const open =
        channel !== 'email' &&
        !options.toCustomerOnFile &&
        (await windowOpen(tx, kase.customerId, channel, at));
      const outcome = noticeOn(settings, notice, { channel, windowOpen: open });
      if (typeof outcome !== 'string') return queue(channel, outcome, point);
      tried.push({ channel, reason: outcome });
    }
  }
  await appendEvent(
    tx,
    {
      kind: 'aviso_no_entregado',
      actor: systemActor('aviso_automatico'),
      caseId: kase.id,
      after: { notice: key, tried },
    },
    at,
  );
  return undefined;
}

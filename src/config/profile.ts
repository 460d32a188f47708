import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { MAX_ATTACHMENT_BYTES } from '../attachments/attachments.service.ts';
import { ClassificationSchema, DEFAULT_CLASSIFICATION_RULES } from '../cases/classification.ts';
import { REQUEST_TYPES } from '../cases/request-types.ts';
import { CHANNELS, WRITABLE_CHANNELS, type WritableChannel } from '../channels/channel.ts';
import { placeholdersOf, TEMPLATE_PARAMETERS } from '../channels/templates.ts';
import { defaultMenu, MenuSettingsSchema } from '../conversations/menu-settings.ts';
import { CsatSettingsSchema, defaultCsat } from '../csat/csat-settings.ts';
import { isOneOf } from '../domain/vocabulary.ts';
import { AppError } from '../http/errors.ts';
import { defaultIncidentSettings, IncidentSettingsSchema } from '../incidents/incident-settings.ts';
import { PrivacySettingsSchema } from '../privacy/arco-settings.ts';
import { ConsentSettingsSchema, defaultConsentSettings } from '../privacy/consent-settings.ts';
import { RegulatorReportSettingsSchema } from '../reports/regulator-settings.ts';
import { RightsSettingsSchema } from '../rights/rights-settings.ts';
import { CannedRepliesSchema, DEFAULT_CANNED_REPLIES } from '../settings/canned-replies.ts';
import { ConfiguredCalendarSpecSchema, OpeningWeekSchema } from '../sla/calendar-spec.ts';
import { DEFAULT_DEADLINE_POLICIES, DeadlinePolicySchema } from '../sla/policies.ts';
import { defaultWebhookSettings, WebhookSettingsSchema } from '../webhooks/webhook-settings.ts';

const WEEKDAY_9_TO_6 = [{ from: '09:00', to: '18:00' }];
/** Business hours used for deadlines in business time when an area has no calendar of its own. */
export const DEFAULT_BUSINESS_CALENDAR = {
  zone: 'America/Monterrey',
  hours: {
    monday: WEEKDAY_9_TO_6,
    tuesday: WEEKDAY_9_TO_6,
    wednesday: WEEKDAY_9_TO_6,
    thursday: WEEKDAY_9_TO_6,
    friday: WEEKDAY_9_TO_6,
    saturday: [],
    sunday: [],
  },
  restDays: true,
  closures: [],
};

/** Notice settings of a profile that names none: every written channel in turn, no template mapped. */
export const defaultNotices = () => ({
  fallbackOrder: ['whatsapp', 'email', 'facebook'] as WritableChannel[],
  whatsappTemplates: {} as Record<string, string>,
});

/** Payment settings of a profile that names none, with where each figure comes from. */
export const defaultPayments = () => ({
  requireConfirmation: false,
  reconnection: {
    hours: 48,
    onSiteHours: 72,
    source:
      'Modelo de contrato de adhesión de internet fijo registrado ante PROFECO (NOM-184-SCFI-2018), p. ej. registro 484-2023: el servicio se restablece en 48 h una vez subsanada la causa de la suspensión; 72 h si requiere reconexión en sitio.',
  },
  promises: {
    maxDaysAhead: 10,
    maxPerPeriod: 1,
    source:
      'Política del proveedor: ninguna norma fija las promesas de pago. La suspensión por falta de pago no puede ocurrir antes de 5 días naturales después de la fecha límite (Carta de Derechos Mínimos, punto 12).',
  },
});

const Code = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _');
const Localized = z.object({ 'es-MX': z.string().min(1), en: z.string().min(1).optional() });

export const ChannelContactPointSchema = z.object({
  kind: z.enum(['phone', 'whatsapp', 'email', 'url', 'facebook_page']),
  value: z.string().min(1),
  display: z.string().min(1),
});

export const ProfileChannelSchema = z.object({
  code: Code,
  channel: z.enum(CHANNELS),
  name: z.string().min(1),
  contactPoints: z.array(ChannelContactPointSchema).min(1),
  /** Omitted: open 24 hours, 7 days a week. */
  hours: OpeningWeekSchema.optional(),
  /** Channels with opening hours close on Mexican rest days unless this says otherwise. */
  openOnRestDays: z.boolean().default(false),
});

export const ProfileAreaSchema = z.object({
  code: Code,
  name: z.string().min(1),
  calendar: ConfiguredCalendarSpecSchema.optional(),
});

export const ProfileSchema = z
  .object({
    provider: z.object({
      name: z.string().min(1),
      legalName: z.string().min(1),
      folioPrefix: z.string().regex(/^[A-Z]{2,6}$/, '2 to 6 capital letters'),
      timeZone: z
        .string()
        .default('America/Monterrey')
        .refine((zone) => {
          try {
            new Intl.DateTimeFormat('en', { timeZone: zone });
            return true;
          } catch {
            return false;
          }
        }, 'unknown IANA time zone'),
      website: z.url(),
      regulators: z.object({ telecom: z.string().min(1), consumer: z.string().min(1) }),
      privacyNotice: Localized,
    }),
    areas: z.array(ProfileAreaSchema).min(1),
    channels: z.array(ProfileChannelSchema).min(1),
    requestSubtypes: z
      .array(z.object({ type: z.enum(REQUEST_TYPES), code: Code, name: z.string().min(1) }))
      .default([]),
    causeCodes: z.array(z.object({ code: Code, name: z.string().min(1) })).min(1),
    routingRules: z
      .array(
        z.object({
          requestTypes: z.array(z.enum(REQUEST_TYPES)).default([]),
          keywords: z.array(z.string().min(1)).default([]),
          area: Code,
        }),
      )
      .min(1),
    templates: z.record(Code, Localized).default({}),
    whatsappTemplates: z
      .array(
        z.object({
          name: z.string().regex(/^[a-z0-9_]+$/),
          language: z.string().default('es_MX'),
          /** What fills each {{n}}, in order: a placeholder name such as folio or nombre. */
          parameters: z.array(z.enum(TEMPLATE_PARAMETERS)).default([]),
          preview: z.string().min(1),
        }),
      )
      .default([]),
    notices: z
      .object({
        /**
         * Where an automatic notice goes when the case's own channel cannot carry it now (a closed
         * 24-hour window, no text for it), tried in order over the customer's contact points on file.
         */
        fallbackOrder: z.array(z.enum(WRITABLE_CHANNELS)).default(() => defaultNotices().fallbackOrder),
        /** The approved WhatsApp template (by name) that carries a notice (by key) outside the window. */
        whatsappTemplates: z.record(Code, z.string()).default({}),
      })
      .default(defaultNotices),
    deadlines: z
      .object({
        businessCalendar: ConfiguredCalendarSpecSchema.default(DEFAULT_BUSINESS_CALENDAR),
        /** Share of a target elapsed at which the assignee is warned. */
        warnAt: z.number().min(0.1).max(0.99).default(0.8),
        policies: z.array(DeadlinePolicySchema).default(DEFAULT_DEADLINE_POLICIES),
      })
      .default({
        businessCalendar: DEFAULT_BUSINESS_CALENDAR,
        warnAt: 0.8,
        policies: DEFAULT_DEADLINE_POLICIES,
      }),
    cases: z
      .object({
        /** Days after resolution in which a customer's message reopens the case; then a job closes it. */
        reopenWindowDays: z.number().int().min(0).max(90).default(7),
      })
      .default({ reopenWindowDays: 7 }),
    /** Third parties the customer authorized: whether the customer is told each time one opens a case for them. */
    representatives: z
      .object({ notifyCustomer: z.boolean().default(true) })
      .default({ notifyCustomer: true }),
    /** Payments registered from a case, the reconnection they start, and the customer's promises to pay. */
    payments: z
      .object({
        /** Whether a second agent confirms a registered payment before it reaches the ledger. */
        requireConfirmation: z.boolean().default(false),
        reconnection: z
          .object({
            hours: z.number().int().min(1).max(720),
            onSiteHours: z.number().int().min(1).max(720),
            source: z.string().min(1),
          })
          .default(() => defaultPayments().reconnection),
        promises: z
          .object({
            /** How far ahead of today a promise may be dated. */
            maxDaysAhead: z.number().int().min(1).max(90),
            /** Promises a service may get within one billing period, whatever became of them. */
            maxPerPeriod: z.number().int().min(1).max(10),
            source: z.string().min(1),
          })
          .default(() => defaultPayments().promises),
      })
      .default(defaultPayments),
    /** The customer's rights in money and service: compensation, refunds, fees, installation, cancellation. */
    rights: RightsSettingsSchema,
    /** Outages: when reports propose an incident, the cause codes of its restoration, broadcast rates. */
    incidents: IncidentSettingsSchema.default(defaultIncidentSettings),
    /** ARCO requests' clocks and what is kept of an erased customer, and for how long. */
    privacy: PrivacySettingsSchema,
    /** The privacy notice's version and date, and the text a person consents to per use. */
    consent: ConsentSettingsSchema.default(defaultConsentSettings),
    /** What the public portal accepts with a request or a reply; omitted, 3 files of 10 MB. */
    portal: z
      .object({
        maxAttachments: z.number().int().min(0).max(5),
        maxAttachmentBytes: z.number().int().min(1).max(MAX_ATTACHMENT_BYTES),
      })
      .optional(),
    /** Phrase rules that type a chat or e-mail message sent without a chosen type; first match wins. */
    classification: ClassificationSchema.default({ rules: DEFAULT_CLASSIFICATION_RULES }),
    /** The self-service menu on WhatsApp and Messenger: on or off, idle minutes, its texts in es and en. */
    menu: MenuSettingsSchema.default(defaultMenu),
    /** Outbound webhooks: private addresses allowed or not, retry delays, failures before switching off. */
    webhooks: WebhookSettingsSchema.default(defaultWebhookSettings),
    /** The monthly report for the regulators: its categories of request types and when it is generated. */
    regulatorReport: RegulatorReportSettingsSchema,
    /** The satisfaction survey after a case closes: on or off, how often, its expiry and texts. */
    csat: CsatSettingsSchema.default(defaultCsat),
    /** Replies agents pick in a case's reply box, per area (absent: every area), in tú and usted. */
    cannedReplies: CannedRepliesSchema.default(DEFAULT_CANNED_REPLIES),
  })
  .superRefine((profile, ctx) => {
    const areaCodes = new Set<string>();
    profile.areas.forEach((area, i) => {
      if (areaCodes.has(area.code)) {
        ctx.addIssue({ code: 'custom', path: ['areas', i, 'code'], message: `duplicate area ${area.code}` });
      }
      areaCodes.add(area.code);
    });
    profile.routingRules.forEach((rule, i) => {
      if (!areaCodes.has(rule.area)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routingRules', i, 'area'],
          message: `unknown area ${rule.area}`,
        });
      }
    });
    // Keyword rules match only some texts: each type needs a rule without keywords, or some request
    // of it would have nowhere to go.
    const unrouted = REQUEST_TYPES.filter(
      (type) =>
        !profile.routingRules.some(
          (r) => r.keywords.length === 0 && (r.requestTypes.length === 0 || r.requestTypes.includes(type)),
        ),
    );
    if (unrouted.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['routingRules'],
        message: `no rule without keywords routes ${unrouted.join(', ')}; add a catch-all rule`,
      });
    }
    for (const type of REQUEST_TYPES) {
      if (!profile.deadlines.policies.some((p) => p.requestType === type && !p.subtype)) {
        ctx.addIssue({ code: 'custom', path: ['deadlines', 'policies'], message: `no policy for ${type}` });
      }
    }
    for (const [key, texts] of Object.entries(profile.templates)) {
      for (const [language, text] of Object.entries(texts)) {
        const unknown = placeholdersOf(text ?? '').filter((name) => !isOneOf(TEMPLATE_PARAMETERS, name));
        if (unknown.length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['templates', key, language],
            message: `unknown placeholder ${unknown.map((name) => `{${name}}`).join(', ')}; known: ${TEMPLATE_PARAMETERS.join(', ')}`,
          });
        }
      }
    }
    profile.whatsappTemplates.forEach((template, i) => {
      // A {{n}} with no parameter would reach the customer as a blank.
      const beyond = [...template.preview.matchAll(/\{\{(\d+)\}\}/g)]
        .map((m) => Number(m[1]))
        .filter((n) => n < 1 || n > template.parameters.length);
      if (beyond.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['whatsappTemplates', i, 'preview'],
          message: `{{${beyond[0]}}} has no parameter; the template declares ${template.parameters.length}`,
        });
      }
    });
    profile.notices.fallbackOrder.forEach((channel, i) => {
      if (profile.notices.fallbackOrder.indexOf(channel) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['notices', 'fallbackOrder', i],
          message: `${channel} is listed twice`,
        });
      }
    });
    for (const [notice, name] of Object.entries(profile.notices.whatsappTemplates)) {
      if (!profile.whatsappTemplates.some((t) => t.name === name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['notices', 'whatsappTemplates', notice],
          message: `no approved WhatsApp template named ${name}`,
        });
      }
    }
    const channelCodes = new Set<string>();
    profile.channels.forEach((channel, i) => {
      if (channelCodes.has(channel.code)) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i, 'code'],
          message: `duplicate channel ${channel.code}`,
        });
      }
      channelCodes.add(channel.code);
    });
  });

export type Profile = z.infer<typeof ProfileSchema>;

/** Validates a profile given as parsed data; every problem is named by its path. */
export function parseProfile(data: unknown): Profile {
  const parsed = ProfileSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('profile.invalid', {
      status: 422,
      detail: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
      field: first ? first.path.join('.') : undefined,
    });
  }
  return parsed.data;
}

/** Reads a profile from a JSON or YAML file (YAML is a superset of JSON, so one parser serves both). */
export async function readProfileFile(filePath: string): Promise<Profile> {
  const text = await readFile(filePath, 'utf8');
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new AppError('profile.unreadable', {
      status: 422,
      detail: `${filePath}: ${(error as Error).message}`,
    });
  }
  return parseProfile(data);
}

import { z } from 'zod';
import { INCIDENT_CAUSES, type IncidentCause } from '../domain/vocabulary.ts';

/**
 * When failure reports from one zone look like an outage: `reports` reports within `windowMinutes`. A
 * zone with more services needs more reports (five customers of a small village is an outage, five of a
 * city may be five routers), so the rule taken is the one with the largest `minServices` the zone reaches.
 */
const DetectionRuleSchema = z.object({
  minServices: z.number().int().min(0).max(10_000_000),
  reports: z.number().int().min(2).max(10_000),
  windowMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
});

export const IncidentSettingsSchema = z.object({
  detection: z
    .object({
      rules: z.array(DetectionRuleSchema).min(1),
      /** After a supervisor dismisses a proposal, the zone proposes nothing for this long. */
      muteMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60),
    })
    .default(() => defaultIncidentSettings().detection),
  /**
   * The cause code a report resolved by its incident's restoration gets, by the incident's cause: it
   * decides compensation (fuerza mayor pays only past its threshold).
   */
  causeCodes: z
    .record(z.enum(INCIDENT_CAUSES), z.string().min(1))
    .default(() => defaultIncidentSettings().causeCodes),
  /**
   * Messages per second a broadcast may hand each channel. WhatsApp Cloud API's lowest throughput tier is
   * 80 messages per second per number; Messenger and e-mail are set alike until the provider knows more.
   */
  broadcastPerSecond: z
    .object({
      whatsapp: z.number().int().min(1).max(1000),
      messenger: z.number().int().min(1).max(1000),
      email: z.number().int().min(1).max(1000),
    })
    .default(() => defaultIncidentSettings().broadcastPerSecond),
});

export type IncidentSettings = z.infer<typeof IncidentSettingsSchema>;

export const defaultIncidentSettings = () => ({
  detection: {
    rules: [
      { minServices: 0, reports: 5, windowMinutes: 15 },
      { minServices: 500, reports: 10, windowMinutes: 15 },
      { minServices: 5000, reports: 25, windowMinutes: 15 },
    ],
    muteMinutes: 120,
  },
  causeCodes: {
    energia: 'atribuible_proveedor',
    enlace: 'atribuible_proveedor',
    equipo: 'atribuible_proveedor',
    clima: 'fuerza_mayor',
    vandalismo: 'fuerza_mayor',
    mantenimiento: 'atribuible_proveedor',
    otro: 'atribuible_proveedor',
  } satisfies Record<IncidentCause, string>,
  broadcastPerSecond: { whatsapp: 80, messenger: 80, email: 80 },
});

/** The incident settings, with the defaults for settings stored before the section existed. */
export const incidentSettings = (settings: { incidents?: IncidentSettings }): IncidentSettings =>
  settings.incidents ?? defaultIncidentSettings();

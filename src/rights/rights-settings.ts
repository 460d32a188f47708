import { z } from 'zod';

/**
 * The `rights` section of a profile: the figures of the customer's rights in money and service, each
 * with the text it comes from (../shared/domain/regulation.md), so an agent, an admin and PROFECO read
 * the same source. Every field has its own default, so a PATCH naming one figure keeps the others.
 * Minimums and maximums are the regulation's own: a provider may give more than it requires, never less.
 */

export const RIGHTS_SOURCES = {
  authorities:
    'Ley en Materia de Telecomunicaciones y Radiodifusión (DOF 16-07-2025): el IFT dejó de operar y sus funciones pasaron a la Comisión Reguladora de Telecomunicaciones (CRT, en la ATDT); las quejas de consumo van a PROFECO (Carta de Derechos Mínimos, punto 40).',
  compensation:
    'NOM-184-SCFI-2018 y Carta de Derechos Mínimos, punto 18: por causas atribuibles al proveedor se bonifica la parte proporcional del precio del tiempo sin servicio más al menos el 20 % del monto del periodo afectado, sin que el cliente lo reclame. Caso fortuito o fuerza mayor: se compensa cuando la interrupción dura más de 24 horas consecutivas después del reporte (modelo de contrato, cláusula 10; algunos operadores usan 72 h). Que la bonificación del 20 % se sume también en fuerza mayor está *sin confirmar* en un texto primario.',
  refund:
    'Modelo de contrato de adhesión de internet fijo registrado ante PROFECO (NOM-184-SCFI-2018), p. ej. registro 484-2023: un cargo indebido se devuelve dentro de 5 días hábiles de la reclamación, por el mismo medio de pago, más una bonificación del 20 % sobre el monto.',
  reconnectionFee:
    'Modelo de contrato de adhesión registrado ante PROFECO (NOM-184-SCFI-2018), p. ej. registro 484-2023: el cargo por reconexión no excede el 20 % de una mensualidad.',
  installation:
    'Modelo de contrato de adhesión registrado ante PROFECO: la instalación se hace dentro de 10 días hábiles de la firma; si no, se devuelve lo pagado dentro de 30 días hábiles más un 20 %. Que los 30 días hábiles corran desde el vencimiento del plazo de instalación es decisión de Atiende, *sin confirmar* en un texto primario.',
  suspension:
    'Carta de Derechos Mínimos, punto 12, y modelo de contrato de adhesión registrado ante PROFECO: no antes de 5 días naturales posteriores a la fecha límite de pago, con aviso previo, solo el servicio no pagado y nunca con una conciliación abierta en PROFECO. La anticipación del aviso (3 días) está *sin confirmar*: el modelo de contrato exige aviso previo sin fijarla.',
  cancellation:
    'Carta de Derechos Mínimos, punto 9, y modelo de contrato: el contrato se cancela en cualquier momento, por cualquier medio de atención; el proveedor da un folio y la fecha efectiva, y nada se cobra después de ella. Un servicio adicional se cancela dentro de 5 días naturales de la solicitud.',
} as const;

// A provider may give a larger bonus than the regulation's minimum; past 100 % it is a typing mistake.
const bonusPercent = () =>
  z
    .number()
    .int()
    .min(20, 'at least 20: the regulation requires a bonus of at least 20 %')
    .max(100)
    .default(20);

export const CompensationSettingsSchema = z.object({
  bonusPercent: bonusPercent(),
  /** Hours an outage by force majeure must exceed, counted from the customer's report. */
  forceMajeureThresholdHours: z.number().int().min(1).max(168).default(24),
  /**
   * Credits up to this amount are posted when computed; above it a supervisor approves or adjusts them
   * first. 0: every credit waits for a supervisor.
   */
  autoApproveUpToCentavos: z.number().int().min(0).max(100_000_000).default(100_000),
  source: z.string().min(1).default(RIGHTS_SOURCES.compensation),
});

export const RefundSettingsSchema = z.object({
  bonusPercent: bonusPercent(),
  businessDays: z
    .number()
    .int()
    .min(1)
    .max(5, 'at most 5: the refund is due within 5 business days')
    .default(5),
  source: z.string().min(1).default(RIGHTS_SOURCES.refund),
});

export const ReconnectionFeeSettingsSchema = z.object({
  maxPercent: z
    .number()
    .int()
    .min(0)
    .max(20, 'at most 20: the fee may not exceed 20 % of one monthly payment')
    .default(20),
  /**
   * What the provider charges to reconnect a service suspended for non-payment once it is paid; 0: none.
   * Checked against each service's monthly payment when posted, since no single amount fits every plan.
   */
  amountCentavos: z.number().int().min(0).max(100_000_000).default(0),
  source: z.string().min(1).default(RIGHTS_SOURCES.reconnectionFee),
});

export const InstallationSettingsSchema = z.object({
  businessDays: z
    .number()
    .int()
    .min(1)
    .max(10, 'at most 10: installation is due within 10 business days of signing')
    .default(10),
  refundBusinessDays: z
    .number()
    .int()
    .min(1)
    .max(30, 'at most 30: the refund is due within 30 business days')
    .default(30),
  bonusPercent: bonusPercent(),
  source: z.string().min(1).default(RIGHTS_SOURCES.installation),
});

export const CancellationSettingsSchema = z.object({
  addOnCalendarDays: z
    .number()
    .int()
    .min(0)
    .max(5, 'at most 5: an add-on service is cancelled within 5 calendar days')
    .default(5),
  source: z.string().min(1).default(RIGHTS_SOURCES.cancellation),
});

/** The section as a profile with no `rights` gets it, and as older stored settings are migrated to. */
export const SuspensionSettingsSchema = z.object({
  minDaysAfterDue: z
    .number()
    .int()
    .min(5, 'at least 5: no suspension for non-payment before 5 calendar days after the due date')
    .max(60)
    .default(5),
  noticeDaysBefore: z.number().int().min(1).max(30).default(3),
  /** Non-payment suspensions the daily job finds allowed are carried out without a supervisor's confirmation. */
  automatic: z.boolean().default(false),
  /** Limits of a suspension the customer asks for, in calendar days until it reactivates by itself. */
  requestMinDays: z.number().int().min(1).max(365).default(7),
  requestMaxDays: z.number().int().min(1).max(365).default(90),
  source: z.string().min(1).default(RIGHTS_SOURCES.suspension),
});

export const defaultRights = () => ({
  authoritiesSource: RIGHTS_SOURCES.authorities as string,
  compensation: CompensationSettingsSchema.parse({}),
  refund: RefundSettingsSchema.parse({}),
  reconnectionFee: ReconnectionFeeSettingsSchema.parse({}),
  installation: InstallationSettingsSchema.parse({}),
  cancellation: CancellationSettingsSchema.parse({}),
  suspension: SuspensionSettingsSchema.parse({}),
});

/**
 * The regulator's and the consumer agency's names are the provider's settings too, in one place:
 * `provider.regulators` (what receipts and notices name).
 */
export const RightsSettingsSchema = z
  .object({
    authoritiesSource: z.string().min(1).default(RIGHTS_SOURCES.authorities),
    compensation: CompensationSettingsSchema.default(() => defaultRights().compensation),
    refund: RefundSettingsSchema.default(() => defaultRights().refund),
    reconnectionFee: ReconnectionFeeSettingsSchema.default(() => defaultRights().reconnectionFee),
    installation: InstallationSettingsSchema.default(() => defaultRights().installation),
    cancellation: CancellationSettingsSchema.default(() => defaultRights().cancellation),
    suspension: SuspensionSettingsSchema.default(() => defaultRights().suspension),
  })
  .default(defaultRights);

export type RightsSettings = z.infer<typeof RightsSettingsSchema>;
export type CompensationSettings = z.infer<typeof CompensationSettingsSchema>;
export type RefundSettings = z.infer<typeof RefundSettingsSchema>;
export type ReconnectionFeeSettings = z.infer<typeof ReconnectionFeeSettingsSchema>;
export type InstallationSettings = z.infer<typeof InstallationSettingsSchema>;
export type CancellationSettings = z.infer<typeof CancellationSettingsSchema>;

/** The rights settings, with the defaults for settings stored before the section existed. */
export const rightsSettings = (settings: { rights?: RightsSettings }): RightsSettings =>
  settings.rights ?? defaultRights();

import { z } from 'zod';
import {
  LEDGER_KINDS,
  PLAN_TECHNOLOGIES,
  SERVICE_STATUSES,
  SUSPENSION_REASONS,
} from '../domain/vocabulary.ts';
import { IntId, IntIdParam } from '../http/int-id.ts';
import { MAX_AMOUNT_CENTAVOS } from './money.ts';
import { INITIAL_SERVICE_STATUSES } from './service-status.ts';

const Code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/, 'letters, digits, _ . - (at most 50)');
const Name = z.string().trim().min(1).max(200);
const Mbps = z.number().int().min(1).max(100_000);
const Day = z.number().int().min(1).max(31);
const Address = z.string().trim().min(1).max(500);

/** A calendar date (`YYYY-MM-DD`) in years a provider's records can hold. */
export const PlainDate = z.iso
  .date()
  .refine((d) => d >= '2000-01-01' && d <= '2099-12-31', { message: 'must be in the years 2000–2099' });

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
const TimeZone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine(isTimeZone, { message: 'must be an IANA time zone such as America/Monterrey' });

const Centavos = z.number().int().min(-MAX_AMOUNT_CENTAVOS).max(MAX_AMOUNT_CENTAVOS);
const Money = {
  centavos: z.number().int(),
  formatted: z.string().describe('As written to customers: "$350.00 MXN"'),
};
export const MoneyResponse = z.object(Money);

const nonEmpty = <T extends z.ZodRawShape>(shape: T, path: keyof T & string) =>
  z.object(shape).refine((o) => Object.values(o).some((v) => v !== undefined), {
    message: 'nothing to change',
    path: [path],
  });

export const IntIdParams = z.object({ id: IntIdParam });
export const ServiceIdParams = z.object({ id: z.uuid() });
export const CustomerIdParams = z.object({ id: z.uuid() });
export const FolioParams = z.object({ folio: z.string().min(1).max(40) });

export const CreatePlanRequest = z.object({
  code: Code,
  name: Name,
  monthlyPriceCentavos: z.number().int().min(0).max(MAX_AMOUNT_CENTAVOS),
  downloadMbps: Mbps.nullish(),
  uploadMbps: Mbps.nullish(),
  technology: z.enum(PLAN_TECHNOLOGIES).default('inalambrico'),
});
export const UpdatePlanRequest = nonEmpty(
  {
    name: Name.optional(),
    monthlyPriceCentavos: z.number().int().min(0).max(MAX_AMOUNT_CENTAVOS).optional(),
    downloadMbps: Mbps.nullish(),
    uploadMbps: Mbps.nullish(),
    technology: z.enum(PLAN_TECHNOLOGIES).optional(),
    active: z.boolean().optional().describe('An inactive plan is kept for its services but offered no more'),
  },
  'name',
);
export const PlanResponse = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  monthlyPrice: MoneyResponse,
  downloadMbps: z.number().int().nullable(),
  uploadMbps: z.number().int().nullable(),
  technology: z.enum(PLAN_TECHNOLOGIES),
  active: z.boolean(),
});

export const CreateZoneRequest = z.object({
  code: Code,
  name: Name,
  parentId: IntId.nullish().describe('The bigger zone it is part of'),
  timeZone: TimeZone.default('America/Monterrey'),
});
export const UpdateZoneRequest = nonEmpty(
  {
    name: Name.optional(),
    parentId: IntId.nullish(),
    timeZone: TimeZone.optional(),
  },
  'name',
);
export const ZoneResponse = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  parentId: z.number().int().nullable(),
  timeZone: z.string(),
});

export const CreateServiceRequest = z.object({
  externalRef: z.string().trim().min(1).max(100).nullish().describe('The billing system’s key for it'),
  planId: IntId.nullish(),
  zoneId: IntId.nullish(),
  installAddress: Address.nullish(),
  status: z.enum(INITIAL_SERVICE_STATUSES).default('activo'),
  billingDay: Day.nullish(),
  cutoffDay: Day.describe('fecha de corte: 29–31 fall on a short month’s last day'),
  startDate: PlainDate.nullish(),
});
export const UpdateServiceRequest = nonEmpty(
  {
    planId: IntId.nullish(),
    zoneId: IntId.nullish(),
    installAddress: Address.nullish(),
    billingDay: Day.nullish(),
    cutoffDay: Day.optional(),
  },
  'planId',
);
export const ChangeServiceStatusRequest = z.object({
  status: z.enum(SERVICE_STATUSES),
  suspensionReason: z.enum(SUSPENSION_REASONS).optional().describe('Required when suspending'),
});

export const ServiceResponse = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  externalRef: z.string().nullable(),
  plan: z
    .object({ id: z.number().int(), code: z.string(), name: z.string(), monthlyPrice: MoneyResponse })
    .nullable(),
  zone: z.object({ id: z.number().int(), code: z.string(), name: z.string() }).nullable(),
  installAddress: z.string().nullable(),
  status: z.enum(SERVICE_STATUSES),
  suspensionReason: z.enum(SUSPENSION_REASONS).nullable(),
  billingDay: z.number().int().nullable(),
  cutoffDay: z.number().int(),
  startDate: z.string().nullable(),
  balance: MoneyResponse.describe('As of the provider’s today: positive is owed, negative saldo a favor'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const LedgerEntryResponse = z.object({
  id: z.number().int(),
  serviceId: z.uuid(),
  kind: z.enum(LEDGER_KINDS),
  amount: MoneyResponse.describe('Positive: the customer owes more'),
  effectiveDate: z.string(),
  reference: z.string().nullable(),
  caseFolio: z.string().nullable(),
  correctsId: z.number().int().nullable(),
  actorKind: z.string(),
  actorAgentId: z.uuid().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
});

export const LedgerQuery = z.object({
  cursor: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}\.\d{1,18}$/, 'the nextCursor of the previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const LedgerPageResponse = z.object({
  entries: z.array(LedgerEntryResponse),
  nextCursor: z.string().nullable().describe('Null on the last page'),
});

export const StatementResponse = z.object({
  serviceId: z.uuid(),
  today: z.string(),
  cutoffDay: z.number().int(),
  nextCutoff: z.string(),
  balance: MoneyResponse,
  balanceAtCutoff: MoneyResponse,
  amountDue: MoneyResponse,
  credit: MoneyResponse.describe('Saldo a favor left at the next cut-off'),
  movements: z.array(LedgerEntryResponse),
});

/** What people post by hand; pagos come through payments, which keep the receipt. */
export const MANUAL_LEDGER_KINDS = ['ajuste', 'bonificacion', 'reembolso', 'cargo'] as const;

export const PostLedgerEntryRequest = z.object({
  kind: z.enum(MANUAL_LEDGER_KINDS),
  amountCentavos: Centavos.describe(
    'Signed as the ledger: positive raises what the customer owes (cargo, reembolso), negative lowers it (bonificacion); an ajuste either, never zero',
  ),
  effectiveDate: PlainDate.describe('Within a year of today'),
  reference: z.string().trim().min(1).max(200).nullish(),
  note: z.string().trim().min(1).max(2000).nullish(),
  caseFolio: z.string().trim().min(1).max(40).nullish().describe('The case the entry is for'),
  correctsId: z
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .nullish()
    .describe('The entry this one corrects'),
});

export const EXPORT_DEFAULT_KINDS = ['bonificacion', 'reembolso', 'pago'] as const;

export const ExportQuery = z
  .object({
    from: PlainDate.describe('First effective date, included'),
    to: PlainDate.describe('Last effective date, included'),
    kinds: z
      .string()
      .regex(
        new RegExp(`^(${LEDGER_KINDS.join('|')})(,(${LEDGER_KINDS.join('|')})){0,4}$`),
        `comma-separated kinds of ${LEDGER_KINDS.join(', ')}`,
      )
      .optional()
      .describe(`Default ${EXPORT_DEFAULT_KINDS.join(',')}`),
  })
  .refine((q) => q.from <= q.to, { message: 'must not be after to', path: ['from'] });

export const SetCaseServiceRequest = z.object({
  serviceId: z.uuid().nullable().describe('One of the case customer’s services; null to clear it'),
});
export const CaseServiceResponse = z.object({ folio: z.string(), serviceId: z.uuid().nullable() });

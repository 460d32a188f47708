import type { z } from 'zod';
import type { LedgerEntryResponse, PlanResponse, ServiceResponse, ZoneResponse } from './accounts.schema.ts';
import type { PlanRow, ServiceWithAccount, ZoneRow } from './accounts.service.ts';
import type { LedgerEntryWithFolio } from './ledger-entries.service.ts';
import { formatMxn } from './money.ts';

export const money = (centavos: number) => ({ centavos, formatted: formatMxn(centavos) });

export const presentPlan = (plan: PlanRow): z.infer<typeof PlanResponse> => ({
  id: plan.id,
  code: plan.code,
  name: plan.name,
  monthlyPrice: money(plan.monthlyPriceCentavos),
  downloadMbps: plan.downloadMbps,
  uploadMbps: plan.uploadMbps,
  technology: plan.technology,
  active: plan.active,
});

export const presentZone = (zone: ZoneRow): z.infer<typeof ZoneResponse> => ({
  id: zone.id,
  code: zone.code,
  name: zone.name,
  parentId: zone.parentId,
  timeZone: zone.timeZone,
});

export const presentService = ({
  service,
  plan,
  zone,
  balanceCentavos,
}: ServiceWithAccount): z.infer<typeof ServiceResponse> => ({
  id: service.id,
  customerId: service.customerId,
  externalRef: service.externalRef,
  plan: plan
    ? { id: plan.id, code: plan.code, name: plan.name, monthlyPrice: money(plan.monthlyPriceCentavos) }
    : null,
  zone: zone ? { id: zone.id, code: zone.code, name: zone.name } : null,
  installAddress: service.installAddress,
  status: service.status,
  suspensionReason: service.suspensionReason,
  billingDay: service.billingDay,
  cutoffDay: service.cutoffDay,
  startDate: service.startDate,
  balance: money(balanceCentavos),
  createdAt: service.createdAt.toISOString(),
  updatedAt: service.updatedAt.toISOString(),
});

export const presentLedgerEntry = (entry: LedgerEntryWithFolio): z.infer<typeof LedgerEntryResponse> => ({
  id: entry.id,
  serviceId: entry.serviceId,
  kind: entry.kind,
  amount: money(entry.amountCentavos),
  effectiveDate: entry.effectiveDate,
  reference: entry.reference,
  caseFolio: entry.caseFolio,
  correctsId: entry.correctsId,
  actorKind: entry.actorKind,
  actorAgentId: entry.actorAgentId,
  note: entry.note,
  createdAt: entry.createdAt.toISOString(),
});

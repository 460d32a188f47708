import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { RECONNECTION } from '../accounts/payments.service.ts';
import type { Tx } from '../db/database.ts';
import { cancellations, compensations, deadlines, serviceSuspensions } from '../db/schema.ts';
import {
  CANCELLATION_STATUSES,
  COMPENSATION_KINDS,
  COMPENSATION_STATUSES,
  SUSPENSION_REASONS,
} from '../domain/vocabulary.ts';
import { REFUND_CLOCK } from './compensations.service.ts';
import { INSTALLATION_CLOCK } from './installation.service.ts';

/** Enough suspensions to show the current one and the last few the customer may ask about. */
const RECENT_SUSPENSIONS = 3;
/** Enough compensations to cover a year of a troubled service; older ones are on the statements. */
const RECENT_COMPENSATIONS = 10;

/**
 * What a service owes its customer and when, as the portal shows it: compensations with the formula in
 * words and the amounts that make it up, suspensions with their dates, the clocks still running for them
 * (reconnection, installation) and a cancellation's effective date. Internal ids, agents and the rules'
 * raw inputs stay out.
 */
export const PortalServiceRights = z.object({
  /** The reason of the current suspension (the service row's, also when no dated record predates it). */
  suspensionReason: z.enum(SUSPENSION_REASONS).nullable(),
  suspensions: z.array(
    z.object({
      reason: z.enum(SUSPENSION_REASONS),
      startedAt: z.string(),
      /** A suspension the customer asked for ends by itself on this date. */
      reactivateOn: z.string().nullable(),
      endedAt: z.string().nullable(),
    }),
  ),
  /** When the service must be back after a payment cleared a suspension; null when no clock runs. */
  reconnectionDueAt: z.string().nullable(),
  installation: z
    .object({
      contractSignedOn: z.string(),
      /** The installation's deadline; null on a service signed before deadlines were kept. */
      dueAt: z.string().nullable(),
      installedAt: z.string().nullable(),
    })
    .nullable(),
  compensations: z.array(
    z.object({
      kind: z.enum(COMPENSATION_KINDS),
      status: z.enum(COMPENSATION_STATUSES),
      /** The formula in words, as the rule wrote it. */
      explanation: z.string(),
      computedCentavos: z.number().int(),
      creditCentavos: z.number().int(),
      refundCentavos: z.number().int(),
      bonusCentavos: z.number().int(),
      /** What was posted (a supervisor may adjust it); null while it waits for approval or was refused. */
      appliedCentavos: z.number().int().nullable(),
      effectiveDate: z.string().nullable(),
      /** When money paid back is due; null when nothing is paid back. */
      refundDueAt: z.string().nullable(),
      refundedAt: z.string().nullable(),
      proposedAt: z.string(),
    }),
  ),
  cancellation: z
    .object({
      status: z.enum(CANCELLATION_STATUSES),
      effectiveDate: z.string(),
    })
    .nullable(),
});
export type PortalServiceRights = z.infer<typeof PortalServiceRights>;

export interface RightsService {
  id: string;
  suspensionReason: PortalServiceRights['suspensionReason'];
  contractSignedOn: string | null;
  installedAt: Date | null;
}

const dueOfRunning = (row: typeof deadlines.$inferSelect | undefined) =>
  row && !row.metAt && !row.cancelledAt ? row.dueAt.toISOString() : null;

/** The rights view of a service whose id the caller already proved the customer's. */
export async function serviceRights(tx: Tx, service: RightsService): Promise<PortalServiceRights> {
  const [clocks, suspensionRows, compensationRows, [cancellation]] = await Promise.all([
    tx
      .select()
      .from(deadlines)
      .where(
        and(
          eq(deadlines.subjectKind, 'service'),
          eq(deadlines.subjectId, service.id),
          inArray(deadlines.kind, [RECONNECTION, INSTALLATION_CLOCK]),
        ),
      ),
    tx
      .select()
      .from(serviceSuspensions)
      .where(eq(serviceSuspensions.serviceId, service.id))
      .orderBy(desc(serviceSuspensions.startedAt), desc(serviceSuspensions.id))
      .limit(RECENT_SUSPENSIONS),
    tx
      .select()
      .from(compensations)
      .where(eq(compensations.serviceId, service.id))
      .orderBy(desc(compensations.createdAt), desc(compensations.id))
      .limit(RECENT_COMPENSATIONS),
    tx
      .select({ status: cancellations.status, effectiveDate: cancellations.effectiveDate })
      .from(cancellations)
      .where(
        and(
          eq(cancellations.serviceId, service.id),
          // The service's own end: an add-on's cancellation leaves the service running.
          eq(cancellations.scope, 'contrato'),
          inArray(cancellations.status, ['en_curso', 'efectuada']),
        ),
      )
      .orderBy(desc(cancellations.requestedAt))
      .limit(1),
  ]);
  const refunds = compensationRows.filter((c) => c.refundCentavos > 0).map((c) => c.id);
  const refundClocks = refunds.length
    ? await tx
        .select({ subjectId: deadlines.subjectId, dueAt: deadlines.dueAt })
        .from(deadlines)
        .where(
          and(
            eq(deadlines.subjectKind, 'compensation'),
            inArray(deadlines.subjectId, refunds),
            eq(deadlines.kind, REFUND_CLOCK),
            isNull(deadlines.cancelledAt),
          ),
        )
    : [];
  const refundDue = new Map(refundClocks.map((c) => [c.subjectId, c.dueAt.toISOString()]));
  const clock = (kind: string) => clocks.find((c) => c.kind === kind);
  const installationClock = clock(INSTALLATION_CLOCK);
  return {
    suspensionReason: service.suspensionReason,
    suspensions: suspensionRows.map((s) => ({
      reason: s.reason,
      startedAt: s.startedAt.toISOString(),
      reactivateOn: s.reactivateOn,
      endedAt: s.endedAt?.toISOString() ?? null,
    })),
    reconnectionDueAt: dueOfRunning(clock(RECONNECTION)),
    installation: service.contractSignedOn
      ? {
          contractSignedOn: service.contractSignedOn,
          dueAt: installationClock?.dueAt.toISOString() ?? null,
          installedAt: service.installedAt?.toISOString() ?? null,
        }
      : null,
    compensations: compensationRows.map((c) => ({
      kind: c.kind,
      status: c.status,
      explanation: c.explanation,
      computedCentavos: c.computedCentavos,
      creditCentavos: c.computedCentavos - c.refundCentavos - c.bonusCentavos,
      refundCentavos: c.refundCentavos,
      bonusCentavos: c.bonusCentavos,
      appliedCentavos: c.status === 'aplicada' ? c.appliedCentavos : null,
      effectiveDate: c.effectiveDate,
      refundDueAt: refundDue.get(c.id) ?? null,
      refundedAt: c.refundedAt?.toISOString() ?? null,
      proposedAt: c.createdAt.toISOString(),
    })),
    cancellation: cancellation ?? null,
  };
}

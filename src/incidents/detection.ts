import { and, count, eq, gt, isNull, lte, ne, sql } from 'drizzle-orm';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import type { CaseDeps } from '../cases/case-context.ts';
import type { Tx } from '../db/database.ts';
import { cases, incidentProposalReports, incidentProposals, services } from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import { type IncidentSettings, incidentSettings } from './incident-settings.ts';

/** A failure report not linked to any incident, from a service in a known zone. */
export interface FailureReport {
  caseId: string;
  zoneId: number;
  at: Date;
}

type DetectionRule = IncidentSettings['detection']['rules'][number];

/** The rule with the largest `minServices` the zone reaches; the smallest one when it reaches none. */
export function ruleForZoneSize(rules: readonly DetectionRule[], size: number): DetectionRule {
  const bySize = [...rules].sort((a, b) => a.minServices - b.minServices);
  return bySize.filter((r) => r.minServices <= size).at(-1) ?? (bySize[0] as DetectionRule);
}

/** The failure reports of the zone's services that may count toward a proposal, as a subquery of ids. */
function countableReports(tx: Tx, zoneId: number, from: Date, to: Date) {
  return tx
    .select({ id: cases.id })
    .from(cases)
    .innerJoin(services, eq(services.id, cases.serviceId))
    .where(
      and(
        eq(services.zoneId, zoneId),
        eq(cases.requestType, 'falla'),
        gt(cases.createdAt, from),
        lte(cases.createdAt, to),
        isNull(cases.incidentId),
        ne(cases.status, 'descartado'),
      ),
    );
}

async function pendingProposal(tx: Tx, zoneId: number) {
  const [row] = await tx
    .select({ id: incidentProposals.id, number: incidentProposals.number })
    .from(incidentProposals)
    .where(and(eq(incidentProposals.zoneId, zoneId), eq(incidentProposals.status, 'pendiente')))
    .for('update');
  return row;
}

/**
 * A failure report counted toward an outage of its zone, in the transaction that opened it: it joins the
 * zone's pending proposal, or, when the zone's rule is met within its window, a proposal is made of every
 * report counted. A zone a supervisor muted proposes nothing until its mute ends.
 */
export async function noteFailureReport(deps: CaseDeps, tx: Tx, report: FailureReport): Promise<void> {
  const { caseId, zoneId, at } = report;
  const [muted] = await tx
    .select({ id: incidentProposals.id })
    .from(incidentProposals)
    .where(
      and(
        eq(incidentProposals.zoneId, zoneId),
        eq(incidentProposals.status, 'descartada'),
        gt(incidentProposals.mutedUntil, at),
      ),
    )
    .limit(1);
  if (muted) return;
  const actor = systemActor('deteccion_de_incidente');
  assertSystemMay(actor, { kind: 'incident.propose' });

  const grow = async (proposal: { id: string; number: number }) => {
    const added = await tx
      .insert(incidentProposalReports)
      .values({ proposalId: proposal.id, caseId, addedAt: at })
      .onConflictDoNothing()
      .returning({ caseId: incidentProposalReports.caseId });
    if (added.length === 0) return;
    const [size] = await tx
      .select({ n: count() })
      .from(incidentProposalReports)
      .where(eq(incidentProposalReports.proposalId, proposal.id));
    await appendEvent(
      tx,
      {
        kind: 'incident_proposal_grew',
        actor,
        subject: { kind: 'incident_proposal', id: proposal.id },
        caseId,
        after: { number: proposal.number, zoneId, reports: Number(size?.n ?? 0) },
      },
      at,
    );
  };

  const pending = await pendingProposal(tx, zoneId);
  if (pending) return grow(pending);

  const [zoneSize] = await tx
    .select({ n: count() })
    .from(services)
    .where(and(eq(services.zoneId, zoneId), ne(services.status, 'cancelado')));
  const { settings } = await deps.settings.current(tx);
  const rule = ruleForZoneSize(incidentSettings(settings).detection.rules, Number(zoneSize?.n ?? 0));
  const from = new Date(at.getTime() - rule.windowMinutes * 60_000);
  const [counted] = await tx
    .select({ n: count() })
    .from(countableReports(tx, zoneId, from, at).as('counted'));
  const reports = Number(counted?.n ?? 0);
  if (reports < rule.reports) return;

  const [proposal] = await tx
    .insert(incidentProposals)
    .values({ zoneId, status: 'pendiente', rule, createdAt: at, updatedAt: at })
    .onConflictDoNothing()
    .returning({ id: incidentProposals.id, number: incidentProposals.number });
  if (!proposal) {
    // Another report of the zone made the proposal first, in a transaction that committed meanwhile.
    const winner = await pendingProposal(tx, zoneId);
    if (winner) await grow(winner);
    return;
  }
  await tx.execute(sql`
    insert into ${incidentProposalReports} (proposal_id, case_id, added_at)
    select ${proposal.id}, counted.id, ${at.toISOString()}::timestamptz
    from (${countableReports(tx, zoneId, from, at)}) as counted
    on conflict do nothing`);
  await appendEvent(
    tx,
    {
      kind: 'incident_proposed',
      actor,
      subject: { kind: 'incident_proposal', id: proposal.id },
      caseId,
      after: { number: proposal.number, zoneId, reports, rule },
    },
    at,
  );
}

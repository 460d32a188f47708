import { and, asc, desc, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import { FINAL_STATUSES } from '../cases/lifecycle.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { cases, incidentProposalReports, incidentProposals, zones } from '../db/schema.ts';
import type { IncidentProposalStatus } from '../domain/vocabulary.ts';
import { agentActor, appendEvent, appendEvents } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { incidentSettings } from './incident-settings.ts';
import { type DeclareIncidentInput, declareIncidentIn } from './incidents.service.ts';
import { incidentsChanged } from './status.snapshot.ts';

type Deps = Pick<AppContext, 'db' | 'clock' | 'settings' | 'jobs'>;
type ProposalRow = typeof incidentProposals.$inferSelect;

export type AcceptProposalInput = Omit<DeclareIncidentInput, 'zoneIds'> & { zoneIds?: number[] | undefined };

const iso = (at: Date | null) => at?.toISOString() ?? null;

async function present(tx: Tx, rows: ProposalRow[]) {
  const ids = rows.map((r) => r.id);
  const zoneIds = [...new Set(rows.map((r) => r.zoneId))];
  const zoneRows =
    zoneIds.length === 0
      ? []
      : await tx
          .select({ id: zones.id, code: zones.code, name: zones.name })
          .from(zones)
          .where(inArray(zones.id, zoneIds));
  const reportRows =
    ids.length === 0
      ? []
      : await tx
          .select({
            proposalId: incidentProposalReports.proposalId,
            folio: cases.folio,
            createdAt: cases.createdAt,
            subject: cases.subject,
            channel: cases.channel,
          })
          .from(incidentProposalReports)
          .innerJoin(cases, eq(cases.id, incidentProposalReports.caseId))
          .where(inArray(incidentProposalReports.proposalId, ids))
          .orderBy(asc(cases.createdAt), asc(cases.folio));
  return rows.map((row) => {
    const zone = zoneRows.find((z) => z.id === row.zoneId) ?? { id: row.zoneId, code: '', name: '' };
    return {
      id: row.id,
      number: row.number,
      zone,
      status: row.status,
      rule: row.rule,
      createdAt: row.createdAt.toISOString(),
      reports: reportRows
        .filter((r) => r.proposalId === row.id)
        .map((r) => ({
          folio: r.folio,
          createdAt: r.createdAt.toISOString(),
          subject: r.subject,
          channel: r.channel,
        })),
      incidentId: row.incidentId,
      decidedAt: iso(row.decidedAt),
      mutedUntil: iso(row.mutedUntil),
    };
  });
}

/** Proposals, the pending ones first, then the newest; by status. */
export async function listProposals(deps: Deps, query: { status?: IncidentProposalStatus | undefined }) {
  const rows = await deps.db
    .select()
    .from(incidentProposals)
    .where(query.status ? eq(incidentProposals.status, query.status) : undefined)
    .orderBy(
      sql`case when ${incidentProposals.status} = 'pendiente' then 0 else 1 end`,
      desc(incidentProposals.createdAt),
      desc(incidentProposals.number),
    )
    .limit(200);
  return present(deps.db, rows);
}

/** The proposal, locked and still pending: a proposal is decided once. */
async function lockPending(tx: Tx, id: string): Promise<ProposalRow> {
  const [row] = await tx.select().from(incidentProposals).where(eq(incidentProposals.id, id)).for('update');
  if (!row) throw new AppError('incident_proposal.not_found', { status: 404, detail: 'No such proposal' });
  if (row.status !== 'pendiente') {
    throw new AppError('incident_proposal.decided', {
      status: 409,
      detail: `Proposal ${row.number} was already ${row.status}`,
    });
  }
  return row;
}

/**
 * A supervisor accepts a proposal: an incident is declared (over the proposal's zone unless said, since
 * the earliest report unless said) and every report still open and on no incident is linked to it, all
 * in one transaction, so the reports never stand half linked.
 */
export async function acceptProposal(deps: Deps, id: string, input: AcceptProposalInput, actor: Actor) {
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    const proposal = await lockPending(tx, id);
    const reportIds = tx
      .select({ id: incidentProposalReports.caseId })
      .from(incidentProposalReports)
      .where(eq(incidentProposalReports.proposalId, proposal.id));
    const [earliest] = await tx
      .select({ at: cases.createdAt })
      .from(cases)
      .where(inArray(cases.id, reportIds))
      .orderBy(asc(cases.createdAt))
      .limit(1);
    const incident = await declareIncidentIn(
      deps,
      tx,
      {
        zoneIds: input.zoneIds ?? [proposal.zoneId],
        cause: input.cause,
        publicText: input.publicText,
        startedAt: input.startedAt ?? earliest?.at.toISOString(),
        eta: input.eta,
      },
      actor,
    );
    const linked = await tx
      .update(cases)
      .set({ incidentId: incident.id, updatedAt: now })
      .where(
        and(
          inArray(cases.id, reportIds),
          isNull(cases.incidentId),
          notInArray(cases.status, [...FINAL_STATUSES]),
        ),
      )
      .returning({ id: cases.id, customerId: cases.customerId });
    await appendEvents(
      tx,
      linked.map((kase) => ({
        kind: 'case_incident_linked' as const,
        actor: agentActor(actor),
        subject: { kind: 'incident' as const, id: incident.id },
        caseId: kase.id,
        customerId: kase.customerId,
        after: { incidentId: incident.id, number: incident.number },
      })),
      now,
    );
    const [accepted] = await tx
      .update(incidentProposals)
      .set({
        status: 'aceptada',
        incidentId: incident.id,
        decidedBy: actor.agentId,
        decidedAt: now,
        updatedAt: now,
      })
      .where(eq(incidentProposals.id, proposal.id))
      .returning();
    await appendEvent(
      tx,
      {
        kind: 'incident_proposal_accepted',
        actor: agentActor(actor),
        subject: { kind: 'incident_proposal', id: proposal.id },
        after: {
          number: proposal.number,
          incidentId: incident.id,
          incidentNumber: incident.number,
          linked: linked.length,
        },
      },
      now,
    );
    const [presented] = await present(tx, [accepted as ProposalRow]);
    return { proposal: presented as NonNullable<typeof presented>, incident, linked: linked.length };
  });
  incidentsChanged();
  return result;
}

/** A supervisor dismisses a proposal, saying why; its zone proposes nothing for the settings' mute. */
export async function dismissProposal(deps: Deps, id: string, reason: string, actor: Actor) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const proposal = await lockPending(tx, id);
    const { settings } = await deps.settings.current(tx);
    const mutedUntil = new Date(now.getTime() + incidentSettings(settings).detection.muteMinutes * 60_000);
    const [dismissed] = await tx
      .update(incidentProposals)
      .set({ status: 'descartada', decidedBy: actor.agentId, decidedAt: now, mutedUntil, updatedAt: now })
      .where(eq(incidentProposals.id, proposal.id))
      .returning();
    await appendEvent(
      tx,
      {
        kind: 'incident_proposal_dismissed',
        actor: agentActor(actor),
        subject: { kind: 'incident_proposal', id: proposal.id },
        after: { number: proposal.number, zoneId: proposal.zoneId, mutedUntil: mutedUntil.toISOString() },
        note: reason,
      },
      now,
    );
    const [presented] = await present(tx, [dismissed as ProposalRow]);
    return presented as NonNullable<typeof presented>;
  });
}

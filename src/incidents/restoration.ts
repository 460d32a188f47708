import { and, eq, notInArray, sql } from 'drizzle-orm';
import { systemActor } from '../auth/system-rules.ts';
import { resolveFailures } from '../cases/case-status.ts';
import { OPEN_STATUSES } from '../cases/lifecycle.ts';
import { formatDateEs } from '../channels/templates.ts';
import type { AppContext } from '../context.ts';
import { queryRows, type Tx } from '../db/database.ts';
import { cases, events, incidents, incidentUpdates } from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import { MAX_OUTAGE_DAYS } from '../rights/compensation.ts';
import { compensationSentence } from '../rights/compensations.service.ts';
import { type BroadcastDeps, type Target, tellEach } from './broadcast.ts';
import { incidentSettings } from './incident-settings.ts';
import { failureStartOf } from './outage-intake.ts';

export const INCIDENT_RESTORATION_JOB = 'incident-restoration';

const MAX_OUTAGE_MS = MAX_OUTAGE_DAYS * 86_400_000;
const BATCH_CUSTOMERS = 250;
const PARALLEL_SHARES = 4;

/** Resolves the incident's reports once the caller's transaction (the change to restablecido) commits. */
export async function enqueueIncidentRestoration(
  deps: Pick<AppContext, 'jobs'>,
  tx: Tx,
  data: { incidentId: string; updateId: string },
) {
  await deps.jobs.enqueue(tx, INCIDENT_RESTORATION_JOB, data);
}

type Restored = typeof incidents.$inferSelect & { restoredAt: Date };

/** The reports the restoration answers: linked failures still open that arrived by the restoration. */
const answered = (incident: Restored) =>
  and(
    eq(cases.incidentId, incident.id),
    eq(cases.requestType, 'falla'),
    sql`${cases.status} in ${OPEN_STATUSES}`,
    sql`${cases.createdAt} <= ${incident.restoredAt.toISOString()}`,
  );

/**
 * An incident's restoration applied to its reports, in batches of customers each in one transaction: every
 * linked `falla` still open that arrived by the restoration is resolved as the system (the incident's
 * cause decides the cause code, so its compensation), with the instant service came back and, when the
 * outage began before the report, that start; each customer then hears once, with their folios and what
 * they are credited. A run that died halfway resumes with what is left. Reports that arrived after the
 * restoration stay open for an agent. If the incident fell again before this ran, nothing is resolved.
 */
export async function applyIncidentRestoration(
  deps: BroadcastDeps,
  data: { incidentId: string; updateId: string },
  batchCustomers = BATCH_CUSTOMERS,
): Promise<void> {
  // Each share of customers is its own sequence of batches: on PostgreSQL they run side by side on the
  // pool, none touching another's customers; PGlite has one connection, so one share.
  const shares = deps.database.kind === 'pglite' ? 1 : PARALLEL_SHARES;
  await Promise.all(
    Array.from({ length: shares }, (_, share) =>
      resolveShare(deps, data, batchCustomers, { share, of: shares }),
    ),
  );
  await recordApplied(deps, data);
}

async function resolveShare(
  deps: BroadcastDeps,
  data: { incidentId: string; updateId: string },
  batchCustomers: number,
  part: { share: number; of: number },
): Promise<void> {
  const actor = systemActor('resolucion_por_incidente');
  // Reports this rule cannot resolve (an outage longer than compensation can price) stay open for an
  // agent; remembered so the next batch does not take them again.
  const leftForAgents: string[] = [];
  for (;;) {
    const more = await deps.db.transaction(async (tx) => {
      const now = deps.clock.now();
      // Shared, as linking a case takes it: the incident before its cases, and no fall-again meanwhile.
      const [row] = await tx.select().from(incidents).where(eq(incidents.id, data.incidentId)).for('share');
      if (!row?.restoredAt) return false;
      const incident = row as Restored;
      const open = and(
        answered(incident),
        leftForAgents.length > 0 ? notInArray(cases.id, leftForAgents) : undefined,
      );
      const customers = await tx
        .selectDistinct({ customerId: cases.customerId })
        .from(cases)
        .where(and(open, sql`mod(abs(hashtext(${cases.customerId}::text)), ${part.of}) = ${part.share}`))
        .orderBy(cases.customerId)
        .limit(batchCustomers);
      if (customers.length === 0) return false;
      const batch = await tx
        .select()
        .from(cases)
        .where(and(open, sql`${cases.customerId} in ${customers.map((c) => c.customerId)}`))
        .orderBy(cases.customerId, cases.createdAt, cases.id)
        .for('update');
      const { settings } = await deps.settings.current(tx);
      const causeCode = incidentSettings(settings).causeCodes[incident.cause];
      // A cause code the provider's list lacks would refuse every resolution: the reports wait for agents.
      if (!settings.causeCodes.some((c) => c.code === causeCode)) return false;
      const resolving = batch.filter((kase) => {
        const start = kase.failureStartedAt ?? kase.createdAt;
        if (incident.restoredAt.getTime() - start.getTime() <= MAX_OUTAGE_MS) return true;
        leftForAgents.push(kase.id);
        return false;
      });
      const credits = await resolveFailures(
        deps,
        tx,
        settings,
        resolving.map((kase) => {
          const startedAt = failureStartOf(kase, incident.startedAt);
          return {
            kase,
            input: {
              status: 'resuelto' as const,
              causeCode,
              serviceRestoredAt: incident.restoredAt.toISOString(),
              ...(startedAt ? { failureStartedAt: startedAt.toISOString() } : {}),
            },
          };
        }),
        actor,
        now,
      );
      const told = new Map<string, { target: Target; folios: string[]; bonificacion: string }>();
      for (const kase of resolving) {
        const entry = told.get(kase.customerId);
        // The newest case carries the message; ordered by creation, the last one seen is it.
        const target: Target = {
          caseId: kase.id,
          customerId: kase.customerId,
          channel: kase.channel,
          requestType: kase.requestType,
          folio: kase.folio,
          customerName: null,
        };
        told.set(kase.customerId, {
          target,
          folios: [...(entry?.folios ?? []), kase.folio],
          bonificacion: (entry?.bonificacion ?? '') + compensationSentence(credits.get(kase.id), 'falla'),
        });
      }
      if (told.size === 0) return true;
      const names = await queryRows<{ id: string; name: string | null }>(
        tx,
        sql`select id, name from customers where id in ${[...told.keys()]}`,
      );
      const nameOf = new Map(names.map((n) => [n.id, n.name]));
      const fecha = formatDateEs(incident.restoredAt, settings.provider.timeZone);
      await tellEach(
        deps,
        tx,
        data.updateId,
        [...told.values()].map(({ target }) => ({
          ...target,
          customerName: nameOf.get(target.customerId) ?? null,
        })),
        'incidente_restablecido',
        (target) => {
          const entry = told.get(target.customerId);
          return {
            fecha,
            folio: entry?.folios.join(', ') ?? target.folio,
            bonificacion: entry?.bonificacion ?? '',
          };
        },
        now,
      );
      return true;
    });
    if (!more) break;
  }
}

/** The restoration's one event on the incident, with what it did; a second run adds none. */
async function recordApplied(deps: BroadcastDeps, data: { incidentId: string; updateId: string }) {
  await deps.db.transaction(async (tx) => {
    const [incident] = await tx
      .select()
      .from(incidents)
      .where(eq(incidents.id, data.incidentId))
      .for('update');
    const [update] = await tx.select().from(incidentUpdates).where(eq(incidentUpdates.id, data.updateId));
    if (!incident?.restoredAt || !update) return;
    const [already] = await tx
      .select({ id: events.id })
      .from(events)
      .where(
        and(
          eq(events.subjectKind, 'incident'),
          eq(events.subjectId, incident.id),
          eq(events.kind, 'incident_restoration_applied'),
          sql`${events.after}->>'updateId' = ${update.id}`,
        ),
      );
    if (already) return;
    const since = update.createdAt.toISOString();
    const [counts] = await queryRows<{ resolved: number; compensated: number; left_open: number }>(
      tx,
      sql`select
            (select count(*)::int from events e join cases c on c.id = e.case_id
              where c.incident_id = ${incident.id} and e.kind = 'status_changed'
                and e.actor_rule = 'resolucion_por_incidente' and e.created_at >= ${since}) as resolved,
            (select count(*)::int from compensations k join cases c on c.id = k.case_id
              where c.incident_id = ${incident.id} and k.kind = 'falla' and k.created_at >= ${since}) as compensated,
            (select count(*)::int from cases c
              where c.incident_id = ${incident.id} and c.status in ${OPEN_STATUSES}) as left_open`,
    );
    await appendEvent(
      tx,
      {
        kind: 'incident_restoration_applied',
        actor: systemActor('resolucion_por_incidente'),
        subject: { kind: 'incident', id: incident.id },
        after: {
          number: incident.number,
          updateId: update.id,
          restoredAt: incident.restoredAt.toISOString(),
          resolved: Number(counts?.resolved ?? 0),
          leftOpen: Number(counts?.left_open ?? 0),
          compensated: Number(counts?.compensated ?? 0),
        },
      },
      deps.clock.now(),
    );
  });
}

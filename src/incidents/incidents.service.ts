import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import { assertMayChange } from '../cases/access.ts';
import { lockCase } from '../cases/case-context.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { cases, incidents, incidentUpdates, incidentZones, zones } from '../db/schema.ts';
import type { IncidentCause, IncidentStatus } from '../domain/vocabulary.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { enqueueIncidentBroadcast } from './broadcast.ts';
import { assertEta, assertIncidentTransition, assertRestoration, assertStart } from './incident-lifecycle.ts';
import { enqueueIncidentRestoration } from './restoration.ts';
import { incidentsChanged } from './status.snapshot.ts';
import { zoneAndAncestors } from './zones.ts';

type Deps = Pick<AppContext, 'db' | 'clock'>;
type IncidentRow = typeof incidents.$inferSelect;

export interface DeclareIncidentInput {
  zoneIds: number[];
  cause: IncidentCause;
  publicText: string;
  startedAt?: string | undefined;
  eta?: string | null | undefined;
}

export interface UpdateIncidentInput {
  text?: string | undefined;
  eta?: string | null | undefined;
  status?: IncidentStatus | undefined;
  restoredAt?: string | undefined;
}

const iso = (at: Date | null) => at?.toISOString() ?? null;

async function zonesOf(tx: Tx, incidentIds: string[]) {
  if (incidentIds.length === 0) return new Map<string, Array<{ id: number; code: string; name: string }>>();
  const rows = await tx
    .select({ incidentId: incidentZones.incidentId, id: zones.id, code: zones.code, name: zones.name })
    .from(incidentZones)
    .innerJoin(zones, eq(zones.id, incidentZones.zoneId))
    .where(inArray(incidentZones.incidentId, incidentIds))
    .orderBy(asc(zones.name));
  const byIncident = new Map<string, Array<{ id: number; code: string; name: string }>>();
  for (const { incidentId, ...zone } of rows)
    byIncident.set(incidentId, [...(byIncident.get(incidentId) ?? []), zone]);
  return byIncident;
}

function presentIncident(row: IncidentRow, declaredZones: Array<{ id: number; code: string; name: string }>) {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    cause: row.cause,
    publicText: row.publicText,
    startedAt: row.startedAt.toISOString(),
    eta: iso(row.eta),
    restoredAt: iso(row.restoredAt),
    closedAt: iso(row.closedAt),
    declaredBy: row.declaredBy,
    zones: declaredZones,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function lockIncident(tx: Tx, id: string, mode: 'update' | 'share'): Promise<IncidentRow> {
  const [row] = await tx.select().from(incidents).where(eq(incidents.id, id)).for(mode);
  if (!row) throw new AppError('incident.not_found', { status: 404, detail: 'No such incident' });
  return row;
}

function assertNotClosed(row: IncidentRow) {
  if (row.status === 'cerrado') {
    throw new AppError('incident.closed', { status: 409, detail: `Incident ${row.number} is closed` });
  }
}

/**
 * A supervisor declares an outage over some zones (each including the zones below it), with what
 * customers read, its cause, when it began and, if known, when service should be back. Its first update
 * row holds the declared text, so the history customers see starts there.
 */
export async function declareIncident(
  deps: Deps & Pick<AppContext, 'jobs'>,
  input: DeclareIncidentInput,
  actor: Actor,
) {
  const result = await deps.db.transaction((tx) => declareIncidentIn(deps, tx, input, actor));
  incidentsChanged();
  return result;
}

/**
 * `declareIncident` inside the caller's transaction, for callers that do more in the same one (accepting
 * a proposal links its reports). The caller calls `incidentsChanged()` after commit.
 */
export async function declareIncidentIn(
  deps: Deps & Pick<AppContext, 'jobs'>,
  tx: Tx,
  input: DeclareIncidentInput,
  actor: Actor,
) {
  const now = deps.clock.now();
  const startedAt = input.startedAt ? new Date(input.startedAt) : now;
  const eta = input.eta ? new Date(input.eta) : null;
  assertStart(startedAt, now);
  if (eta) assertEta(eta, startedAt, now);
  const zoneIds = [...new Set(input.zoneIds)];
  const known = await tx.select({ id: zones.id }).from(zones).where(inArray(zones.id, zoneIds));
  const missing = zoneIds.filter((id) => !known.some((z) => z.id === id));
  if (missing.length > 0) {
    throw new AppError('incident.unknown_zone', {
      status: 422,
      field: 'zoneIds',
      detail: `No zone ${missing.join(', ')}`,
      extra: { zoneIds: missing },
    });
  }
  const [row] = await tx
    .insert(incidents)
    .values({
      status: 'abierto',
      cause: input.cause,
      publicText: input.publicText,
      startedAt,
      eta,
      declaredBy: actor.agentId,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  const incident = row as IncidentRow;
  await tx.insert(incidentZones).values(zoneIds.map((zoneId) => ({ incidentId: incident.id, zoneId })));
  const [first] = await tx
    .insert(incidentUpdates)
    .values({
      incidentId: incident.id,
      status: 'abierto',
      publicText: input.publicText,
      eta,
      actorAgentId: actor.agentId,
      createdAt: now,
    })
    .returning({ id: incidentUpdates.id });
  // Reports linked in this same transaction (a proposal accepted) hear of the incident too.
  await enqueueIncidentBroadcast(deps, tx, (first as { id: string }).id);
  await appendEvent(
    tx,
    {
      kind: 'incident_declared',
      actor: agentActor(actor),
      subject: { kind: 'incident', id: incident.id },
      after: {
        number: incident.number,
        status: 'abierto',
        cause: input.cause,
        zoneIds,
        startedAt: startedAt.toISOString(),
        eta: iso(eta),
      },
    },
    now,
  );
  return presentIncident(incident, (await zonesOf(tx, [incident.id])).get(incident.id) ?? []);
}

/** Incidents in force first (newest start first), then the closed ones; by status, or covering a zone. */
export async function listIncidents(
  deps: Deps,
  query: { status?: IncidentStatus | undefined; zoneId?: number | undefined },
) {
  const conditions = [];
  if (query.status) conditions.push(eq(incidents.status, query.status));
  if (query.zoneId !== undefined) {
    const covering = await zoneAndAncestors(deps.db, query.zoneId);
    if (covering.length === 0) return [];
    conditions.push(
      inArray(
        incidents.id,
        deps.db
          .select({ id: incidentZones.incidentId })
          .from(incidentZones)
          .where(inArray(incidentZones.zoneId, covering)),
      ),
    );
  }
  const rows = await deps.db
    .select()
    .from(incidents)
    .where(and(...conditions))
    .orderBy(
      sql`case when ${incidents.status} = 'cerrado' then 1 else 0 end`,
      desc(incidents.startedAt),
      desc(incidents.number),
    )
    .limit(200);
  const declared = await zonesOf(
    deps.db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => presentIncident(row, declared.get(row.id) ?? []));
}

async function detailOf(tx: Tx, row: IncidentRow) {
  const updates = await tx
    .select()
    .from(incidentUpdates)
    .where(eq(incidentUpdates.incidentId, row.id))
    .orderBy(asc(incidentUpdates.createdAt), asc(incidentUpdates.id));
  const declared = await zonesOf(tx, [row.id]);
  const [linked] = await tx.select({ n: count() }).from(cases).where(eq(cases.incidentId, row.id));
  return {
    ...presentIncident(row, declared.get(row.id) ?? []),
    updates: updates.map((u) => ({
      id: u.id,
      status: u.status,
      text: u.publicText,
      eta: iso(u.eta),
      actorAgentId: u.actorAgentId,
      at: u.createdAt.toISOString(),
    })),
    linkedCases: Number(linked?.n ?? 0),
  };
}

/** An incident with its zones, its updates (oldest first) and how many cases are linked to it. */
export async function incidentDetail(deps: Deps, id: string) {
  const [row] = await deps.db.select().from(incidents).where(eq(incidents.id, id));
  if (!row) throw new AppError('incident.not_found', { status: 404, detail: 'No such incident' });
  return detailOf(deps.db, row);
}

/**
 * News on an incident: a text for customers, a new ETA, a status change, or any of them together. The
 * incident is locked, so two supervisors' changes apply one after the other, each checked against what
 * the other left. Restoring records when service came back (now unless said); falling again forgets it.
 */
export async function updateIncident(
  deps: Deps & Pick<AppContext, 'jobs'>,
  id: string,
  input: UpdateIncidentInput,
  actor: Actor,
) {
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    const row = await lockIncident(tx, id, 'update');
    assertNotClosed(row);
    const status = input.status ?? row.status;
    const statusChanges = status !== row.status;
    if (statusChanges) assertIncidentTransition(row.status, status);
    if (input.restoredAt !== undefined && !(statusChanges && status === 'restablecido')) {
      throw new AppError('incident.restored_at_without_restoration', {
        status: 422,
        field: 'restoredAt',
        detail: 'A restoration instant goes only with the change to restablecido',
      });
    }
    const eta = input.eta === undefined ? row.eta : input.eta === null ? null : new Date(input.eta);
    const etaChanges = (eta?.getTime() ?? null) !== (row.eta?.getTime() ?? null);
    if (input.text === undefined && !statusChanges && !etaChanges) {
      throw new AppError('incident.nothing_to_update', {
        status: 422,
        detail: 'Send a text, a new ETA or a new status',
      });
    }
    if (eta && etaChanges) assertEta(eta, row.startedAt, now);
    let restoredAt = row.restoredAt;
    if (statusChanges && status === 'restablecido') {
      restoredAt = input.restoredAt ? new Date(input.restoredAt) : now;
      assertRestoration(restoredAt, row.startedAt, now);
    }
    if (statusChanges && status === 'en_reparacion') restoredAt = null;
    const closedAt = status === 'cerrado' ? now : row.closedAt;
    const [updated] = await tx
      .update(incidents)
      .set({ status, eta, restoredAt, closedAt, updatedAt: now })
      .where(eq(incidents.id, row.id))
      .returning();
    const [news] = await tx
      .insert(incidentUpdates)
      .values({
        incidentId: row.id,
        status,
        publicText: input.text ?? '',
        eta,
        actorAgentId: actor.agentId,
        createdAt: now,
      })
      .returning({ id: incidentUpdates.id });
    const updateId = (news as { id: string }).id;
    // The restoration's message goes with the resolution of each customer's reports, not as a broadcast.
    if (statusChanges && status === 'restablecido') {
      await enqueueIncidentRestoration(deps, tx, { incidentId: row.id, updateId });
    } else {
      await enqueueIncidentBroadcast(deps, tx, updateId);
    }
    await appendEvent(
      tx,
      {
        kind: 'incident_updated',
        actor: agentActor(actor),
        subject: { kind: 'incident', id: row.id },
        before: { status: row.status, eta: iso(row.eta), restoredAt: iso(row.restoredAt) },
        after: {
          number: row.number,
          status,
          eta: iso(eta),
          restoredAt: iso(restoredAt),
          text: input.text !== undefined,
        },
      },
      now,
    );
    return detailOf(tx, updated as IncidentRow);
  });
  incidentsChanged();
  return result;
}

const caseIncident = (row: IncidentRow | undefined) =>
  row ? { id: row.id, number: row.number, status: row.status, eta: iso(row.eta) } : null;

/** The incident a case is linked to, as the case page shows it. */
export async function incidentOfCase(tx: Tx, incidentId: string | null) {
  if (!incidentId) return null;
  const [row] = await tx.select().from(incidents).where(eq(incidents.id, incidentId));
  return caseIncident(row);
}

/**
 * An agent who may change the case links it to an incident in force (one not closed), moving it from
 * another incident if it was linked to one. The incident is locked before the case, the order the later
 * bulk resolution of an incident's cases takes too.
 */
export async function linkCase(deps: Deps, folio: string, incidentId: string, actor: Actor) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, incidentId, 'share');
    assertNotClosed(incident);
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    if (kase.incidentId === incident.id) return { incident: caseIncident(incident) };
    if (kase.incidentId) {
      await appendEvent(
        tx,
        {
          kind: 'case_incident_unlinked',
          actor: agentActor(actor),
          subject: { kind: 'incident', id: kase.incidentId },
          caseId: kase.id,
          customerId: kase.customerId,
          before: { incidentId: kase.incidentId, number: await numberOf(tx, kase.incidentId) },
          reason: 'moved',
        },
        now,
      );
    }
    await tx.update(cases).set({ incidentId: incident.id, updatedAt: now }).where(eq(cases.id, kase.id));
    await appendEvent(
      tx,
      {
        kind: 'case_incident_linked',
        actor: agentActor(actor),
        subject: { kind: 'incident', id: incident.id },
        caseId: kase.id,
        customerId: kase.customerId,
        after: { incidentId: incident.id, number: incident.number },
      },
      now,
    );
    return { incident: caseIncident(incident) };
  });
}

async function numberOf(tx: Tx, incidentId: string) {
  const [row] = await tx
    .select({ number: incidents.number })
    .from(incidents)
    .where(eq(incidents.id, incidentId));
  return row?.number ?? null;
}

/** An agent who may change the case takes it off its incident; a case on none is left as it is. */
export async function unlinkCase(deps: Deps, folio: string, actor: Actor) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    if (!kase.incidentId) return { incident: null };
    await tx.update(cases).set({ incidentId: null, updatedAt: now }).where(eq(cases.id, kase.id));
    await appendEvent(
      tx,
      {
        kind: 'case_incident_unlinked',
        actor: agentActor(actor),
        subject: { kind: 'incident', id: kase.incidentId },
        caseId: kase.id,
        customerId: kase.customerId,
        before: { incidentId: kase.incidentId, number: await numberOf(tx, kase.incidentId) },
      },
      now,
    );
    return { incident: null };
  });
}

import { and, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import type { CaseDeps, CaseRow } from '../cases/case-context.ts';
import { FINAL_STATUSES } from '../cases/lifecycle.ts';
import type { TemplateValues } from '../channels/templates.ts';
import { formatDateEs } from '../channels/templates.ts';
import { queryRows, type Tx } from '../db/database.ts';
import { cases, incidents } from '../db/schema.ts';
import type { IncidentStatus } from '../domain/vocabulary.ts';
import type { NewEvent } from '../events/events.service.ts';
import { MAX_OUTAGE_DAYS } from '../rights/compensation.ts';
import { noteFailureReport } from './detection.ts';
import { STATUS_WORDS } from './status-page.ts';

const IN_FORCE: readonly IncidentStatus[] = ['abierto', 'en_reparacion'];
const MAX_OUTAGE_MS = MAX_OUTAGE_DAYS * 86_400_000;

/** The incident a new case was linked to, as its acknowledgement tells the customer. */
export interface OutageLink {
  incidentId: string;
  number: number;
  status: IncidentStatus;
  eta: Date | null;
  /** The affected zone the customer knows: their service's, or the one they named. */
  zoneName: string;
  /**
   * Placed by the services of an account holder the sender only named (a portal claim): the sender is
   * told nothing of it, not even that there is an outage, since that would say where the holder lives.
   */
  claimed: boolean;
}

/** What opening a case learned of outages: the link made, or the zone of a failure no incident covers. */
export interface OutageAtOpening {
  link?: OutageLink;
  /** The `case_incident_linked` event, written with the case's own events. */
  event?: NewEvent;
  /** A failure outside any incident, from a service in this zone: a signal for detection. */
  unlinkedFailureZoneId?: number;
}

interface IncidentHit {
  incident_id: string | null;
  number: number | null;
  incident_status: IncidentStatus | null;
  started_at: Date | string | null;
  eta: Date | string | null;
}

const toDate = (value: Date | string | null) => (value === null ? null : new Date(value));

/**
 * When a linked report's failure began: the incident's start when that is earlier than the report and
 * within the bound `nextFailureTimes` keeps (else the report itself, or what an agent already recorded).
 */
export function failureStartOf(
  kase: { createdAt: Date; failureStartedAt: Date | null },
  incidentStartedAt: Date,
): Date | null {
  if (kase.failureStartedAt) return kase.failureStartedAt;
  const before = kase.createdAt.getTime() - incidentStartedAt.getTime();
  return before > 0 && before <= MAX_OUTAGE_MS ? incidentStartedAt : null;
}

/** Lower case, no accents, words separated by single spaces: how names are compared with what people write. */
const words = (text: string) =>
  ` ${text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;

/**
 * The zone a message names, by its name or its code as whole words, whatever the case and accents
 * ("col centro", "COL. CENTRO", "nte-cen"). When several match, the longest name wins: "Centro Norte"
 * over "Centro".
 */
export function zoneNamedIn<Z extends { code: string; name: string }>(
  text: string,
  zones: readonly Z[],
): Z | undefined {
  const said = words(text);
  let best: { zone: Z; length: number } | undefined;
  for (const zone of zones) {
    for (const label of [zone.name, zone.code]) {
      const wanted = words(label);
      if (wanted.trim() === '' || !said.includes(wanted)) continue;
      if (!best || wanted.length > best.length) best = { zone, length: wanted.length };
    }
  }
  return best?.zone;
}

/**
 * The customer's services (the named one only, when the case names one) with, for each not cancelled,
 * the incident in force declared on its zone or a zone above it (the earliest begun). One statement: a
 * crowd reports at once when an outage hits, and each report pays for this.
 */
async function servicesWithIncident(tx: Tx, customerId: string, serviceId: string | null) {
  return queryRows<
    IncidentHit & {
      service_id: string;
      zone_id: number | null;
      service_status: string;
      zone_name: string | null;
    }
  >(
    tx,
    sql`with recursive svc as (
          select id, zone_id, status from services
          where customer_id = ${customerId} ${serviceId ? sql`and id = ${serviceId}` : sql``}
        ),
        up(service_id, zone_id) as (
          select id, zone_id from svc where zone_id is not null and status <> 'cancelado'
          union
          select up.service_id, z.parent_id from up join zones z on z.id = up.zone_id
          where z.parent_id is not null
        )
        select svc.id as service_id, svc.zone_id, svc.status as service_status, z.name as zone_name,
          hit.id as incident_id, hit.number, hit.status as incident_status, hit.started_at, hit.eta
        from svc
        left join zones z on z.id = svc.zone_id
        left join lateral (
          select i.id, i.number, i.status, i.started_at, i.eta
          from up
          join incident_zones iz on iz.zone_id = up.zone_id
          join incidents i on i.id = iz.incident_id
          where up.service_id = svc.id and i.status in ('abierto', 'en_reparacion')
          order by i.started_at, i.number
          limit 1
        ) hit on true
        order by svc.id`,
  );
}

/**
 * The zones incidents in force cover (declared ones and every zone below), for a sender with no service
 * at all (or not on file: `null`); nothing for anyone else, so a known customer's message costs one
 * indexed look.
 */
async function coveredZonesForProspect(tx: Tx, customerId: string | null) {
  return queryRows<IncidentHit & { zone_id: number; code: string; name: string }>(
    tx,
    sql`with recursive covered(zone_id, incident_id) as (
          select iz.zone_id, iz.incident_id
          from incidents i join incident_zones iz on iz.incident_id = i.id
          where i.status in ('abierto', 'en_reparacion')
            ${customerId ? sql`and not exists (select 1 from services s where s.customer_id = ${customerId})` : sql``}
          union
          select z.id, c.incident_id from zones z join covered c on z.parent_id = c.zone_id
        )
        select c.zone_id, z.code, z.name, i.id as incident_id, i.number, i.status as incident_status,
          i.started_at, i.eta
        from covered c
        join zones z on z.id = c.zone_id
        join incidents i on i.id = c.incident_id
        order by i.started_at, i.number, z.id`,
  );
}

/**
 * Whether a sender's message is one an outage in force explains, as {@link outageAtOpening} would see
 * it: the customer (`undefined`: not on file) has a service not cancelled in a zone an incident covers,
 * or has no service and the text names such a zone. The self-service menu leaves these to the case path
 * so that a report during an outage is linked, not held up by a menu.
 */
export async function outageConcerns(tx: Tx, customerId: string | undefined, text: string): Promise<boolean> {
  if (customerId) {
    const rows = await servicesWithIncident(tx, customerId, null);
    if (rows.some((r) => r.service_status !== 'cancelado' && r.incident_id !== null)) return true;
    if (rows.length > 0) return false;
  }
  const zones = await coveredZonesForProspect(tx, customerId ?? null);
  return zones.length > 0 && zoneNamedIn(text, zones) !== undefined;
}

/**
 * Links a case being opened to the outage it is about, before it is written (the case row is changed in
 * place): a `falla` from a service in a zone an incident in force covers — the named service, else the
 * customer's services not cancelled, else those of the account holder a portal request named —, or any
 * request from a sender with no service that names such a zone. A failure then counts from the incident's start when that is earlier than the report, within the
 * same bound `nextFailureTimes` keeps. A failure left unlinked reports the zone of its service when
 * there is exactly one, so that detection can notice outages nobody declared.
 */
export async function outageAtOpening(tx: Tx, kase: CaseRow, text: string): Promise<OutageAtOpening> {
  let hit: (IncidentHit & { zoneName: string; reason: string }) | undefined;
  if (kase.requestType === 'falla') {
    let rows = await servicesWithIncident(tx, kase.customerId, kase.serviceId);
    // A portal request names an account holder it has not proved to be (an agent or a code confirms it
    // later): the holder's services place the report in its outage. The sender is told only the public
    // status; the service is recorded so the restoration compensates the holder, never the sender.
    const claimed = rows.length === 0 && kase.proposedCustomerId !== null;
    if (claimed && kase.proposedCustomerId) {
      rows = await servicesWithIncident(tx, kase.proposedCustomerId, null);
    }
    const live = rows.filter((r) => r.service_status !== 'cancelado');
    const covered = live.filter((r) => r.incident_id !== null);
    const first = covered.sort(
      (a, b) => (toDate(a.started_at)?.getTime() ?? 0) - (toDate(b.started_at)?.getTime() ?? 0),
    )[0];
    if (first) {
      if (!kase.serviceId && covered.length === 1) kase.serviceId = first.service_id;
      hit = {
        ...first,
        zoneName: first.zone_name ?? '',
        reason: claimed ? 'claimed_service_zone' : 'service_zone',
      };
    } else if (rows.length > 0) {
      const only = live.length === 1 ? live[0] : undefined;
      if (!only || only.zone_id == null) return {};
      // The report is about the customer's one service: recorded, detection counts it in that zone. A
      // claim names someone else's, which stays off the case until an agent or a code confirms it.
      if (claimed) return {};
      kase.serviceId ??= only.service_id;
      return { unlinkedFailureZoneId: Number(only.zone_id) };
    }
  }
  if (!hit) {
    const zones = await coveredZonesForProspect(tx, kase.customerId);
    if (zones.length === 0) return {};
    const named = zoneNamedIn(text, zones);
    if (!named) return {};
    hit = { ...named, zoneName: named.name, reason: 'named_zone' };
  }
  const startedAt = toDate(hit.started_at) as Date;
  const link: OutageLink = {
    incidentId: hit.incident_id as string,
    number: Number(hit.number),
    status: hit.incident_status as IncidentStatus,
    eta: toDate(hit.eta),
    zoneName: hit.zoneName,
    claimed: hit.reason === 'claimed_service_zone',
  };
  const actor = systemActor('vinculo_por_incidente');
  assertSystemMay(actor, { kind: 'case.link_incident' });
  kase.incidentId = link.incidentId;
  if (kase.requestType === 'falla') kase.failureStartedAt = failureStartOf(kase, startedAt);
  return {
    link,
    event: {
      kind: 'case_incident_linked',
      actor,
      subject: { kind: 'incident', id: link.incidentId },
      caseId: kase.id,
      customerId: kase.customerId,
      after: {
        incidentId: link.incidentId,
        number: link.number,
        ...(kase.serviceId ? { serviceId: kase.serviceId } : {}),
        ...(kase.failureStartedAt ? { failureStartedAt: kase.failureStartedAt.toISOString() } : {}),
      },
      reason: hit.reason,
    },
  };
}

/** What follows the case's insert: the unlinked failure handed to detection. */
export async function afterOpening(
  deps: CaseDeps,
  tx: Tx,
  kase: CaseRow,
  outage: OutageAtOpening,
): Promise<void> {
  if (outage.unlinkedFailureZoneId === undefined) return;
  await noteFailureReport(deps, tx, {
    caseId: kase.id,
    zoneId: outage.unlinkedFailureZoneId,
    at: kase.createdAt,
  });
}

/**
 * The customer's open case on an incident still in force, which their next message joins whatever the
 * channel: one outage, one case. Locked like a thread, since the message is added to it.
 */
export async function openOutageCaseOf(tx: Tx, customerId: string): Promise<CaseRow | undefined> {
  const [row] = await tx
    .select({ kase: cases })
    .from(cases)
    .innerJoin(incidents, eq(incidents.id, cases.incidentId))
    .where(
      and(
        eq(cases.customerId, customerId),
        notInArray(cases.status, [...FINAL_STATUSES]),
        inArray(incidents.status, [...IN_FORCE]),
      ),
    )
    .orderBy(desc(cases.createdAt))
    .limit(1)
    .for('update', { of: cases });
  return row?.kase;
}

/**
 * The values `acuse_incidente` names beyond every case's: the zone, the incident's status in words, its
 * ETA in the provider's time zone (or "por confirmar") and the public status page. Nothing in them is
 * about the customer, so an unverified sender gets them too.
 */
export function outageNoticeValues(link: OutageLink, timeZone: string, publicUrl: string): TemplateValues {
  return {
    zona: link.zoneName,
    incidente: STATUS_WORDS[link.status].toLowerCase(),
    eta: link.eta ? formatDateEs(link.eta, timeZone) : 'por confirmar',
    estado_url: `${publicUrl.replace(/\/+$/, '')}/estado`,
  };
}

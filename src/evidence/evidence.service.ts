import { asc, eq, inArray } from 'drizzle-orm';
import { formatMxn } from '../accounts/money.ts';
import { agentAreaIds } from '../agents/agents.service.ts';
import type { Actor } from '../auth/actor.ts';
import { parseFolio } from '../cases/folio.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { agents, areas, cases, compensations, customers, deadlines, incidents } from '../db/schema.ts';
import { agentActor, appendEvent, caseEvents, presentEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { exchangedMessages } from '../privacy/access-export.ts';
import { businessMillisBetween } from '../sla/calendar.ts';
import type { CalendarSpecInput } from '../sla/calendar-spec.ts';
import { deadlineStatus } from '../sla/deadline-state.ts';
import { calendarFor } from '../sla/policies.ts';
import { eventSentence } from '../web/console/case/timeline-sentence.ts';
import { itemSha256, manifestSha256 } from './canonical-json.ts';
import { t } from './spanish.ts';

export type EvidenceDeps = Pick<AppContext, 'db' | 'settings' | 'clock'>;

/** What the pack holds, one kind per section, in the order the sections are printed. */
export const EVIDENCE_ITEM_KINDS = [
  'cliente',
  'caso',
  'incidente',
  'evento',
  'mensaje',
  'adjunto',
  'plazo',
  'compensacion',
] as const;
export type EvidenceItemKind = (typeof EVIDENCE_ITEM_KINDS)[number];
export const EVIDENCE_FORMATS = ['json', 'pdf'] as const;
export type EvidenceFormat = (typeof EVIDENCE_FORMATS)[number];

export interface EvidenceItem {
  kind: EvidenceItemKind;
  id: string;
  at: string;
  data: Record<string, unknown>;
  sha256: string;
}

export interface Evidence {
  folio: string;
  provider: { name: string; legalName: string };
  generatedAt: string;
  /** Internal notes are the provider's working notes between agents: the authority's pack leaves them out. */
  internalNotesExcluded: true;
  items: EvidenceItem[];
  manifestSha256: string;
}

const iso = (at: Date | null) => (at ? at.toISOString() : null);
const money = (centavos: number | null) => (centavos === null ? null : formatMxn(centavos));

/**
 * A supervisor of the case's area, or an admin: the pack carries everything the provider said and did on
 * the case, so it is theirs to hand over. 404 before 403, as every case route answers an unknown folio.
 */
export async function caseForEvidence(tx: Tx, folio: string, actor: Actor) {
  const parsed = parseFolio(folio);
  const [row] = await tx
    .select({ id: cases.id, areaId: cases.areaId, customerId: cases.customerId, folio: cases.folio })
    .from(cases)
    .where(eq(cases.folio, parsed.folio));
  if (!row)
    throw new AppError('case.not_found', { status: 404, detail: `No case with folio ${parsed.folio}` });
  if (actor.role === 'admin') return row;
  if (actor.role !== 'supervisor' || !(await agentAreaIds(tx, actor.agentId)).includes(row.areaId)) {
    throw new AppError('evidence.forbidden', {
      status: 403,
      detail: "Only a supervisor of the case's area or an admin may export its file",
    });
  }
  return row;
}

/**
 * The file of one case as the provider hands it to PROFECO in a conciliation: the customer's
 * identification, the case, its incident, the timeline with its sentences, the messages both ways,
 * attachments, deadlines and their compliance, compensations with their formula. Each item is hashed
 * over its canonical JSON and the manifest over the item hashes, so a copy can be checked item by item.
 * Only this case's customer is named: ids of anyone else on its events stay out.
 */
export async function buildEvidence(deps: EvidenceDeps, caseId: string): Promise<Evidence> {
  const db = deps.db;
  const now = deps.clock.now();
  const { settings } = await deps.settings.current(db);
  const [kase] = await db.select().from(cases).where(eq(cases.id, caseId));
  if (!kase) throw new AppError('case.not_found', { status: 404, detail: 'No such case' });

  const [customer] = await db
    .select({ id: customers.id, name: customers.name, accountNumber: customers.accountNumber })
    .from(customers)
    .where(eq(customers.id, kase.customerId));
  const [incident] = kase.incidentId
    ? await db.select().from(incidents).where(eq(incidents.id, kase.incidentId))
    : [];
  const { messageRows, files } = await exchangedMessages(db, [caseId]);
  const eventRows = (await caseEvents(db, caseId))
    .map(presentEvent)
    // An internal note's own event says no more than that a note was written: it goes with the note.
    .filter((e) => !(e.kind === 'message_added' && e.after?.kind === 'nota_interna'));
  const compensationRows = await db
    .select()
    .from(compensations)
    .where(eq(compensations.caseId, caseId))
    .orderBy(asc(compensations.createdAt), asc(compensations.id));
  const clockRows = await db
    .select()
    .from(deadlines)
    .where(inArray(deadlines.subjectId, [caseId, ...compensationRows.map((c) => c.id)]))
    .orderBy(asc(deadlines.startedAt), asc(deadlines.dueAt), asc(deadlines.id));
  const ownClocks = clockRows.filter(
    (d) =>
      (d.subjectKind === 'case' && d.subjectId === caseId) ||
      (d.subjectKind === 'compensation' && compensationRows.some((c) => c.id === d.subjectId)),
  );

  const agentIds = [
    ...new Set(
      [
        ...eventRows.flatMap((e) => [e.actorAgentId, e.before?.assigneeId, e.after?.assigneeId]),
        ...messageRows.map((m) => m.authorAgentId),
      ].filter((id): id is string => typeof id === 'string'),
    ),
  ];
  const agentNames = new Map(
    agentIds.length
      ? (
          await db
            .select({ id: agents.id, name: agents.name })
            .from(agents)
            .where(inArray(agents.id, agentIds))
        ).map((a) => [a.id, a.name])
      : [],
  );
  const areaNames = new Map(
    (await db.select({ id: areas.id, name: areas.name }).from(areas)).map((a) => [a.id, a.name]),
  );
  const agentName = (id: unknown) =>
    (typeof id === 'string' && agentNames.get(id)) || t('timeline.agentUnknown');
  const actorName = (kind: string, agentId: string | null) => {
    if (kind === 'agente') return agentName(agentId);
    if (kind === 'cliente') return customer?.name ?? t('timeline.customer');
    if (kind === 'representante') return t('timeline.representative');
    return t('timeline.system');
  };
  const channel = t(`common:channel.${kase.channel}`);

  const items: Array<Omit<EvidenceItem, 'sha256'>> = [];
  if (customer) {
    items.push({
      kind: 'cliente',
      id: customer.id,
      at: kase.createdAt.toISOString(),
      data: { name: customer.name, accountNumber: customer.accountNumber },
    });
  }
  items.push({
    kind: 'caso',
    id: kase.id,
    at: kase.createdAt.toISOString(),
    data: {
      folio: kase.folio,
      requestType: kase.requestType,
      subtype: kase.subtype,
      channel: kase.channel,
      raisedBy: kase.raisedBy,
      status: kase.status,
      priority: kase.priority,
      subject: kase.subject,
      area: areaNames.get(kase.areaId) ?? null,
      causeCode: kase.causeCode,
      createdAt: kase.createdAt.toISOString(),
      resolvedAt: iso(kase.resolvedAt),
      closedAt: iso(kase.closedAt),
      failureStartedAt: iso(kase.failureStartedAt),
      serviceRestoredAt: iso(kase.serviceRestoredAt),
    },
  });
  if (incident) {
    items.push({
      kind: 'incidente',
      id: incident.id,
      at: incident.startedAt.toISOString(),
      data: {
        number: incident.number,
        status: incident.status,
        cause: incident.cause,
        publicText: incident.publicText,
        startedAt: incident.startedAt.toISOString(),
        eta: iso(incident.eta),
        restoredAt: iso(incident.restoredAt),
        closedAt: iso(incident.closedAt),
      },
    });
  }
  for (const e of eventRows) {
    const actor = actorName(e.actorKind, e.actorAgentId);
    const sentence =
      eventSentence(e, {
        t,
        actor,
        agentName,
        areaName: (id) => (typeof id === 'number' && areaNames.get(id)) || String(id ?? ''),
        channel,
      }) ?? t('timeline.sentence.other', { actor, kind: e.kind });
    // A change of customer names the record the case left or joined: another person's id, not theirs to see.
    const values = e.kind === 'customer_changed' ? {} : { before: e.before, after: e.after };
    items.push({
      kind: 'evento',
      id: String(e.id),
      at: e.at,
      data: {
        kind: e.kind,
        sentence,
        actorKind: e.actorKind,
        actor,
        reason: e.reason,
        note: e.note,
        noteErased: e.noteErased,
        ...values,
      },
    });
  }
  for (const m of messageRows) {
    items.push({
      kind: 'mensaje',
      id: m.id,
      at: m.createdAt.toISOString(),
      data: {
        direction: m.kind,
        channel: m.channel,
        author:
          m.kind === 'entrante'
            ? // On a case a representative raised, what comes in on its channel is theirs.
              actorName(
                kase.raisedBy === 'representante' && m.channel === kase.channel ? 'representante' : 'cliente',
                null,
              )
            : m.authorAgentId
              ? agentName(m.authorAgentId)
              : t('timeline.system'),
        body: m.body,
        deliveryStatus: m.deliveryStatus,
        attachments: files.filter((f) => f.messageId === m.id).map((f) => f.sha256),
      },
    });
  }
  const messageAt = new Map(messageRows.map((m) => [m.id, m.createdAt.toISOString()]));
  for (const f of files) {
    items.push({
      kind: 'adjunto',
      id: `${f.messageId}/${f.position}`,
      at: messageAt.get(f.messageId) ?? kase.createdAt.toISOString(),
      data: {
        filename: f.filename,
        contentType: f.contentType,
        size: f.size,
        sha256: f.sha256,
        messageId: f.messageId,
      },
    });
  }
  const warnAt = settings.deadlines.warnAt;
  for (const d of ownClocks) {
    const calendar = calendarFor(d.calendar as CalendarSpecInput);
    const status = d.cancelledAt
      ? null
      : deadlineStatus(
          calendar,
          {
            startedAt: d.startedAt,
            dueAt: d.dueAt,
            pausedAt: d.pausedAt,
            pausedMs: d.pausedMs,
            metAt: d.metAt,
          },
          now,
          warnAt,
        );
    // The pause in progress has not pushed the due date yet; the pack counts it up to now.
    const pausing = d.pausedAt
      ? Math.max(0, businessMillisBetween(calendar, d.pausedAt.getTime(), now.getTime()))
      : 0;
    items.push({
      kind: 'plazo',
      id: d.id,
      at: d.startedAt.toISOString(),
      data: {
        subject: d.subjectKind,
        kind: d.kind,
        target: d.target,
        source: d.source,
        pausable: d.pausable,
        startedAt: d.startedAt.toISOString(),
        dueAt: d.dueAt.toISOString(),
        metAt: iso(d.metAt),
        breachedAt: iso(d.breachedAt),
        cancelledAt: iso(d.cancelledAt),
        pausedAt: iso(d.pausedAt),
        pauses: d.pauses,
        pausedMs: d.pausedMs + pausing,
        state: status?.state ?? null,
        lateByMs: status?.lateByMs ?? null,
      },
    });
  }
  for (const c of compensationRows) {
    items.push({
      kind: 'compensacion',
      id: c.id,
      at: c.createdAt.toISOString(),
      data: {
        kind: c.kind,
        status: c.status,
        explanation: c.explanation,
        formula: c.formula,
        computedCentavos: c.computedCentavos,
        creditCentavos: c.computedCentavos - c.refundCentavos - c.bonusCentavos,
        refundCentavos: c.refundCentavos,
        bonusCentavos: c.bonusCentavos,
        appliedCentavos: c.status === 'aplicada' ? c.appliedCentavos : null,
        computed: money(c.computedCentavos),
        applied: c.status === 'aplicada' ? money(c.appliedCentavos) : null,
        effectiveDate: c.effectiveDate,
        decidedAt: iso(c.decidedAt),
        refundedAt: iso(c.refundedAt),
      },
    });
  }

  const hashed = items.map((item) => ({ ...item, sha256: itemSha256(item) }));
  return {
    folio: kase.folio,
    provider: { name: settings.provider.name, legalName: settings.provider.legalName },
    generatedAt: now.toISOString(),
    internalNotesExcluded: true,
    items: hashed,
    manifestSha256: manifestSha256(hashed.map((i) => i.sha256)),
  };
}

/** The export is itself on the record: who took the file, in which format, and which manifest it had. */
export async function recordEvidenceExported(
  db: Tx,
  input: {
    actor: Actor;
    caseId: string;
    customerId: string;
    format: EvidenceFormat;
    manifestSha256: string;
    at: Date;
  },
) {
  await appendEvent(
    db,
    {
      kind: 'evidence_exported',
      actor: agentActor(input.actor),
      subject: { kind: 'case', id: input.caseId },
      caseId: input.caseId,
      customerId: input.customerId,
      after: { format: input.format, manifestSha256: input.manifestSha256 },
    },
    input.at,
  );
}

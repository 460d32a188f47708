import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import { assertOpen } from '../accounts/payment-rules.ts';
import { startOfDayIn } from '../accounts/provider-today.ts';
import {
  type AttachmentInput,
  decodeAttachment,
  storeAttachment,
} from '../attachments/attachments.service.ts';
import type { Actor } from '../auth/actor.ts';
import { assertMayChange } from '../cases/access.ts';
import { lockCase } from '../cases/case-context.ts';
import { parseFolio } from '../cases/folio.ts';
import { deliverNotice } from '../channels/notices.ts';
import { formatDateEs } from '../channels/templates.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import {
  agents,
  cases,
  contactPoints,
  customers,
  deadlines,
  serviceOrders,
  serviceOrderVisits,
  services,
} from '../db/schema.ts';
import type { ServiceOrderKind, ServiceOrderStatus, VisitOutcome } from '../domain/vocabulary.ts';
import { agentActor, appendEvent, appendEvents } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { installService } from '../rights/installation.service.ts';
import { rightsSettings } from '../rights/rights-settings.ts';
import type { CalendarSpecInput } from '../sla/calendar-spec.ts';
import { type DeadlineSubject, registerDeadlineSubject } from '../sla/deadline-subjects.ts';
import { caseRecipientColumns, recipientsThroughCase } from '../sla/deadlines.service.ts';
import { calendarFor, type Target } from '../sla/policies.ts';
import { type DeadlineSpec, deadlineViews, meetDeadlines, startDeadline } from '../sla/subject-deadlines.ts';

/**
 * Field visits ordered from a case. Each order has one clock (subject `service_order`, kind = the order's
 * kind), met when a visit ends it `realizada` or `no_procede`:
 * - `instalacion`: the rights' business days (10) from the start of the contract's signing date when the
 *   service has one, else from the order; the same figure and source as the service's installation clock.
 * - `reparacion`: due when the case's own resolution deadline is (24 hours from the report of a `falla`),
 *   so the visit is late exactly when the repair is; a case without one gets 24 hours from the order.
 * - `reconexion_en_sitio`: 72 hours from the order, which is placed once the payment is confirmed.
 * The customer confirms a window, or asks for another, by answering the notice (`appointment-reply.ts`
 * reads it as it arrives); an agent who read another answer records the confirmation from the case.
 */

export type FieldDeps = Pick<AppContext, 'db' | 'database' | 'clock' | 'jobs' | 'settings'>;

type OrderRow = typeof serviceOrders.$inferSelect;
type VisitRow = typeof serviceOrderVisits.$inferSelect;

/** A picture of at most this many bytes: a phone's photo, recompressed by the page, fits well under it. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** An appointment is agreed for the coming weeks, in a window a customer can wait at home for. */
const MAX_DAYS_AHEAD = 60;
const MAX_WINDOW_HOURS = 12;

const REPAIR_FALLBACK: Target = { amount: 24, unit: 'hours', clock: 'calendar' };
const RECONNECTION_TARGET: Target = { amount: 72, unit: 'hours', clock: 'calendar' };
const REPAIR_SOURCE =
  'Política de plazos de la falla: la reparación se hace dentro del plazo de resolución del folio (24 horas).';
const RECONNECTION_SOURCE = 'Reconexión en sitio: dentro de 72 horas de la orden.';

/** Outcomes that end the order (the visit happened, or is not owed): the photo is their evidence. */
const ENDING: ReadonlySet<VisitOutcome> = new Set(['realizada', 'no_procede']);
const SCHEDULABLE: ReadonlySet<ServiceOrderStatus> = new Set([
  'pendiente',
  'agendada',
  'cliente_ausente',
  'reprogramada',
]);

export const orderSubject = (id: string): DeadlineSubject => ({ kind: 'service_order', id });

const invalid = (code: string, field: string, detail: string) =>
  new AppError(code, { status: 422, field, detail });
const conflict = (code: string, detail: string) => new AppError(code, { status: 409, detail });
const notFound = () =>
  new AppError('service_order.not_found', { status: 404, detail: 'No such service order' });

export const providerZone = async (deps: Pick<AppContext, 'settings'>, tx: Tx) =>
  calendarFor((await deps.settings.current(tx)).settings.deadlines.businessCalendar).spec.zone;

async function clockSpec(
  deps: FieldDeps,
  tx: Tx,
  kind: ServiceOrderKind,
  kase: { id: string },
  service: { contractSignedOn: string | null },
  now: Date,
): Promise<DeadlineSpec> {
  const { settings } = await deps.settings.current(tx);
  if (kind === 'instalacion') {
    const rules = rightsSettings(settings).installation;
    const zone = calendarFor(settings.deadlines.businessCalendar).spec.zone;
    return {
      kind,
      target: { amount: rules.businessDays, unit: 'days', clock: 'business' },
      source: rules.source,
      pausable: false,
      startedAt: service.contractSignedOn ? startOfDayIn(zone, service.contractSignedOn) : now,
    };
  }
  if (kind === 'reparacion') {
    const [resolution] = await tx
      .select()
      .from(deadlines)
      .where(
        and(
          eq(deadlines.subjectKind, 'case'),
          eq(deadlines.subjectId, kase.id),
          eq(deadlines.kind, 'resolucion'),
        ),
      );
    return resolution
      ? {
          kind,
          target: resolution.target as Target,
          source: REPAIR_SOURCE,
          pausable: false,
          startedAt: resolution.startedAt,
          businessCalendar: resolution.calendar as CalendarSpecInput,
        }
      : { kind, target: REPAIR_FALLBACK, source: REPAIR_SOURCE, pausable: false, startedAt: now };
  }
  return { kind, target: RECONNECTION_TARGET, source: RECONNECTION_SOURCE, pausable: false, startedAt: now };
}

async function present(deps: Pick<AppContext, 'settings'>, tx: Tx, rows: OrderRow[], now: Date) {
  const ids = rows.map((r) => r.id);
  // One after another: the queries share the caller's transaction, which runs one statement at a time.
  const clocks = await deadlineViews(deps, tx, 'service_order', ids, now);
  const visits: VisitRow[] = ids.length
    ? await tx
        .select()
        .from(serviceOrderVisits)
        .where(inArray(serviceOrderVisits.orderId, ids))
        .orderBy(asc(serviceOrderVisits.recordedAt))
    : [];
  const folios = ids.length
    ? await tx
        .select({ id: cases.id, folio: cases.folio })
        .from(cases)
        .where(
          inArray(
            cases.id,
            rows.map((r) => r.caseId),
          ),
        )
    : [];
  return rows.map((row) => {
    const clock = clocks.get(row.id)?.[row.kind];
    return {
      id: row.id,
      number: row.number,
      folio: folios.find((f) => f.id === row.caseId)?.folio ?? '',
      kind: row.kind,
      status: row.status,
      serviceId: row.serviceId,
      technicianAgentId: row.technicianAgentId,
      technicianName: row.technicianName,
      windowStart: row.windowStart?.toISOString() ?? null,
      windowEnd: row.windowEnd?.toISOString() ?? null,
      confirmedAt: row.confirmedAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      clock: clock
        ? { dueAt: clock.dueAt, state: clock.state, metAt: clock.metAt, source: clock.source }
        : null,
      visits: visits
        .filter((v) => v.orderId === row.id)
        .map((v) => ({
          id: v.id,
          outcome: v.outcome,
          photoSha256: v.photoSha256,
          recordedAt: v.recordedAt.toISOString(),
        })),
    };
  });
}

const presentOne = async (deps: Pick<AppContext, 'settings'>, tx: Tx, row: OrderRow, now: Date) =>
  (await present(deps, tx, [row], now))[0] as Awaited<ReturnType<typeof present>>[number];

export type ServiceOrderView = Awaited<ReturnType<typeof presentOne>>;

async function assertTechnician(tx: Tx, agentId: string) {
  const [agent] = await tx
    .select({ role: agents.role, active: agents.active })
    .from(agents)
    .where(eq(agents.id, agentId));
  if (agent?.role !== 'tecnico' || !agent.active)
    throw invalid('service_order.not_technician', 'technicianAgentId', 'Not an active agent of role tecnico');
}

/**
 * Orders a field visit for the case's service, by an agent who may change the case, and starts its clock.
 */
export async function createServiceOrder(
  deps: FieldDeps,
  folio: string,
  input: {
    kind: ServiceOrderKind;
    technicianAgentId?: string | undefined;
    technicianName?: string | undefined;
  },
  actor: Actor,
): Promise<ServiceOrderView> {
  if ((input.technicianAgentId === undefined) === (input.technicianName === undefined))
    throw invalid(
      'service_order.technician',
      'technicianAgentId',
      'Name the technician: an agent of role tecnico or a name, one of them',
    );
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    assertOpen(kase);
    if (!kase.serviceId)
      throw conflict(
        'service_order.no_service',
        'Name the case’s service first: the visit goes to its address',
      );
    const [service] = await tx.select().from(services).where(eq(services.id, kase.serviceId));
    if (!service) throw conflict('service_order.no_service', 'The case’s service does not exist');
    if (input.technicianAgentId) await assertTechnician(tx, input.technicianAgentId);
    const [order] = await tx
      .insert(serviceOrders)
      .values({
        caseId: kase.id,
        serviceId: service.id,
        kind: input.kind,
        status: 'pendiente',
        technicianAgentId: input.technicianAgentId ?? null,
        technicianName: input.technicianName ?? null,
        createdBy: actor.agentId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const row = order as OrderRow;
    const clock = await startDeadline(
      deps,
      tx,
      orderSubject(row.id),
      await clockSpec(deps, tx, input.kind, kase, service, now),
    );
    await appendEvent(
      tx,
      {
        kind: 'service_order_created',
        actor: agentActor(actor),
        subject: orderSubject(row.id),
        caseId: kase.id,
        customerId: kase.customerId,
        after: {
          number: row.number,
          kind: row.kind,
          serviceId: service.id,
          technicianAgentId: row.technicianAgentId,
          dueAt: clock.dueAt.toISOString(),
        },
      },
      now,
    );
    return presentOne(deps, tx, row, now);
  });
}

/**
 * The order locked for the rest of the transaction, with its case, once the actor may act on it: its
 * technician, or an agent who may change the case. Anyone else of role tecnico is told it does not exist.
 */
async function lockOrder(tx: Tx, id: string, actor: Actor, technicianMay: boolean) {
  const [order] = await tx.select().from(serviceOrders).where(eq(serviceOrders.id, id)).for('update');
  if (!order) throw notFound();
  if (actor.role === 'tecnico') {
    if (!technicianMay || order.technicianAgentId !== actor.agentId) throw notFound();
  }
  const [kase] = await tx.select().from(cases).where(eq(cases.id, order.caseId));
  if (!kase) throw notFound();
  if (actor.role !== 'tecnico') await assertMayChange(tx, actor, kase.areaId);
  return { order, kase };
}

/** The window as the customer reads it: "9 de diciembre de 2026, 10:00 h a 12:00 h". */
export function windowText(start: Date, end: Date, zone: string): string {
  const from = formatDateEs(start, zone);
  const to = formatDateEs(end, zone);
  const sameDay = from.split(',')[0] === to.split(',')[0];
  return `${from} a ${sameDay ? (to.split(', ')[1] ?? to) : to}`;
}

/**
 * Agrees (or moves) the appointment window with the customer, who is told the window and the order's
 * number. A window already confirmed needs confirming again once moved.
 */
export async function scheduleServiceOrder(
  deps: FieldDeps,
  id: string,
  input: { windowStart: string; windowEnd: string },
  actor: Actor,
): Promise<ServiceOrderView> {
  const now = deps.clock.now();
  const start = new Date(input.windowStart);
  const end = new Date(input.windowEnd);
  if (start < now)
    throw invalid('service_order.window_past', 'windowStart', 'The window cannot start in the past');
  if (start.getTime() - now.getTime() > MAX_DAYS_AHEAD * 86_400_000)
    throw invalid('service_order.window_far', 'windowStart', `At most ${MAX_DAYS_AHEAD} days ahead`);
  if (end <= start)
    throw invalid('service_order.window_order', 'windowEnd', 'The window must end after it starts');
  if (end.getTime() - start.getTime() > MAX_WINDOW_HOURS * 3_600_000)
    throw invalid(
      'service_order.window_long',
      'windowEnd',
      `A window lasts at most ${MAX_WINDOW_HOURS} hours`,
    );
  return deps.db.transaction(async (tx) => {
    const { order, kase } = await lockOrder(tx, id, actor, false);
    if (!SCHEDULABLE.has(order.status))
      throw conflict('service_order.closed', `The order is ${order.status}; no more visits are owed`);
    const [updated] = await tx
      .update(serviceOrders)
      .set({ status: 'agendada', windowStart: start, windowEnd: end, confirmedAt: null, updatedAt: now })
      .where(eq(serviceOrders.id, order.id))
      .returning();
    await appendEvent(
      tx,
      {
        kind: 'service_order_scheduled',
        actor: agentActor(actor),
        subject: orderSubject(order.id),
        caseId: kase.id,
        customerId: kase.customerId,
        before: {
          status: order.status,
          windowStart: order.windowStart?.toISOString() ?? null,
          windowEnd: order.windowEnd?.toISOString() ?? null,
        },
        after: { number: order.number, windowStart: start.toISOString(), windowEnd: end.toISOString() },
      },
      now,
    );
    await deliverNotice(deps, tx, kase, 'orden_agendada', null, now, {
      values: { orden: String(order.number), ventana: windowText(start, end, await providerZone(deps, tx)) },
    });
    return presentOne(deps, tx, updated as OrderRow, now);
  });
}

/** Records that the customer confirmed the agreed window (an agent read it in the customer's reply). */
export async function confirmServiceOrder(
  deps: FieldDeps,
  id: string,
  actor: Actor,
): Promise<ServiceOrderView> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const { order, kase } = await lockOrder(tx, id, actor, false);
    if (order.status !== 'agendada' || !order.windowStart)
      throw conflict('service_order.not_scheduled', 'Only an agreed window can be confirmed');
    if (order.confirmedAt) return presentOne(deps, tx, order, now);
    const [updated] = await tx
      .update(serviceOrders)
      .set({ confirmedAt: now, updatedAt: now })
      .where(eq(serviceOrders.id, order.id))
      .returning();
    await appendEvent(
      tx,
      {
        kind: 'service_order_scheduled',
        actor: agentActor(actor),
        subject: orderSubject(order.id),
        caseId: kase.id,
        customerId: kase.customerId,
        reason: 'confirmada_por_cliente',
        after: {
          number: order.number,
          windowStart: order.windowStart.toISOString(),
          windowEnd: order.windowEnd?.toISOString() ?? null,
        },
      },
      now,
    );
    return presentOne(deps, tx, updated as OrderRow, now);
  });
}

/** The evidence photo, checked before anything is written: a real JPEG, PNG or WebP, within the size. */
function decodePhoto(photo: AttachmentInput) {
  const decoded = decodeAttachment(photo, 'photo');
  const type = decoded.input.contentType as (typeof PHOTO_TYPES)[number];
  if (!PHOTO_TYPES.includes(type))
    throw new AppError('service_order.photo_type', {
      status: 415,
      field: 'photo.contentType',
      detail: 'The photo must be a JPEG, PNG or WebP picture',
    });
  if (decoded.bytes.length > MAX_PHOTO_BYTES)
    throw new AppError('service_order.photo_size', {
      status: 413,
      field: 'photo.data',
      detail: `The photo must be at most ${MAX_PHOTO_BYTES / 1_048_576} MB`,
    });
  const b = decoded.bytes;
  const matches =
    type === 'image/jpeg'
      ? b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff
      : type === 'image/png'
        ? b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
        : b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP';
  if (!matches)
    throw new AppError('service_order.photo_type', {
      status: 415,
      field: 'photo.data',
      detail: `The photo's bytes are not a ${type} picture`,
    });
  return decoded;
}

/**
 * Records a visit of a scheduled order, by its technician or an agent who may change the case. `realizada`
 * and `no_procede` end it and meet its clock (both need the photo as evidence); `cliente_ausente` and
 * `reprogramada` leave it waiting for a new window with its clock running.
 */
export async function recordVisit(
  deps: FieldDeps,
  id: string,
  input: { outcome: VisitOutcome; notes?: string | undefined; photo?: AttachmentInput | undefined },
  actor: Actor,
): Promise<ServiceOrderView> {
  if (ENDING.has(input.outcome) && !input.photo)
    throw invalid(
      'service_order.photo_required',
      'photo',
      `A ${input.outcome} visit needs its evidence photo`,
    );
  const photo = input.photo ? decodePhoto(input.photo) : undefined;
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const { order, kase } = await lockOrder(tx, id, actor, true);
    if (order.status !== 'agendada')
      throw conflict(
        'service_order.not_scheduled',
        `The order is ${order.status}; a visit follows an agreed window`,
      );
    const stored = photo ? await storeAttachment(deps.database, tx, photo) : undefined;
    const [visit] = await tx
      .insert(serviceOrderVisits)
      .values({
        orderId: order.id,
        outcome: input.outcome,
        photoSha256: stored?.sha256 ?? null,
        recordedBy: actor.agentId,
        recordedAt: now,
      })
      .returning();
    const [updated] = await tx
      .update(serviceOrders)
      .set({ status: input.outcome, updatedAt: now })
      .where(eq(serviceOrders.id, order.id))
      .returning();
    if (ENDING.has(input.outcome)) await meetDeadlines(deps, tx, orderSubject(order.id), now, order.kind);
    if (order.kind === 'instalacion' && input.outcome === 'realizada')
      await installOnVisit(deps, tx, order, kase.folio, actor, now);
    await appendEvents(
      tx,
      [
        {
          kind: 'service_order_visited',
          actor: agentActor(actor),
          subject: orderSubject(order.id),
          caseId: kase.id,
          customerId: kase.customerId,
          after: {
            number: order.number,
            outcome: input.outcome,
            visitId: visit?.id ?? null,
            photoSha256: stored?.sha256 ?? null,
          },
          note: input.notes || null,
        },
      ],
      now,
    );
    return presentOne(deps, tx, updated as OrderRow, now);
  });
}

/**
 * A done installation visit installs the service at the visit's instant, as recording it on the case
 * would: the service becomes `activo`, its `instalacion` clock is met and a late one proposes the refund.
 * Only a service still awaiting installation: one installed already (on the case, before the visit was
 * recorded) keeps its instant. What installing refuses (no signing recorded) refuses the visit too, so
 * the order never reads done while the service reads not installed.
 */
async function installOnVisit(
  deps: FieldDeps,
  tx: Tx,
  order: OrderRow,
  folio: string,
  actor: Actor,
  now: Date,
): Promise<void> {
  const serviceId = order.serviceId;
  if (!serviceId) return;
  const [service] = await tx
    .select({ status: services.status })
    .from(services)
    .where(eq(services.id, serviceId));
  if (service?.status !== 'pendiente_instalacion') return;
  const kase = await lockCase(tx, folio);
  // The service the order visited, even if the case has since been pointed at another.
  await installService(deps, tx, { ...kase, serviceId }, now, actor, now);
}

/** The case's orders, oldest first, with their visits and clocks. */
export async function caseServiceOrders(deps: Pick<AppContext, 'db' | 'clock' | 'settings'>, folio: string) {
  const now = deps.clock.now();
  const parsed = parseFolio(folio);
  const [kase] = await deps.db.select({ id: cases.id }).from(cases).where(eq(cases.folio, parsed.folio));
  if (!kase)
    throw new AppError('case.not_found', { status: 404, detail: `No case with folio ${parsed.folio}` });
  const rows = await deps.db
    .select()
    .from(serviceOrders)
    .where(eq(serviceOrders.caseId, kase.id))
    .orderBy(asc(serviceOrders.number));
  return { orders: await present(deps, deps.db, rows, now) };
}

/**
 * A technician's orders with a window starting on a day of the provider's zone, by window: only what a
 * visit needs (the service's address, the customer's first name and a phone to call on the way).
 */
export async function technicianDay(deps: Pick<AppContext, 'db' | 'settings'>, actor: Actor, date: string) {
  const zone = await providerZone(deps, deps.db);
  const from = startOfDayIn(zone, date);
  const to = startOfDayIn(zone, Temporal.PlainDate.from(date).add({ days: 1 }).toString());
  const rows = await deps.db
    .select({
      order: serviceOrders,
      address: services.installAddress,
      customerId: cases.customerId,
      customerName: customers.name,
    })
    .from(serviceOrders)
    .innerJoin(cases, eq(cases.id, serviceOrders.caseId))
    .leftJoin(services, eq(services.id, serviceOrders.serviceId))
    .leftJoin(customers, eq(customers.id, cases.customerId))
    .where(
      and(
        eq(serviceOrders.technicianAgentId, actor.agentId),
        gte(serviceOrders.windowStart, from),
        lt(serviceOrders.windowStart, to),
      ),
    )
    .orderBy(asc(serviceOrders.windowStart), asc(serviceOrders.number));
  const customerIds = [...new Set(rows.map((r) => r.customerId))];
  const phones = customerIds.length
    ? await deps.db
        .select({
          customerId: contactPoints.customerId,
          address: contactPoints.address,
          kind: contactPoints.kind,
        })
        .from(contactPoints)
        .where(
          and(
            inArray(contactPoints.customerId, customerIds),
            inArray(contactPoints.kind, ['phone', 'whatsapp']),
          ),
        )
        .orderBy(asc(contactPoints.kind), asc(contactPoints.address))
    : [];
  return {
    date,
    timeZone: zone,
    orders: rows.map(({ order, address, customerId, customerName }) => ({
      id: order.id,
      number: order.number,
      kind: order.kind,
      status: order.status,
      windowStart: (order.windowStart as Date).toISOString(),
      windowEnd: (order.windowEnd ?? (order.windowStart as Date)).toISOString(),
      confirmedAt: order.confirmedAt?.toISOString() ?? null,
      address,
      customerFirstName: customerName?.trim().split(/\s+/)[0] ?? null,
      phone: phones.find((p) => p.customerId === customerId)?.address ?? null,
    })),
  };
}

// Registered where the clock starts; the job registry imports this module, so every process that runs
// deadline checks knows whom an order's clock concerns.
registerDeadlineSubject('service_order', {
  /** The case's assignee is warned (its area's supervisors when nobody is); a breach goes to both. */
  async recipients(tx, orderId) {
    const [row] = await tx
      .select({ ...caseRecipientColumns, customerId: cases.customerId })
      .from(serviceOrders)
      .innerJoin(cases, eq(cases.id, serviceOrders.caseId))
      .where(eq(serviceOrders.id, orderId));
    return recipientsThroughCase(tx, row);
  },
});

import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import { assertServiceOfCustomer } from '../accounts/accounts.service.ts';
import { assertOpen } from '../accounts/payment-rules.ts';
import { plainDateIn, startOfDayIn } from '../accounts/provider-today.ts';
import { lockService } from '../accounts/service-lock.ts';
import { mayChangeServiceStatus } from '../accounts/service-status.ts';
import type { Actor } from '../auth/actor.ts';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import { assertMayChange } from '../cases/access.ts';
import { type CaseRow, lockCase } from '../cases/case-context.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { cases, compensations, deadlines, ledgerEntries, services, zones } from '../db/schema.ts';
import type { CompensationStatus } from '../domain/vocabulary.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import type { CalendarSpecInput } from '../sla/calendar-spec.ts';
import type { DeadlineSubject } from '../sla/deadline-subjects.ts';
import { calendarFor } from '../sla/policies.ts';
import { meetDeadlines, startDeadline } from '../sla/subject-deadlines.ts';
import { type ProposalOutcome, proposeCompensation } from './compensations.service.ts';
import { INSTALLATION_SOURCE, installationOutcome } from './installation.ts';
import { rightsSettings } from './rights-settings.ts';

/**
 * A `contratacion` case's service from the contract's signing to its installation (regulation.md,
 * "installation"). Signing starts the service's `instalacion` clock: the rights' business days from the
 * start of the signing date, in the zone's calendar (the provider's, in the zone's time zone, when the
 * zone has none of its own), met when the installation is recorded.
 *
 * Late means the clock's due instant passed without an installation. The refund is proposed to a
 * supervisor as soon as that is known, whichever comes first: a job at the due instant (so a service
 * never installed still gets its money back, and the 30 business days run from when the provider became
 * late, as `installation.ts` reads the contract), or the recording of an installation after it. The
 * refund is what the customer paid for the service up to then; one proposal per case, so payments made
 * after it are for the supervisor to add when approving. Nothing paid, nothing to refund: no proposal.
 */

export type InstallationDeps = Pick<AppContext, 'db' | 'clock' | 'jobs' | 'settings'>;

/** The service's clock from the signing to the installation. */
export const INSTALLATION_CLOCK = 'instalacion';

/** Runs at the installation's due instant: proposes the refund if the service is still not installed. */
export const INSTALLATION_OVERDUE_JOB = 'installation-overdue';

type ServiceRow = typeof services.$inferSelect;

/** The oldest signing date accepted, in days before today. */
const MAX_SIGNED_DAYS_AGO = 366;

/** Installing exactly at the due instant is on time: the check runs a second after it. */
const lateAt = (dueAt: Date) => new Date(dueAt.getTime() + 1000);

const serviceSubject = (id: string): DeadlineSubject => ({ kind: 'service', id });

const conflict = (code: string, detail: string, field?: string) =>
  new AppError(code, { status: 409, detail, ...(field ? { field } : {}) });

export interface InstallationView {
  folio: string;
  serviceId: string;
  status: ServiceRow['status'];
  contractSignedOn: string | null;
  dueAt: string | null;
  installedAt: string | null;
  late: boolean;
  compensation: { id: string; status: CompensationStatus } | null;
}

/** The calendar the installation counts in: the zone's own, else the provider's in the zone's time zone. */
async function installationCalendar(
  tx: Tx,
  settings: ProviderSettings,
  zoneId: number | null,
): Promise<CalendarSpecInput> {
  const provider = settings.deadlines.businessCalendar;
  if (zoneId === null) return provider;
  const [zone] = await tx
    .select({ timeZone: zones.timeZone, calendar: zones.calendar })
    .from(zones)
    .where(eq(zones.id, zoneId));
  if (!zone) return provider;
  return (zone.calendar as CalendarSpecInput | null) ?? { ...provider, zone: zone.timeZone };
}

async function lockContratacion(tx: Tx, folio: string, actor: Actor): Promise<CaseRow> {
  const kase = await lockCase(tx, folio);
  await assertMayChange(tx, actor, kase.areaId);
  assertOpen(kase);
  if (kase.requestType !== 'contratacion')
    throw conflict(
      'installation.not_contratacion',
      'Signing and installation are recorded on a contratación case',
    );
  return kase;
}

/** Payments posted for the service up to `until` (a calendar date), as positive centavos. */
async function paidFor(tx: Tx, serviceId: string, until: string): Promise<number> {
  const [row] = await tx
    .select({ total: sql<string>`coalesce(sum(${ledgerEntries.amountCentavos}), 0)` })
    .from(ledgerEntries)
    .where(
      and(
        eq(ledgerEntries.serviceId, serviceId),
        eq(ledgerEntries.kind, 'pago'),
        lte(ledgerEntries.effectiveDate, until),
      ),
    );
  return -Number(row?.total ?? 0);
}

/**
 * Proposes the late installation's refund for the case, as the system's rule: what was paid up to the
 * installation (or up to now, when still not installed) plus the bonus, paid back within the rights'
 * business days of the due instant; always for a supervisor to approve. Undefined when not late or
 * nothing was paid.
 */
async function proposeLateRefund(
  deps: Pick<AppContext, 'jobs' | 'settings'>,
  tx: Tx,
  caseId: string,
  service: ServiceRow & { contractSignedOn: string },
  installedAt: Date | null,
  now: Date,
): Promise<ProposalOutcome | undefined> {
  const { settings } = await deps.settings.current(tx);
  const calendar = await installationCalendar(tx, settings, service.zoneId);
  const cal = calendarFor(calendar);
  const until = installedAt ?? now;
  const paidCentavos = await paidFor(tx, service.id, plainDateIn(cal.spec.zone, until));
  const rules = rightsSettings(settings).installation;
  const outcome = installationOutcome({
    signedAt: startOfDayIn(cal.spec.zone, service.contractSignedOn).toISOString(),
    installedAt: installedAt?.toISOString() ?? null,
    now: now.toISOString(),
    paidCentavos,
    calendar: cal,
    settings: rules,
  });
  if (!outcome.late || paidCentavos === 0) return undefined;
  const actor = systemActor('instalacion_vencida');
  assertSystemMay(actor, { kind: 'compensation.propose' });
  const { proposal } = outcome;
  return proposeCompensation(
    deps,
    tx,
    {
      caseId,
      serviceId: service.id,
      kind: 'instalacion_tardia',
      creditCentavos: 0,
      refundCentavos: proposal.amountCentavos,
      bonusCentavos: proposal.bonusCentavos,
      formula: {
        rule: 'instalacion_tardia',
        contractSignedOn: service.contractSignedOn,
        businessDays: proposal.due.businessDays,
        dueAt: proposal.due.dueAt,
        installedAt: proposal.installedAt,
        paidCentavos: proposal.amountCentavos,
        bonusPercent: proposal.bonusPercent,
        bonus: proposal.bonus,
        bonusCentavos: proposal.bonusCentavos,
        totalCentavos: proposal.totalCentavos,
        refundBusinessDays: proposal.refundBusinessDays,
        refundDueDate: proposal.refundDueDate,
        source: proposal.source,
      },
      explanation: proposal.explanation,
      refund: {
        businessDays: proposal.refundBusinessDays,
        from: new Date(proposal.due.dueAt),
        source: INSTALLATION_SOURCE,
      },
      requireApproval: true,
    },
    actor,
    now,
  );
}

async function installationClock(tx: Tx, serviceId: string) {
  const [clock] = await tx
    .select({ dueAt: deadlines.dueAt, metAt: deadlines.metAt })
    .from(deadlines)
    .where(
      and(
        eq(deadlines.subjectKind, 'service'),
        eq(deadlines.subjectId, serviceId),
        eq(deadlines.kind, INSTALLATION_CLOCK),
      ),
    );
  return clock;
}

async function viewOf(tx: Tx, kase: CaseRow, service: ServiceRow, now: Date): Promise<InstallationView> {
  const clock = await installationClock(tx, service.id);
  const [compensation] = await tx
    .select({ id: compensations.id, status: compensations.status })
    .from(compensations)
    .where(and(eq(compensations.caseId, kase.id), eq(compensations.kind, 'instalacion_tardia')));
  return {
    folio: kase.folio,
    serviceId: service.id,
    status: service.status,
    contractSignedOn: service.contractSignedOn,
    dueAt: clock?.dueAt.toISOString() ?? null,
    installedAt: service.installedAt?.toISOString() ?? null,
    late: clock ? (clock.metAt ?? now) > clock.dueAt : false,
    compensation: compensation ?? null,
  };
}

/**
 * Records that the contract of the case's service was signed on a date, naming the service on the case
 * when it names none, and starts the installation's clock with a check at its due instant. Recording the
 * same date again changes nothing; another date is refused, since the customer was already given the due
 * date.
 */
export async function recordContractSigning(
  deps: InstallationDeps,
  folio: string,
  input: { serviceId: string; signedOn: string },
  actor: Actor,
): Promise<InstallationView> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await lockContratacion(tx, folio, actor);
    await assertServiceOfCustomer(tx, input.serviceId, kase.customerId, 'serviceId');
    if (kase.serviceId && kase.serviceId !== input.serviceId)
      throw conflict('installation.other_service', 'The case is about another service', 'serviceId');
    const service = await lockService(tx, input.serviceId);
    if (service.contractSignedOn === input.signedOn) return viewOf(tx, kase, service, now);
    if (service.contractSignedOn)
      throw conflict('installation.already_signed', 'The contract’s signing is recorded already', 'signedOn');
    if (service.status !== 'pendiente_instalacion')
      throw conflict(
        'installation.not_pending',
        `The service is ${service.status}, not awaiting installation`,
      );
    const { settings } = await deps.settings.current(tx);
    const calendar = await installationCalendar(tx, settings, service.zoneId);
    const zone = calendarFor(calendar).spec.zone;
    const today = plainDateIn(zone, now);
    if (input.signedOn > today)
      throw new AppError('installation.signed_in_future', {
        status: 422,
        field: 'signedOn',
        detail: 'A contract cannot be signed after today',
      });
    // A year back covers any contract still awaiting installation; an older date is a typo (a wrong year),
    // and would start a clock already long breached and propose a refund at once.
    if (input.signedOn < Temporal.PlainDate.from(today).subtract({ days: MAX_SIGNED_DAYS_AGO }).toString())
      throw new AppError('installation.signed_too_long_ago', {
        status: 422,
        field: 'signedOn',
        detail: `A contract cannot be signed more than ${MAX_SIGNED_DAYS_AGO} days before today`,
      });
    const rules = rightsSettings(settings).installation;
    const [signed] = await tx
      .update(services)
      .set({ contractSignedOn: input.signedOn, updatedAt: now })
      .where(eq(services.id, service.id))
      .returning();
    if (!kase.serviceId) {
      await tx.update(cases).set({ serviceId: service.id, updatedAt: now }).where(eq(cases.id, kase.id));
      await appendEvent(
        tx,
        {
          kind: 'case_service_changed',
          actor: agentActor(actor),
          caseId: kase.id,
          customerId: kase.customerId,
          before: { serviceId: null },
          after: { serviceId: service.id },
        },
        now,
      );
    }
    const clock = await startDeadline(deps, tx, serviceSubject(service.id), {
      kind: INSTALLATION_CLOCK,
      target: { amount: rules.businessDays, unit: 'days', clock: 'business' },
      source: rules.source,
      pausable: false,
      startedAt: startOfDayIn(zone, input.signedOn),
      businessCalendar: calendar,
    });
    await deps.jobs.enqueue(
      tx,
      INSTALLATION_OVERDUE_JOB,
      { serviceId: service.id },
      { startAfter: lateAt(clock.dueAt) },
    );
    await appendEvent(
      tx,
      {
        kind: 'installation_recorded',
        actor: agentActor(actor),
        subject: serviceSubject(service.id),
        caseId: kase.id,
        customerId: kase.customerId,
        after: {
          serviceId: service.id,
          contractSignedOn: input.signedOn,
          businessDays: rules.businessDays,
          dueAt: clock.dueAt.toISOString(),
        },
      },
      now,
    );
    return viewOf(tx, kase, signed as ServiceRow, now);
  });
}

/**
 * Records the installation of the case's service: it becomes `activo` (the service lifecycle allows it
 * only from `pendiente_instalacion`), its clock is met at the installation's instant, and a late one
 * proposes the refund. The same instant again changes nothing.
 */
export async function recordInstallation(
  deps: InstallationDeps,
  folio: string,
  input: { installedAt: string },
  actor: Actor,
): Promise<InstallationView> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await lockContratacion(tx, folio, actor);
    return installService(deps, tx, kase, new Date(input.installedAt), actor, now);
  });
}

/**
 * `recordInstallation` in the caller's transaction, for a step that installs as part of its own (a
 * field visit that ends the installation order): the caller has locked the `contratacion` case and
 * checked the actor may change it.
 */
export async function installService(
  deps: Pick<AppContext, 'jobs' | 'settings'>,
  tx: Tx,
  kase: CaseRow,
  installedAt: Date,
  actor: Actor,
  now: Date,
): Promise<InstallationView> {
  if (!kase.serviceId)
    throw conflict('installation.no_service', 'Record the contract’s signing of the case’s service first');
  const service = await lockService(tx, kase.serviceId);
  if (service.installedAt?.getTime() === installedAt.getTime()) return viewOf(tx, kase, service, now);
  if (service.installedAt)
    throw conflict('installation.already_installed', 'The installation is recorded already', 'installedAt');
  const signedOn = service.contractSignedOn;
  if (!signedOn) throw conflict('installation.not_signed', 'Record the contract’s signing first');
  if (!mayChangeServiceStatus(service.status, 'activo'))
    throw conflict('service.transition', `A ${service.status} service cannot become activo`, 'status');
  if (installedAt > now)
    throw new AppError('installation.in_future', {
      status: 422,
      field: 'installedAt',
      detail: 'An installation cannot be recorded before it happens',
    });
  const { settings } = await deps.settings.current(tx);
  const zone = calendarFor(await installationCalendar(tx, settings, service.zoneId)).spec.zone;
  if (installedAt < startOfDayIn(zone, signedOn))
    throw new AppError('installation.before_signing', {
      status: 422,
      field: 'installedAt',
      detail: 'A service cannot be installed before its contract is signed',
    });
  const [installed] = await tx
    .update(services)
    .set({ status: 'activo', suspensionReason: null, installedAt, updatedAt: now })
    .where(eq(services.id, service.id))
    .returning();
  await meetDeadlines(deps, tx, serviceSubject(service.id), installedAt, INSTALLATION_CLOCK);
  const compensation = await proposeLateRefund(
    deps,
    tx,
    kase.id,
    { ...service, contractSignedOn: signedOn },
    installedAt,
    now,
  );
  const common = {
    actor: agentActor(actor),
    subject: serviceSubject(service.id),
    caseId: kase.id,
    customerId: kase.customerId,
  };
  await appendEvent(
    tx,
    {
      ...common,
      kind: 'service_status_changed',
      before: { status: service.status, suspensionReason: service.suspensionReason },
      after: { status: 'activo', suspensionReason: null },
    },
    now,
  );
  const view = await viewOf(tx, kase, installed as ServiceRow, now);
  await appendEvent(
    tx,
    {
      ...common,
      kind: 'installation_recorded',
      after: {
        serviceId: service.id,
        installedAt: installedAt.toISOString(),
        dueAt: view.dueAt,
        late: view.late,
        ...(compensation ? { compensationId: compensation.id } : {}),
      },
    },
    now,
  );
  return view;
}

/**
 * The job at the installation's due instant: a service still awaiting installation then is late, and its
 * refund is proposed for the `contratacion` case about it (the oldest, when several name it). An early or
 * repeated run, or a service installed or cancelled meanwhile, changes nothing.
 */
export async function checkOverdueInstallation(
  deps: InstallationDeps,
  job: { serviceId: string },
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [service] = await tx.select().from(services).where(eq(services.id, job.serviceId)).for('update');
    const signedOn = service?.contractSignedOn;
    if (!service || !signedOn || service.installedAt || service.status !== 'pendiente_instalacion') return;
    const [kase] = await tx
      .select({ id: cases.id })
      .from(cases)
      .where(and(eq(cases.serviceId, service.id), eq(cases.requestType, 'contratacion')))
      .orderBy(asc(cases.createdAt), asc(cases.id))
      .limit(1);
    const clock = await installationClock(tx, service.id);
    if (!kase || !clock) return;
    // A run before the due instant (a clock moved, a queue's rounding) comes back at it instead.
    if (now <= clock.dueAt) {
      await deps.jobs.enqueue(tx, INSTALLATION_OVERDUE_JOB, job, { startAfter: lateAt(clock.dueAt) });
      return;
    }
    await proposeLateRefund(deps, tx, kase.id, { ...service, contractSignedOn: signedOn }, null, now);
  });
}

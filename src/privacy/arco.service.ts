import { and, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { recordIdentityCheck } from '../accounts/identity.service.ts';
import { agentAreaIds } from '../agents/agents.service.ts';
import { removeBlobFiles } from '../attachments/attachments.service.ts';
import type { Actor } from '../auth/actor.ts';
import { assertMaySupervise } from '../cases/access.ts';
import { type CaseRow, lockCase } from '../cases/case-context.ts';
import { applyStatusChange } from '../cases/case-status.ts';
import { isFinal } from '../cases/lifecycle.ts';
import { createCase } from '../cases/open-case.ts';
import type { AppContext } from '../context.ts';
import { normalizeContactAddress } from '../customers/contact-points.ts';
import { claimContactPoint, resolveCustomer } from '../customers/customers.service.ts';
import type { Tx } from '../db/database.ts';
import { arcoRequests, cases, consents, contactPoints, customers } from '../db/schema.ts';
import { ARCO_SUBTYPES, type ArcoSubtype, type CaseStatus, isOneOf } from '../domain/vocabulary.ts';
import { agentActor, appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { registerDeadlineSubject } from '../sla/deadline-subjects.ts';
import { caseRecipientColumns, recipientsThroughCase } from '../sla/deadlines.service.ts';
import { deadlineViews, meetDeadlines, startDeadline } from '../sla/subject-deadlines.ts';
import { anonymiseCustomer, retentionEnd } from './anonymise.ts';
import type {
  ArcoAnswerRequest,
  ArcoRequestInput,
  ArcoResponse,
  CreateArcoRequest,
  OppositionDetails,
  RectificationDetails,
} from './arco.schema.ts';
import { ArcoIdentityRequest, ArcoRequestBody } from './arco.schema.ts';
import { privacySettings } from './arco-settings.ts';

/**
 * ARCO requests (LFPDPPP): a case of type `arco` and its request row, with two clocks of subject
 * `arco_request` in the provider's business calendar — the answer from receipt, the execution from a
 * granted answer. Nothing is answered or carried out before the holder's (or their representative's)
 * identity was checked, except a refusal for that very reason. Only supervisors of the case's area and
 * admins answer and execute; the case's area registers and reads; other agents do not see it at all.
 */

export const ANSWER_CLOCK = 'respuesta_arco';
export const EXECUTION_CLOCK = 'ejecucion_arco';

type ArcoRow = typeof arcoRequests.$inferSelect;
type ArcoDeps = AppContext;

const subjectOf = (id: string) => ({ kind: 'arco_request' as const, id });

registerDeadlineSubject('arco_request', {
  /** The case's assignee is warned (the area's supervisors when nobody is); a breach goes to both. */
  async recipients(tx, requestId) {
    const [row] = await tx
      .select({ ...caseRecipientColumns, customerId: cases.customerId })
      .from(arcoRequests)
      .innerJoin(cases, eq(cases.id, arcoRequests.caseId))
      .where(eq(arcoRequests.id, requestId));
    return recipientsThroughCase(tx, row);
  },
});

const notFound = () =>
  new AppError('arco.not_found', { status: 404, detail: 'No ARCO request with that id' });

const conflict = (code: string, detail: string, field?: string) =>
  new AppError(code, { status: 409, detail, ...(field ? { field } : {}) });

/** Whether the agent sees ARCO requests of the area: its agents and admins; to others they do not exist. */
async function mayRead(tx: Tx, actor: Actor, areaId: number): Promise<boolean> {
  return actor.role === 'admin' || (await agentAreaIds(tx, actor.agentId)).includes(areaId);
}

/** The request and its case, locked when asked; 404 when it does not exist or the agent may not see it. */
async function visibleRequest(tx: Tx, actor: Actor, id: string, lock = false) {
  const query = tx
    .select({ request: arcoRequests, kase: cases })
    .from(arcoRequests)
    .innerJoin(cases, eq(cases.id, arcoRequests.caseId))
    .where(eq(arcoRequests.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row || !(await mayRead(tx, actor, row.kase.areaId))) throw notFound();
  return row;
}

/** The right and its details, checked: an unknown right or malformed details are a 422 naming the field. */
function parseBody(input: ArcoRequestInput): ArcoRequestBody {
  if (!isOneOf(ARCO_SUBTYPES, input.subtype))
    throw new AppError('arco.unknown_subtype', {
      status: 422,
      field: 'subtype',
      detail: `${input.subtype} is not one of ${ARCO_SUBTYPES.join(', ')}`,
    });
  const parsed = ArcoRequestBody.safeParse({ subtype: input.subtype, details: input.details });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('arco.invalid_details', {
      status: 422,
      field: issue ? issue.path.join('.') : 'details',
      detail: issue?.message ?? 'Invalid details',
    });
  }
  return parsed.data;
}

/** The details as stored: contact addresses normalised, so a bad one is refused when the request comes in. */
function storedDetails(body: ArcoRequestBody): RectificationDetails | OppositionDetails | null {
  if (body.subtype === 'rectificacion') {
    const norm = (list: RectificationDetails['addContacts'], field: string) =>
      list.map((c, i) => ({
        kind: c.kind,
        address: normalizeContactAddress(c.kind, c.address, `details.${field}.${i}.address`),
      }));
    return {
      ...(body.details.name !== undefined ? { name: body.details.name } : {}),
      addContacts: norm(body.details.addContacts, 'addContacts'),
      removeContacts: norm(body.details.removeContacts, 'removeContacts'),
    };
  }
  if (body.subtype === 'oposicion') return { purposes: [...new Set(body.details.purposes)] };
  return null;
}

/** Inserts the request of an `arco` case, starts its answer clock from the case's receipt and records it. */
async function insertRequest(
  deps: ArcoDeps,
  tx: Tx,
  kase: CaseRow,
  body: ArcoRequestBody,
  details: ReturnType<typeof storedDetails>,
  actor: Actor,
) {
  const now = deps.clock.now();
  const [existing] = await tx
    .select({ id: arcoRequests.id })
    .from(arcoRequests)
    .where(eq(arcoRequests.caseId, kase.id));
  if (existing) throw conflict('arco.exists', 'The case is already an ARCO request');
  const [row] = await tx
    .insert(arcoRequests)
    .values({
      caseId: kase.id,
      customerId: kase.customerId,
      subtype: body.subtype,
      details,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error('arco request insert returned nothing');
  await tx.update(cases).set({ subtype: body.subtype, updatedAt: now }).where(eq(cases.id, kase.id));
  const { settings } = await deps.settings.current(tx);
  const figures = privacySettings(settings).arco;
  await startDeadline(deps, tx, subjectOf(row.id), {
    kind: ANSWER_CLOCK,
    target: { amount: figures.answerBusinessDays, unit: 'days', clock: 'business' },
    source: figures.source,
    pausable: false,
    // The law counts from the request's receipt: when the case came in, whatever the channel.
    startedAt: kase.createdAt,
  });
  await appendEvent(
    tx,
    {
      kind: 'arco_request_received',
      actor: agentActor(actor),
      subject: subjectOf(row.id),
      caseId: kase.id,
      customerId: kase.customerId,
      after: { subtype: body.subtype, status: row.status },
    },
    now,
  );
  return row;
}

/**
 * Registers a request an agent took (phone, a letter, the counter): opens its `arco` case through the one
 * case-opening path and the request with it, in one transaction. Only agents of the area the case goes to
 * (and admins) may.
 */
export async function registerArcoRequest(
  deps: ArcoDeps,
  actor: Actor,
  input: CreateArcoRequest,
): Promise<ArcoResponse> {
  const body = parseBody(input);
  const details = storedDetails(body);
  let requestId = '';
  await createCase(
    deps,
    {
      requestType: 'arco',
      channel: input.channel,
      customerId: input.customerId,
      description: input.description,
      ...(input.representativeId
        ? { raisedBy: { kind: 'representante' as const, representativeId: input.representativeId } }
        : {}),
    },
    actor,
    {
      afterOpen: async (tx, opened) => {
        if (!(await mayRead(tx, actor, opened.row.areaId)))
          throw new AppError('arco.forbidden', {
            status: 403,
            detail: 'Only agents of the area that handles ARCO requests may register one',
          });
        requestId = (await insertRequest(deps, tx, opened.row, body, details, actor)).id;
      },
    },
  );
  return getArcoRequest(deps, actor, requestId);
}

/**
 * Makes an existing `arco` case (one a customer opened by WhatsApp or e-mail, say) a request by naming its
 * right; its answer clock counts from when the case came in.
 */
export async function requestFromCase(
  deps: ArcoDeps,
  actor: Actor,
  folio: string,
  input: ArcoRequestInput,
): Promise<ArcoResponse> {
  const body = parseBody(input);
  const details = storedDetails(body);
  const id = await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    if (!(await mayRead(tx, actor, kase.areaId)))
      throw new AppError('case.not_found', { status: 404, detail: `No case with folio ${folio}` });
    if (kase.requestType !== 'arco')
      throw conflict('arco.not_arco_case', 'Only a case of type arco becomes an ARCO request');
    if (isFinal(kase.status)) throw conflict('arco.case_closed', 'The case is closed or discarded');
    return (await insertRequest(deps, tx, kase, body, details, actor)).id;
  });
  return getArcoRequest(deps, actor, id);
}

function present(
  settings: ProviderSettings,
  row: ArcoRow,
  kase: CaseRow,
  deadlines: ArcoResponse['deadlines'],
): ArcoResponse {
  return {
    id: row.id,
    caseId: kase.id,
    folio: kase.folio,
    areaId: kase.areaId,
    customerId: row.customerId,
    subtype: row.subtype,
    status: row.status,
    details: row.details ?? null,
    refusalReason: (row.refusalReason as ArcoResponse['refusalReason']) ?? null,
    identityVerifiedAt: row.identityVerifiedAt?.toISOString() ?? null,
    answeredAt: row.answeredAt?.toISOString() ?? null,
    executedAt: row.executedAt?.toISOString() ?? null,
    retainUntil: row.retainUntil?.toISOString() ?? null,
    retentionAnonymisedAt: row.retentionAnonymisedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    deadlines,
    figures: privacySettings(settings).arco,
  };
}

async function presentMany(deps: ArcoDeps, tx: Tx, rows: Array<{ request: ArcoRow; kase: CaseRow }>) {
  const { settings } = await deps.settings.current(tx);
  const views = await deadlineViews<'respuesta_arco' | 'ejecucion_arco'>(
    deps,
    tx,
    'arco_request',
    rows.map((r) => r.request.id),
    deps.clock.now(),
  );
  return rows.map((r) => present(settings, r.request, r.kase, views.get(r.request.id) ?? {}));
}

/** One request with its clocks; 404 when the agent may not see it. */
export async function getArcoRequest(deps: ArcoDeps, actor: Actor, id: string): Promise<ArcoResponse> {
  const row = await visibleRequest(deps.db, actor, id);
  const [presented] = await presentMany(deps, deps.db, [row]);
  if (!presented) throw notFound();
  return presented;
}

/** The requests of the agent's areas (every area for an admin), newest first, of one status when asked. */
export async function listArcoRequests(
  deps: ArcoDeps,
  actor: Actor,
  query: { status?: ArcoRow['status']; caseId?: string; limit: number },
): Promise<ArcoResponse[]> {
  const filters: SQL[] = [];
  if (query.status) filters.push(eq(arcoRequests.status, query.status));
  if (query.caseId) filters.push(eq(arcoRequests.caseId, query.caseId));
  if (actor.role !== 'admin') {
    const areaIds = await agentAreaIds(deps.db, actor.agentId);
    if (areaIds.length === 0) return [];
    filters.push(inArray(cases.areaId, areaIds));
  }
  const rows = await deps.db
    .select({ request: arcoRequests, kase: cases })
    .from(arcoRequests)
    .innerJoin(cases, eq(cases.id, arcoRequests.caseId))
    .where(and(...filters))
    .orderBy(desc(arcoRequests.createdAt), desc(arcoRequests.id))
    .limit(query.limit);
  return presentMany(deps, deps.db, rows);
}

/**
 * Records that the holder's or their representative's identity was checked, through the case's identity
 * checks (a PIN, a code sent to an address on file, a current representative). Account data anyone may
 * know does not prove who asks for a person's data.
 */
export async function verifyArcoIdentity(
  deps: ArcoDeps,
  actor: Actor,
  id: string,
  input: ArcoIdentityRequest,
): Promise<ArcoResponse> {
  const checked = ArcoIdentityRequest.parse(input);
  if (checked.method === 'datos_de_cuenta')
    throw new AppError('arco.identity_insufficient', {
      status: 422,
      field: 'method',
      detail: 'Account data does not prove who is asking: use the PIN, a code or a representative',
    });
  const { request, kase } = await visibleRequest(deps.db, actor, id);
  if (request.status !== 'recibida' && request.status !== 'respondida')
    throw conflict('arco.illegal_transition', `The request is ${request.status}`);
  await recordIdentityCheck(deps, actor, kase.folio, checked);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(arcoRequests)
      .set({ identityVerifiedAt: now, updatedAt: now })
      .where(eq(arcoRequests.id, id))
      .returning({ id: arcoRequests.id });
    if (!updated) throw notFound();
    await appendEvent(
      tx,
      {
        kind: 'arco_identity_verified',
        actor: agentActor(actor),
        subject: subjectOf(id),
        caseId: kase.id,
        customerId: request.customerId,
        after: { method: checked.method },
      },
      now,
    );
  });
  return getArcoRequest(deps, actor, id);
}

/** The lifecycle's steps from a case's status to `to`, for a case the request moves along. */
function pathTo(from: CaseStatus, to: 'en_proceso' | 'resuelto'): CaseStatus[] {
  if (from === to || from === 'resuelto' || from === 'cerrado') return [];
  if (to === 'en_proceso') return from === 'nuevo' || from === 'asignado' ? ['en_proceso'] : [];
  if (from === 'nuevo' || from === 'asignado') return ['en_proceso', 'resuelto'];
  return ['resuelto'];
}

async function moveCase(deps: ArcoDeps, tx: Tx, kase: CaseRow, to: 'en_proceso' | 'resuelto', actor: Actor) {
  const { settings } = await deps.settings.current(tx);
  const now = deps.clock.now();
  let current = kase;
  for (const status of pathTo(kase.status, to)) {
    await applyStatusChange(deps, tx, settings, current, { status }, actor, now);
    const [next] = await tx.select().from(cases).where(eq(cases.id, kase.id));
    if (!next) throw new Error('case vanished');
    current = next;
  }
}

/** A supervisor's lock on a request: 404 unseen, 403 for an agent who is not a supervisor of its area. */
async function lockForDecision(tx: Tx, actor: Actor, id: string) {
  const row = await visibleRequest(tx, actor, id, true);
  await assertMaySupervise(tx, actor, row.kase.areaId);
  return row;
}

/**
 * Answers a request: granted (`respondida`: the answer clock met, the execution clock started) or refused
 * with a reason code (`improcedente`: the case resolved). Only after the identity was checked, unless the
 * refusal is for want of it.
 */
export async function answerArcoRequest(
  deps: ArcoDeps,
  actor: Actor,
  id: string,
  input: ArcoAnswerRequest,
): Promise<ArcoResponse> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const { request, kase } = await lockForDecision(tx, actor, id);
    if (request.status !== 'recibida')
      throw conflict('arco.illegal_transition', `The request is ${request.status}`);
    const forWantOfIdentity = input.outcome === 'improcedente' && input.reason === 'identidad_no_acreditada';
    if (!request.identityVerifiedAt && !forWantOfIdentity)
      throw conflict('arco.identity_required', 'Check the identity of who asks before answering');
    const status = input.outcome === 'procedente' ? 'respondida' : 'improcedente';
    await tx
      .update(arcoRequests)
      .set({
        status,
        refusalReason: input.outcome === 'improcedente' ? input.reason : null,
        answeredAt: now,
        updatedAt: now,
      })
      .where(eq(arcoRequests.id, id));
    await meetDeadlines(deps, tx, subjectOf(id), now, ANSWER_CLOCK);
    if (status === 'respondida') {
      const { settings } = await deps.settings.current(tx);
      const figures = privacySettings(settings).arco;
      await startDeadline(deps, tx, subjectOf(id), {
        kind: EXECUTION_CLOCK,
        target: { amount: figures.executeBusinessDays, unit: 'days', clock: 'business' },
        source: figures.source,
        pausable: false,
        startedAt: now,
      });
    }
    await moveCase(deps, tx, kase, status === 'respondida' ? 'en_proceso' : 'resuelto', actor);
    await appendEvent(
      tx,
      {
        kind: 'arco_answered',
        actor: agentActor(actor),
        subject: subjectOf(id),
        caseId: kase.id,
        customerId: request.customerId,
        before: { status: request.status },
        after: { status, reason: input.outcome === 'improcedente' ? input.reason : null },
      },
      now,
    );
  });
  return getArcoRequest(deps, actor, id);
}

/** Applies the corrections asked; the event names the fields and contact point ids, never their values. */
async function rectify(tx: Tx, request: ArcoRow, actor: EventActor, now: Date) {
  const details = request.details as RectificationDetails | null;
  if (!details) return;
  const customer = await resolveCustomer(tx, request.customerId, { lock: 'no key update' });
  const fields: string[] = [];
  if (details.name !== undefined) {
    await tx
      .update(customers)
      .set({ name: details.name, updatedAt: now })
      .where(eq(customers.id, customer.id));
    fields.push('name');
  }
  const added: string[] = [];
  for (const [i, wanted] of details.addContacts.entries()) {
    const { point } = await claimContactPoint(tx, customer.id, wanted.kind, wanted.address);
    if (point.customerId !== customer.id)
      throw conflict(
        'arco.contact_taken',
        "That contact point is another customer's",
        `details.addContacts.${i}.address`,
      );
    added.push(point.id);
  }
  const removed: string[] = [];
  for (const unwanted of details.removeContacts) {
    const rows = await tx
      .delete(contactPoints)
      .where(
        and(
          eq(contactPoints.customerId, customer.id),
          eq(contactPoints.kind, unwanted.kind),
          eq(contactPoints.address, unwanted.address),
        ),
      )
      .returning({ id: contactPoints.id });
    removed.push(...rows.map((r) => r.id));
  }
  if (added.length > 0 || removed.length > 0) fields.push('contactPoints');
  await appendEvent(
    tx,
    {
      kind: 'customer_rectified',
      actor,
      subject: { kind: 'customer', id: customer.id },
      customerId: customer.id,
      caseId: request.caseId,
      after: { arcoRequestId: request.id, fields, contactPointsAdded: added, contactPointsRemoved: removed },
    },
    now,
  );
}

/** Records the opposition as refused consent per purpose, read by the notices as the newest row per purpose. */
async function oppose(tx: Tx, request: ArcoRow, kase: CaseRow, actor: Actor, now: Date) {
  const details = request.details as OppositionDetails | null;
  const purposes = details?.purposes ?? [];
  if (purposes.length === 0) return;
  await tx.insert(consents).values(
    purposes.map((purpose) => ({
      customerId: request.customerId,
      purpose,
      granted: false,
      channel: kase.channel,
      textVersion: 'arco',
      arcoRequestId: request.id,
      recordedByAgentId: actor.agentId,
      recordedAt: now,
    })),
  );
}

/**
 * Carries out a granted request (`ejecutada`: the execution clock met, the case resolved): corrections
 * applied, the person erased, opposition recorded, or — for access — the export opened in the portal.
 */
export async function executeArcoRequest(deps: ArcoDeps, actor: Actor, id: string): Promise<ArcoResponse> {
  const now = deps.clock.now();
  const removedBlobs = await deps.db.transaction(async (tx) => {
    const { request, kase } = await lockForDecision(tx, actor, id);
    if (request.status !== 'respondida')
      throw conflict('arco.illegal_transition', `The request is ${request.status}; answer it first`);
    if (!request.identityVerifiedAt)
      throw conflict('arco.identity_required', 'Check the identity of who asks before carrying it out');
    const by = agentActor(actor);
    let blobs: string[] = [];
    let retainUntil: Date | null = null;
    const subtype: ArcoSubtype = request.subtype;
    if (subtype === 'rectificacion') await rectify(tx, request, by, now);
    if (subtype === 'oposicion') await oppose(tx, request, kase, actor, now);
    if (subtype === 'cancelacion') {
      const outcome = await anonymiseCustomer(deps, tx, request.customerId, by, {
        caseId: kase.id,
        arcoRequestId: id,
      });
      blobs = outcome.removedBlobs;
      retainUntil = outcome.retained ? await retentionEnd(deps, tx, now) : null;
    }
    await tx
      .update(arcoRequests)
      .set({
        status: 'ejecutada',
        executedAt: now,
        updatedAt: now,
        retainUntil,
        ...(subtype === 'cancelacion' && !retainUntil ? { retentionAnonymisedAt: now } : {}),
      })
      .where(eq(arcoRequests.id, id));
    await meetDeadlines(deps, tx, subjectOf(id), now, EXECUTION_CLOCK);
    const [current] = await tx.select().from(cases).where(eq(cases.id, kase.id));
    if (current) await moveCase(deps, tx, current, 'resuelto', actor);
    await appendEvent(
      tx,
      {
        kind: 'arco_executed',
        actor: by,
        subject: subjectOf(id),
        caseId: kase.id,
        customerId: request.customerId,
        before: { status: request.status },
        after: { status: 'ejecutada', subtype },
      },
      now,
    );
    return blobs;
  });
  await removeBlobFiles(deps.database, removedBlobs);
  return getArcoRequest(deps, actor, id);
}

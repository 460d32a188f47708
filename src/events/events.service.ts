import { and, asc, eq, isNull } from 'drizzle-orm';
import type { SystemActor } from '../auth/system-rules.ts';
import type { Tx } from '../db/database.ts';
import { eventNotes, events } from '../db/schema.ts';
import type { EventKind, EventSubject } from '../domain/vocabulary.ts';

export type { EventKind } from '../domain/vocabulary.ts';

/**
 * Who caused an event: an agent, the customer or their representative (through a channel), or Atiende
 * itself on a named rule.
 */
export type EventActor =
  | { kind: 'agente'; agentId: string }
  | { kind: 'cliente' }
  | { kind: 'representante' }
  | SystemActor;

/** An agent (through a session or an API token) as the actor of an event. */
export const agentActor = (actor: { agentId: string }): EventActor => ({
  kind: 'agente',
  agentId: actor.agentId,
});

export interface NewEvent {
  kind: EventKind;
  actor: EventActor;
  /** What changed; by default the case, else the customer, the event is placed on. */
  subject?: { kind: EventSubject; id: string };
  caseId?: string;
  customerId?: string;
  /** Ids, codes and states only: personal data stays out of the audit trail so it can be erased elsewhere. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** A code saying why (`round_robin`…), never words a person wrote: those go in `note`. */
  reason?: string | null;
  /** A person's own words about the change, kept in the erasable `event_notes`. */
  note?: string | null;
}

function subjectOf(e: NewEvent): { kind: EventSubject; id: string } {
  if (e.subject) return e.subject;
  if (e.caseId) return { kind: 'case', id: e.caseId };
  if (e.customerId) return { kind: 'customer', id: e.customerId };
  throw new Error(`event ${e.kind} names no subject`);
}

/**
 * The rows of events to append, for callers that insert them together with other rows in one statement.
 * Events with a note need `appendEvents`, which stores the note first.
 */
export const eventValues = (list: NewEvent[], at?: Date): Array<typeof events.$inferInsert> =>
  list.map((e) => eventRow(e, null, at));

function eventRow(e: NewEvent, noteId: string | null, at?: Date): typeof events.$inferInsert {
  if (e.note && !noteId) throw new Error(`event ${e.kind} has a note: append it with appendEvents`);
  const subject = subjectOf(e);
  return {
    kind: e.kind,
    subjectKind: subject.kind,
    subjectId: subject.id,
    actorKind: e.actor.kind,
    actorAgentId: e.actor.kind === 'agente' ? e.actor.agentId : null,
    actorRule: e.actor.kind === 'sistema' ? e.actor.rule : null,
    caseId: e.caseId ?? null,
    customerId: e.customerId ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
    reason: e.reason ?? null,
    noteId,
    ...(at ? { createdAt: at } : {}),
  };
}

/** Appends events in the caller's transaction; the database refuses any later change to them. */
export async function appendEvents(tx: Tx, list: NewEvent[], at?: Date): Promise<void> {
  if (list.length === 0) return;
  const rows = [];
  for (const e of list) {
    let noteId: string | null = null;
    if (e.note) {
      const [note] = await tx
        .insert(eventNotes)
        .values({ body: e.note, ...(at ? { createdAt: at } : {}) })
        .returning({ id: eventNotes.id });
      noteId = note?.id ?? null;
    }
    rows.push(eventRow(e, noteId, at));
  }
  await tx.insert(events).values(rows);
}

export const appendEvent = (tx: Tx, event: NewEvent, at?: Date) => appendEvents(tx, [event], at);

export async function caseEvents(tx: Tx, caseId: string) {
  return tx
    .select({ event: events, note: { body: eventNotes.body, erasedAt: eventNotes.erasedAt } })
    .from(events)
    .leftJoin(eventNotes, eq(eventNotes.id, events.noteId))
    .where(eq(events.caseId, caseId))
    .orderBy(asc(events.id));
}

/** Events about one subject, oldest first (an agent's or a token's history, say). */
export async function subjectEvents(tx: Tx, subject: { kind: EventSubject; id: string }) {
  return tx
    .select({ event: events, note: { body: eventNotes.body, erasedAt: eventNotes.erasedAt } })
    .from(events)
    .leftJoin(eventNotes, eq(eventNotes.id, events.noteId))
    .where(and(eq(events.subjectKind, subject.kind), eq(events.subjectId, subject.id)))
    .orderBy(asc(events.id));
}

/**
 * Erases the words of the notes cited by the given events (an ARCO cancellation): the events stay, with
 * their codes and times; each note keeps only when it was erased. Returns how many notes were erased.
 */
export async function eraseNotes(tx: Tx, noteIds: string[], now: Date): Promise<number> {
  let erased = 0;
  for (const id of noteIds) {
    const rows = await tx
      .update(eventNotes)
      .set({ body: '', erasedAt: now })
      .where(and(eq(eventNotes.id, id), isNull(eventNotes.erasedAt)))
      .returning({ id: eventNotes.id });
    erased += rows.length;
  }
  return erased;
}

type EventWithNote = Awaited<ReturnType<typeof caseEvents>>[number];

export const presentEvent = ({ event: row, note }: EventWithNote) => ({
  id: row.id,
  kind: row.kind,
  subject: { kind: row.subjectKind, id: row.subjectId },
  actorKind: row.actorKind,
  actorAgentId: row.actorAgentId,
  actorRule: row.actorRule,
  before: row.before as Record<string, unknown> | null,
  after: row.after as Record<string, unknown> | null,
  reason: row.reason,
  note: note && !note.erasedAt ? note.body : null,
  noteErased: Boolean(note?.erasedAt),
  at: row.createdAt.toISOString(),
});

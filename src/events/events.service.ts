import { asc, eq } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import { events } from '../db/schema.ts';
import type { EventKind } from '../domain/vocabulary.ts';

export type { EventKind } from '../domain/vocabulary.ts';

/** Who caused an event: an agent, the customer or their representative (through a channel), or Atiende itself. */
export type EventActor =
  | { kind: 'agente'; agentId: string }
  | { kind: 'cliente' }
  | { kind: 'representante' }
  | { kind: 'sistema' };

export interface NewEvent {
  kind: EventKind;
  actor: EventActor;
  caseId?: string;
  customerId?: string;
  /** Ids, codes and states only: personal data stays out of the audit trail so it can be erased elsewhere. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string | null;
}

/** The rows of events to append, for callers that insert them together with other rows in one statement. */
export const eventValues = (list: NewEvent[], at?: Date): Array<typeof events.$inferInsert> =>
  list.map((e) => ({
    kind: e.kind,
    actorKind: e.actor.kind,
    actorAgentId: e.actor.kind === 'agente' ? e.actor.agentId : null,
    caseId: e.caseId ?? null,
    customerId: e.customerId ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
    reason: e.reason ?? null,
    ...(at ? { createdAt: at } : {}),
  }));

/** Appends events in the caller's transaction; the database refuses any later change to them. */
export async function appendEvents(tx: Tx, list: NewEvent[], at?: Date): Promise<void> {
  if (list.length === 0) return;
  await tx.insert(events).values(eventValues(list, at));
}

export const appendEvent = (tx: Tx, event: NewEvent, at?: Date) => appendEvents(tx, [event], at);

export async function caseEvents(tx: Tx, caseId: string) {
  return tx.select().from(events).where(eq(events.caseId, caseId)).orderBy(asc(events.id));
}

export const presentEvent = (row: typeof events.$inferSelect) => ({
  id: row.id,
  kind: row.kind,
  actorKind: row.actorKind,
  actorAgentId: row.actorAgentId,
  before: row.before as Record<string, unknown> | null,
  after: row.after as Record<string, unknown> | null,
  reason: row.reason,
  at: row.createdAt.toISOString(),
});

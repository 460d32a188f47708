import type { Tx } from '../db/database.ts';
import type { deadlines } from '../db/schema.ts';
import type { EventSubject } from '../domain/vocabulary.ts';

export type DeadlineRow = typeof deadlines.$inferSelect;

/** What a deadline is about: a case, a service awaiting reconnection, an ARCO request… */
export interface DeadlineSubject {
  kind: EventSubject;
  id: string;
}

/** Who hears about a subject's deadline, looked up when its check runs (assignments change). */
export interface DeadlineRecipients {
  /** Told at the warning share of the target. */
  warn: string[];
  /** Told at the breach. */
  escalate: string[];
  /** The area whose agents may acknowledge the subject's alerts; without one, only those told and admins. */
  areaId?: number;
  /** Timelines the warning and breach events appear on besides the subject's own. */
  timelines?: { caseId?: string; customerId?: string };
}

export interface DeadlineSubjectHandlers {
  /** Null when the subject no longer exists: its clocks then raise nothing. */
  recipients(tx: Tx, subjectId: string): Promise<DeadlineRecipients | null>;
  /**
   * Called in the same transaction after subjects' deadlines changed (one, or many in a bulk change),
   * with all of each one's deadlines as they now are, by subject id.
   */
  onChanged?(tx: Tx, rowsBySubject: Map<string, DeadlineRow[]>, warnAt: number): Promise<void>;
}

const registry = new Map<EventSubject, DeadlineSubjectHandlers>();

/**
 * Makes a kind of subject able to have deadlines. The module that starts a subject's clocks registers it
 * when it loads, so every process that can serve the subject's requests can also run its checks.
 */
export function registerDeadlineSubject(kind: EventSubject, handlers: DeadlineSubjectHandlers): void {
  registry.set(kind, handlers);
}

/** The handlers of a kind of subject; a clock of a kind nobody registered is a programming error. */
export function deadlineSubject(kind: EventSubject): DeadlineSubjectHandlers {
  const handlers = registry.get(kind);
  if (!handlers) throw new Error(`No deadline subject registered for ${kind}`);
  return handlers;
}

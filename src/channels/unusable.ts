import { z } from 'zod';
import { AppError } from '../http/errors.ts';

/**
 * Transport ids are short (a wamid or a Messenger mid is about 100 characters); a longer one is refused
 * before it reaches an index, where PostgreSQL would reject it with the whole transaction.
 */
export const MAX_EXTERNAL_ID_LENGTH = 512;

export const ExternalId = z.string().min(1).max(MAX_EXTERNAL_ID_LENGTH);

const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** A transport's instant (in milliseconds) that a date column can hold and an agent can believe. */
export const isPlausibleInstant = (ms: number) => Number.isFinite(ms) && ms >= EARLIEST && ms < LATEST;

/** A message that cannot be taken in, for a reason other than its shape. */
export class UnusableMessage extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Why a message could not be read, as a code naming the field (`parse:timestamp`), never its value. */
export function unusableReason(error: unknown): string {
  if (error instanceof UnusableMessage) return error.reason;
  if (error instanceof z.ZodError) {
    const path = error.issues[0]?.path.filter((p) => typeof p === 'string') ?? [];
    return `parse:${path.join('.') || 'shape'}`;
  }
  if (error instanceof AppError) return `parse:${error.field ?? error.code}`;
  return 'parse:error';
}

/** The id of a raw message for an admin to recognise it, when it is one an index could hold. */
export function externalIdOf(raw: unknown, key: string): string | undefined {
  const id = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[key] : undefined;
  return typeof id === 'string' && ExternalId.safeParse(id).success ? id : undefined;
}

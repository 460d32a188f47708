import pino, { type Logger } from 'pino';
import { databaseErrorFields } from '../db/errors.ts';

/**
 * Query parameters whose values may be logged. Everything else is logged by name only: searches,
 * phones and e-mails (`?q=`, `?phone=`) are personal data, and Meta's handshake sends its verify token
 * in the query string.
 */
const LOGGED_QUERY_VALUES = new Set(['limit', 'sort', 'status', 'format', 'kind', 'view']);

/** A URL fit for a log line: the path, and the query's parameter names with only harmless values. */
export function loggableUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const params = new URLSearchParams(url.slice(mark + 1));
  const shown = [...params.keys()].map((key) =>
    LOGGED_QUERY_VALUES.has(key) ? `${key}=${encodeURIComponent(params.get(key) ?? '')}` : `${key}=…`,
  );
  return shown.length > 0 ? `${url.slice(0, mark)}?${shown.join('&')}` : url.slice(0, mark);
}

interface LoggedRequest {
  id?: string;
  method?: string;
  url?: string;
  ip?: string;
}

/** Errors as logged: a database error by its state and constraint, anything else by type, message and stack. */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const database = databaseErrorFields(error);
  if (database) return { type: error.name, message: 'database error', ...database, stack: stackOnly(error) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    stack: stackOnly(error),
  };
}

// A stack begins with the message (several lines, for a failed query with its parameters): frames only.
const stackOnly = (error: Error) =>
  error.stack
    ?.split('\n')
    .filter((line) => line.startsWith('    at '))
    .join('\n');

/** The one logger of a process, with serializers that keep secrets and personal data out of logs. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    serializers: {
      err: loggableError,
      error: loggableError,
      req: (request: LoggedRequest) => ({
        method: request.method,
        url: request.url ? loggableUrl(request.url) : undefined,
        remoteAddress: request.ip,
      }),
    },
  });
}

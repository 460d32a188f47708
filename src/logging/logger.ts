import pino, { type Logger } from 'pino';
import { databaseErrorFields } from '../db/errors.ts';

/**
 * Query parameters whose values may be logged. Everything else is logged by name only: searches,
 * phones and e-mails (`?q=`, `?phone=`) are personal data, and Meta's handshake sends its verify token
 * in the query string.
 */
const LOGGED_QUERY_VALUES = new Set(['limit', 'sort', 'status', 'format', 'kind', 'view']);

/** Paths whose last segment is a credential (a survey link's token): logged as `…`. */
const SECRET_PATH_SEGMENT = /^((?:\/api\/v1)?\/portal\/(?:surveys|encuesta)\/)[^/?#]+/;

/** A URL fit for a log line: the path without credentials, and the query's parameter names with only harmless values. */
export function loggableUrl(url: string): string {
  const mark = url.indexOf('?');
  const path = (mark < 0 ? url : url.slice(0, mark)).replace(SECRET_PATH_SEGMENT, '$1…');
  if (mark < 0) return path;
  const params = new URLSearchParams(url.slice(mark + 1));
  const shown = [...params.keys()].map((key) =>
    LOGGED_QUERY_VALUES.has(key) ? `${key}=${encodeURIComponent(params.get(key) ?? '')}` : `${key}=…`,
  );
  return shown.length > 0 ? `${path}?${shown.join('&')}` : path;
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

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
// What every line has, or what the human line already shows in its own place.
const SHOWN_APART = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'req', 'err', 'error']);

const clock = (time: unknown) => {
  // A log line shows the wall time it was written, not the application's (possibly moved) clock.
  const date = new Date(typeof time === 'number' ? time : Date.now());
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
};

const scalar = (value: unknown) =>
  typeof value === 'string' ? (/[\s"=]/.test(value) ? JSON.stringify(value) : value) : JSON.stringify(value);

/**
 * A pino record as one line a person reads in a terminal: local time, level, message, the request and
 * the remaining fields as key=value. A logged error adds its frames below, indented.
 */
export function humanLine(record: Record<string, unknown>): string {
  const level = (LEVEL_NAMES[Number(record.level)] ?? String(record.level)).padEnd(5);
  const parts = [clock(record.time), level];
  const req = record.req as { method?: string; url?: string } | undefined;
  if (req?.method) parts.push(`${req.method} ${req.url ?? ''}`);
  if (typeof record.msg === 'string' && record.msg) parts.push(record.msg);
  for (const [key, value] of Object.entries(record)) {
    if (!SHOWN_APART.has(key) && value !== undefined) parts.push(`${key}=${scalar(value)}`);
  }
  const err = (record.err ?? record.error) as { message?: string; code?: string; stack?: string } | undefined;
  if (err) {
    parts.push(`error=${scalar(err.message ?? '')}${err.code ? ` code=${err.code}` : ''}`);
    if (err.stack) return `${parts.join(' ')}\n${err.stack}\n`;
  }
  return `${parts.join(' ')}\n`;
}

/** A pino destination writing {@link humanLine}s; anything that is not a JSON record passes unchanged. */
export function humanDestination(out: { write(text: string): unknown }): { write(chunk: string): void } {
  return {
    write(chunk: string) {
      try {
        out.write(humanLine(JSON.parse(chunk) as Record<string, unknown>));
      } catch {
        out.write(chunk);
      }
    },
  };
}

/**
 * The one logger of a process, with serializers that keep secrets and personal data out of logs. On a
 * terminal the lines are for people (see {@link humanLine}); under a service manager or in a container
 * they stay JSON for the log collector.
 */
export function createLogger(
  level: string,
  options: { human?: boolean; out?: { write(text: string): unknown } } = {},
): Logger {
  const human = options.human ?? process.stdout.isTTY === true;
  const settings = {
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
  };
  if (human) return pino(settings, humanDestination(options.out ?? process.stdout));
  return options.out ? pino(settings, options.out) : pino(settings);
}

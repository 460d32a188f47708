/**
 * What an error says about the database, read from the error or its causes (drizzle wraps the driver's
 * error). Used to answer "unavailable, retry" for outages and to log failures without their data.
 */

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  routine?: unknown;
  severity?: unknown;
  query?: unknown;
  cause?: unknown;
  message?: unknown;
}

function* chain(error: unknown): Generator<DriverError> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    yield current as DriverError;
    current = (current as DriverError).cause;
  }
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// Connection exceptions (08), shutdown/cannot connect now (57P01–57P03), too many connections (53300),
// statement or lock timeouts (57014, 55P03): the request may succeed later, the input was fine.
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '53000', '57014', '55P03']);
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|connection error|Client was closed|Query read timeout/i;

/** The SQLSTATE of a database error, if the error is one. */
export function sqlStateOf(error: unknown): string | undefined {
  for (const link of chain(error)) {
    if (typeof link.code === 'string' && SQLSTATE.test(link.code)) return link.code;
  }
  return undefined;
}

/** The database is down, unreachable, overloaded or timed out: retry later, nothing was wrong with the request. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const link of chain(error)) {
    if (typeof link.code === 'string') {
      if (NETWORK_CODES.has(link.code) || UNAVAILABLE_STATES.has(link.code) || link.code.startsWith('08'))
        return true;
    }
    if (typeof link.message === 'string' && UNAVAILABLE_MESSAGES.test(link.message)) return true;
  }
  return false;
}

/**
 * The parts of a database error that are safe to log: the state, the constraint, where, and the SQL
 * text with its placeholders — never the parameters or the server's detail line, which carry
 * password hashes, tokens, phone numbers and message bodies.
 */
export function databaseErrorFields(error: unknown): Record<string, unknown> | undefined {
  const sqlState = sqlStateOf(error);
  if (!sqlState) return undefined;
  const fields: Record<string, unknown> = { sqlState };
  for (const link of chain(error)) {
    for (const key of ['constraint', 'table', 'column', 'routine', 'severity'] as const) {
      if (typeof link[key] === 'string' && fields[key] === undefined) fields[key] = link[key];
    }
    if (typeof link.query === 'string' && fields.query === undefined) fields.query = link.query;
  }
  return fields;
}

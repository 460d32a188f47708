import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, humanLine, loggableError, loggableUrl } from './logger.ts';

describe('loggableUrl', () => {
  it.each([
    ['/api/v1/cases', '/api/v1/cases'],
    ['/api/v1/cases?limit=50&status=nuevo', '/api/v1/cases?limit=50&status=nuevo'],
    ['/api/v1/customers?phone=%2B528112345678', '/api/v1/customers?phone=…'],
    ['/api/v1/cases?q=Trevi%C3%B1o&limit=20', '/api/v1/cases?q=…&limit=20'],
    [
      '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=1',
      '/webhooks/whatsapp?hub.mode=…&hub.verify_token=…&hub.challenge=…',
    ],
    ['/portal?', '/portal'],
    ['/api/v1/portal/surveys/tok_abc123', '/api/v1/portal/surveys/…'],
    ['/portal/encuesta/tok_abc123?lang=en', '/portal/encuesta/…?lang=…'],
  ])('%s → %s', (url, expected) => {
    expect(loggableUrl(url)).toBe(expected);
  });
});

describe('loggableError', () => {
  it('logs a database error by state, constraint and SQL text, never its parameters or detail', () => {
    const driver = Object.assign(
      new Error('duplicate key value violates unique constraint "agents_email_key"'),
      {
        code: '23505',
        constraint: 'agents_email_key',
        table: 'agents',
        detail: 'Key (email)=(ana@example.com) already exists.',
      },
    );
    const wrapped = Object.assign(
      new Error(
        'Failed query: insert into agents (email, password_hash) values ($1, $2)\nparams: ana@example.com,$argon2id$v=19$secret',
      ),
      {
        query: 'insert into agents (email, password_hash) values ($1, $2)',
        params: ['ana@example.com', '$argon2id$secret'],
        cause: driver,
      },
    );
    const logged = JSON.stringify(loggableError(wrapped));
    expect(logged).toContain('23505');
    expect(logged).toContain('agents_email_key');
    expect(logged).not.toContain('ana@example.com');
    expect(logged).not.toContain('argon2');
  });

  it('keeps an ordinary error by type and message', () => {
    expect(loggableError(new TypeError('x is not a function'))).toMatchObject({
      type: 'TypeError',
      message: 'x is not a function',
    });
  });

  it('is what pino uses for err', async () => {
    const { createLogger } = await import('./logger.ts');
    const lines: string[] = [];
    const logger = createLogger('info');
    // Serializers travel with the logger to children made for each request.
    const child = pino(
      {
        serializers: (logger as unknown as { [k: symbol]: Record<string, unknown> })[
          pino.symbols.serializersSym
        ] as never,
      },
      new Writable({
        write: (chunk, _e, done) => {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    child.error(
      {
        err: Object.assign(new Error('Failed query: x\nparams: +528112345678'), { cause: { code: '22021' } }),
      },
      'boom',
    );
    expect(lines.join('')).toContain('22021');
    expect(lines.join('')).not.toContain('+528112345678');
  });
});

describe('the human format for terminals', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, out: { write: (text: string) => lines.push(text) } };
  };

  it('writes one line per record: time, level, request, message, remaining fields', () => {
    const line = humanLine({
      level: 20,
      time: new Date(2026, 0, 5, 9, 3, 7, 42).getTime(),
      pid: 1,
      hostname: 'h',
      reqId: 'r-1',
      req: { method: 'GET', url: '/api/v1/cases?q=…', remoteAddress: '127.0.0.1' },
      status: 200,
      ms: 12,
      msg: 'request completed',
    });
    expect(line).toBe(
      '09:03:07.042 DEBUG GET /api/v1/cases?q=… request completed reqId=r-1 status=200 ms=12\n',
    );
  });

  it('quotes values with spaces and adds an error with its frames below', () => {
    const line = humanLine({
      level: 50,
      time: 0,
      msg: 'unhandled error',
      area: 'Atención a quejas',
      err: { message: 'boom', code: 'E1', stack: '    at f (a.ts:1:1)' },
    });
    expect(line).toMatch(/ERROR unhandled error area="Atención a quejas" error=boom code=E1\n {4}at f/);
  });

  it('is what createLogger writes when asked for people, with the same serializers', () => {
    const { lines, out } = capture();
    const logger = createLogger('debug', { human: true, out });
    logger.debug({ req: { method: 'GET', url: '/api/v1/customers?phone=8112345678' } }, 'request completed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('DEBUG GET /api/v1/customers?phone=… request completed');
    expect(lines[0]).not.toContain('8112345678');
  });

  it('stays JSON for log collectors', () => {
    const { lines, out } = capture();
    createLogger('info', { human: false, out }).info({ status: 200 }, 'ok');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 30, msg: 'ok', status: 200 });
  });
});

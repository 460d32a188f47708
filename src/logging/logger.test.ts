import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggableError, loggableUrl } from './logger.ts';

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

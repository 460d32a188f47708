import { describe, expect, it } from 'vitest';
import { databaseErrorFields, isDatabaseUnavailable, sqlStateOf } from './errors.ts';

const wrapped = (cause: object) => Object.assign(new Error('Failed query: select 1\nparams: '), { cause });

describe('database errors', () => {
  it.each([
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      true,
    ],
    ['pool timeout', new Error('timeout exceeded when trying to connect'), true],
    ['connection terminated', wrapped(new Error('Connection terminated unexpectedly')), true],
    ['admin shutdown 57P01', wrapped({ code: '57P01' }), true],
    ['connection exception 08006', wrapped({ code: '08006' }), true],
    ['statement timeout 57014', wrapped({ code: '57014' }), true],
    ['lock timeout 55P03', wrapped({ code: '55P03' }), true],
    ['too many connections 53300', wrapped({ code: '53300' }), true],
    ['unique violation 23505', wrapped({ code: '23505' }), false],
    ['NUL byte 22021', wrapped({ code: '22021' }), false],
    ['a bug', new TypeError('x is undefined'), false],
  ])('%s → unavailable: %s', (_label, error, expected) => {
    expect(isDatabaseUnavailable(error)).toBe(expected);
  });

  it('reads the SQLSTATE through the wrapper and keeps only safe fields', () => {
    const error = wrapped({ code: '23505', constraint: 'agents_email_key', detail: 'Key (email)=(a@b.c)' });
    expect(sqlStateOf(error)).toBe('23505');
    expect(databaseErrorFields(error)).toEqual({ sqlState: '23505', constraint: 'agents_email_key' });
    expect(sqlStateOf(new Error('plain'))).toBeUndefined();
  });
});

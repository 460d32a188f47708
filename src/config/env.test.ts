import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, EXAMPLE_PROFILE_PATH, loadConfig } from './env.ts';

describe('loadConfig', () => {
  it('runs out of the box with defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      dataDir: path.resolve('./data'),
      databaseUrl: undefined,
      initialAdmin: undefined,
      profilePath: EXAMPLE_PROFILE_PATH,
      trustProxy: false,
      logLevel: 'info',
    });
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'abc',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        ATIENDE_ADMIN_EMAIL: 'a@b.mx',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'ATIENDE_ADMIN_PASSWORD']) {
      expect(problems).toContain(name);
    }
  });

  it.each([
    ['true', true],
    ['false', false],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1', '10.0.0.0/8, 127.0.0.1'],
  ])('parses TRUST_PROXY=%s', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('lower-cases the configured admin e-mail and accepts PostgreSQL URLs', () => {
    const config = loadConfig({
      ATIENDE_ADMIN_EMAIL: 'Jefa@Monet.MX',
      ATIENDE_ADMIN_PASSWORD: 'twelve chars!',
      DATABASE_URL: 'postgres://u@h:5432/db',
    });
    expect(config.initialAdmin?.email).toBe('jefa@monet.mx');
    expect(config.databaseUrl).toBe('postgres://u@h:5432/db');
  });

  it('takes the public address customers reach, defaulting to this port on localhost', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://soporte.monet.mx/' }).publicUrl).toBe(
      'https://soporte.monet.mx',
    );
    expect(() => loadConfig({ PUBLIC_URL: 'soporte.monet.mx' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://soporte.monet.mx' })).toThrow(/PUBLIC_URL/);
  });
});

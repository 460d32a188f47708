import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { signMetaPayload, verifyMetaSignature } from './signature.ts';

const SECRET = 'app-secret-for-tests';
const raw = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', `${name}.json`));

describe('Meta webhook signatures', () => {
  const body = raw('wa-text');
  const header = signMetaPayload(body, SECRET);

  it('accepts the signature of the exact bytes', () => {
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyMetaSignature(body, header, SECRET)).toBe(true);
    expect(verifyMetaSignature(body, ` ${header.toUpperCase().replace('SHA256=', 'sha256=')} `, SECRET)).toBe(
      true,
    );
  });

  it('refuses a tampered body and another secret', () => {
    const tampered = Buffer.from(body.toString('utf8').replace('martes', 'jueves'));
    expect(verifyMetaSignature(tampered, header, SECRET)).toBe(false);
    expect(verifyMetaSignature(body, header, 'another-app-secret')).toBe(false);
  });

  it('checks the raw bytes: the same payload re-serialised without the \\u00f1 escapes fails', () => {
    const escaped = raw('wa-batch-escaped-spanish');
    expect(escaped.toString('utf8')).toContain('Se\\u00f1al');
    const signature = signMetaPayload(escaped, SECRET);
    expect(verifyMetaSignature(escaped, signature, SECRET)).toBe(true);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(escaped.toString('utf8'))));
    expect(reserialised.toString('utf8')).toContain('Señal');
    expect(verifyMetaSignature(reserialised, signature, SECRET)).toBe(false);
    const pretty = Buffer.from(JSON.stringify(JSON.parse(escaped.toString('utf8')), null, 2));
    expect(verifyMetaSignature(pretty, signature, SECRET)).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['without the prefix', header.slice('sha256='.length)],
    ['with another algorithm', header.replace('sha256=', 'sha1=')],
    ['too short', header.slice(0, -2)],
    ['too long', `${header}00`],
    ['not hex', `sha256=${'z'.repeat(64)}`],
  ])('refuses a header that is %s', (_label, value) => {
    expect(verifyMetaSignature(body, value, SECRET)).toBe(false);
  });

  it('refuses everything when no app secret is configured', () => {
    expect(verifyMetaSignature(body, signMetaPayload(body, ''), '')).toBe(false);
  });
});

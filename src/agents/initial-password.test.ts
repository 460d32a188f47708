import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INITIAL_PASSWORD_FILE, revealInitialPassword } from './initial-password.ts';

describe('the first admin password', () => {
  const admin = { email: 'admin@localhost', generatedPassword: 'generated-secret-123' };

  it('is printed on a terminal', () => {
    const printed: string[] = [];
    const dataDir = mkdtempSync(path.join(tmpdir(), 'atiende-pw-'));
    revealInitialPassword(admin, { dataDir, terminal: true, write: (t) => printed.push(t) });
    expect(printed.join('')).toContain(admin.generatedPassword);
  });

  it('goes to an owner-only file, not to the output, when the output is not a terminal', () => {
    const printed: string[] = [];
    const dataDir = mkdtempSync(path.join(tmpdir(), 'atiende-pw-'));
    revealInitialPassword(admin, { dataDir, terminal: false, write: (t) => printed.push(t) });
    const file = path.join(dataDir, INITIAL_PASSWORD_FILE);
    expect(printed.join('')).not.toContain(admin.generatedPassword);
    expect(printed.join('')).toContain(file);
    expect(readFileSync(file, 'utf8')).toContain(admin.generatedPassword);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('says nothing when the password was given, not generated', () => {
    const printed: string[] = [];
    revealInitialPassword(
      { email: 'a@b.c' },
      { dataDir: '/nonexistent', terminal: false, write: (t) => printed.push(t) },
    );
    expect(printed).toEqual([]);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const INITIAL_PASSWORD_FILE = 'initial-admin-password.txt';

/**
 * Hands the generated first admin password to a person, once. On a terminal it is printed; otherwise
 * (a service manager, a container, a log collector) it would end up in a log kept for years, so it goes
 * to a file only the owner can read, in the data folder, and only the file's name is printed.
 */
export function revealInitialPassword(
  admin: { email: string; generatedPassword?: string } | undefined,
  options: { dataDir: string; terminal: boolean; write: (text: string) => void },
) {
  if (!admin?.generatedPassword) return;
  if (options.terminal) {
    options.write(
      `\nFirst administrator created — shown only this once:\n  e-mail:   ${admin.email}\n  password: ${admin.generatedPassword}\n\n`,
    );
    return;
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(options.dataDir, INITIAL_PASSWORD_FILE);
  writeFileSync(file, `${admin.email}\n${admin.generatedPassword}\n`, { mode: 0o600 });
  options.write(
    `\nFirst administrator ${admin.email} created; its password is in ${file} (readable only by this user). Delete the file after the first login.\n\n`,
  );
}

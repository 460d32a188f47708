import { AppError } from '../http/errors.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

/** Why a password is refused; stable codes the console turns into words. */
export type PasswordWeakness = 'too_short' | 'too_long' | 'common' | 'same_as_email' | 'unchanged';

// NFC first: the same "contraseña" typed on two keyboards may arrive composed or decomposed.
const canonical = (text: string) => text.normalize('NFC').toLocaleLowerCase('es-MX');

/**
 * The one password policy (agent creation, own change, admin reset, the CLI, the configured first admin):
 * 12 to 200 code points, not a well-known password, not the agent's e-mail, and — on a change — not the
 * password it replaces. Answers the first reason it fails, or undefined.
 */
export function passwordWeakness(
  password: string,
  context: { email?: string; current?: string } = {},
): PasswordWeakness | undefined {
  const length = [...password.normalize('NFC')].length;
  if (length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'too_long';
  const candidate = canonical(password);
  if (COMMON_PASSWORDS.has(candidate)) return 'common';
  if (context.email !== undefined && candidate.trim() === canonical(context.email).trim()) {
    return 'same_as_email';
  }
  if (context.current !== undefined && password === context.current) return 'unchanged';
  return undefined;
}

const EXPLANATION: Record<PasswordWeakness, string> = {
  too_short: `The password needs at least ${PASSWORD_MIN_LENGTH} characters`,
  too_long: `The password may have at most ${PASSWORD_MAX_LENGTH} characters`,
  common: 'That password is too common; choose another',
  same_as_email: 'The password may not be the e-mail address',
  unchanged: 'The new password must differ from the current one',
};

/** Throws the 422 `auth.weak_password` problem, naming the field and the reason, when the policy refuses. */
export function assertPasswordPolicy(
  password: string,
  context: { field: string; email?: string; current?: string },
): void {
  const reason = passwordWeakness(password, context);
  if (!reason) return;
  throw new AppError('auth.weak_password', {
    status: 422,
    field: context.field,
    detail: EXPLANATION[reason],
    extra: { reason },
  });
}

import type { TFunction } from 'i18next';
import type { ApiError } from '../shared/api.ts';

const WEAKNESSES = ['too_short', 'too_long', 'common', 'same_as_email', 'unchanged'] as const;
type Weakness = (typeof WEAKNESSES)[number];

/** Why the server refused a password (`auth.weak_password`), in the person's language; undefined otherwise. */
export function weakPasswordText(t: TFunction<['console', 'common']>, error: ApiError): string | undefined {
  if (error.code !== 'auth.weak_password') return undefined;
  const reason = error.problem.reason;
  return WEAKNESSES.includes(reason as Weakness)
    ? t(`password.weak.${reason as Weakness}`)
    : (error.detail ?? t('password.weak.common'));
}

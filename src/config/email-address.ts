import { z } from 'zod';

/**
 * An e-mail address as agents log in with: local part @ host, lower-cased. Looser than zod's `z.email()`
 * on purpose, so single-label hosts such as `admin@localhost` (the first admin of a fresh install) pass.
 */
export const EmailAddress = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'not an e-mail address')
  .transform((e) => e.toLowerCase());

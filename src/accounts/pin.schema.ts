import { z } from 'zod';
import { IDENTITY_CHECKS, LEDGER_KINDS, SERVICE_STATUSES } from '../domain/vocabulary.ts';
import { PortalServiceRights } from '../rights/portal-rights.ts';
import { PIN_MAX_LENGTH } from './pin-policy.ts';

export const AccountNumber = z.string().trim().min(1).max(40);

/** Digits only, as typed; whether it is too short or too trivial is the policy's answer (422), not 400. */
export const PinInput = z
  .string()
  .trim()
  .regex(/^\d+$/, 'digits only')
  .max(PIN_MAX_LENGTH * 2);

export const OneTimeCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'six digits');

export const PortalPinCodeRequest = z.object({
  accountNumber: AccountNumber,
  /** A phone number or e-mail address the account holder has on file: the code goes there. */
  factor: z.string().trim().min(3).max(254),
});

export const PortalPinCodeSent = z.object({ expiresAt: z.string() });

export const PortalSetPin = z.object({
  accountNumber: AccountNumber,
  code: OneTimeCode,
  pin: PinInput,
});

export const PortalAccountLogin = z.object({ accountNumber: AccountNumber, pin: PinInput });

const Movement = z.object({
  id: z.number().int(),
  kind: z.enum(LEDGER_KINDS),
  amountCentavos: z.number().int(),
  effectiveDate: z.string(),
  reference: z.string().nullable(),
});

/**
 * What a balance inquiry answers the customer, per service: the account and the rights the service has
 * earned (compensations, suspensions, reconnection, installation, cancellation); amounts in centavos and
 * instants in ISO, formatted by the page in the provider's zone.
 */
export const PortalBalance = z.object({
  accountNumber: z.string().nullable(),
  timeZone: z.string(),
  services: z.array(
    z
      .object({
        reference: z.string().nullable(),
        plan: z.string().nullable(),
        status: z.enum(SERVICE_STATUSES),
        balanceCentavos: z.number().int(),
        nextCutoff: z.string(),
        amountDueCentavos: z.number().int(),
        creditCentavos: z.number().int(),
        movements: z.array(Movement),
      })
      .extend(PortalServiceRights.shape),
  ),
});

export const IdentityCodeRequest = z.object({ contactPointId: z.uuid() });

export const IdentityCodeSent = z.object({
  channel: z.enum(['email', 'whatsapp']),
  expiresAt: z.string(),
});

export const IdentityCheckRequest = z.discriminatedUnion('method', [
  z.object({ method: z.literal('pin'), pin: PinInput }),
  z.object({ method: z.literal('codigo_enviado'), code: OneTimeCode }),
  z.object({ method: z.literal('datos_de_cuenta') }),
  z.object({ method: z.literal('representante_autorizado'), representativeId: z.uuid() }),
]);

export const IdentityCheckResponse = z.object({
  id: z.uuid(),
  method: z.enum(IDENTITY_CHECKS),
  agentId: z.uuid(),
  checkedAt: z.string(),
});

export const IdentityChecksOfCase = z.object({
  /** Whether the case's customer has a PIN: an agent sets one, or replaces it only after a code or the PIN. */
  pinSet: z.boolean(),
  checks: z.array(IdentityCheckResponse),
});

export const AgentSetPin = z.object({ pin: PinInput });

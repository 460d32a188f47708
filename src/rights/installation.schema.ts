import { z } from 'zod';
import { PlainDate } from '../accounts/accounts.schema.ts';
import { COMPENSATION_STATUSES, SERVICE_STATUSES } from '../domain/vocabulary.ts';

export const ContractSigningRequest = z.object({
  serviceId: z
    .uuid()
    .describe('The customer’s service awaiting installation; named on the case if it names none'),
  signedOn: PlainDate.describe(
    'The day the contract was signed, not after today nor more than 366 days before it; the deadline counts from it',
  ),
});

export const InstallationRequest = z.object({
  installedAt: z.iso
    .datetime({ offset: true })
    .describe('When the service was installed: not in the future, not before the signing date'),
});

export const InstallationResponse = z.object({
  folio: z.string(),
  serviceId: z.uuid(),
  status: z.enum(SERVICE_STATUSES),
  contractSignedOn: z.string().nullable(),
  dueAt: z.string().nullable().describe('The installation’s deadline'),
  installedAt: z.string().nullable(),
  late: z.boolean().describe('Installed after the deadline, or still not installed past it'),
  compensation: z
    .object({ id: z.uuid(), status: z.enum(COMPENSATION_STATUSES) })
    .nullable()
    .describe('The refund proposed for a late installation, for a supervisor to approve'),
});

import { z } from 'zod';
import { AttachmentInput } from '../attachments/attachments.service.ts';
import { REQUEST_TYPES } from '../cases/request-types.ts';
import { CASE_STATUSES, CONTACT_KIND_VALUES } from '../db/schema.ts';
import { REPRESENTATIVE_GRANTS } from '../domain/vocabulary.ts';
import { Instant } from '../http/instant.ts';

const Name = z.string().trim().min(1).max(200);
const AccountNumber = z.string().trim().min(1).max(50);

export const CustomerIdParams = z.object({ id: z.uuid() });
export const ContactPointParams = z.object({ id: z.uuid(), contactPointId: z.uuid() });
export const RepresentativeParams = z.object({ id: z.uuid(), representativeId: z.uuid() });

export const AddContactPointRequest = z.object({
  kind: z.enum(CONTACT_KIND_VALUES),
  address: z
    .string()
    .trim()
    .min(1)
    .max(254)
    .describe('Any usual form: "(81) 1234 5678", "+52 1 81…", a WhatsApp id, an e-mail; stored normalised'),
});

export const CreateCustomerRequest = z.object({
  accountNumber: AccountNumber.nullish().describe('Omit for a prospect'),
  name: Name.nullish(),
  contactPoints: z.array(AddContactPointRequest).max(20).default([]),
});

export const UpdateCustomerRequest = z.object({
  name: Name.nullish(),
  accountNumber: AccountNumber.nullish().describe('Null makes the customer a prospect again'),
});

export const LookupCustomersRequest = z
  .object({
    phone: z.string().trim().min(1).max(64).optional(),
    email: z.string().trim().min(1).max(254).optional(),
    accountNumber: AccountNumber.optional(),
  })
  .refine((q) => q.phone !== undefined || q.email !== undefined || q.accountNumber !== undefined, {
    message: 'give phone, email or accountNumber',
    path: ['phone'],
  });

export const MergeCustomersRequest = z.object({
  fromCustomerId: z.uuid().describe('The duplicate; it is retired and its id resolves to this customer'),
});

export const AddRepresentativeRequest = z
  .object({
    name: Name,
    contact: z.string().trim().min(1).max(254).describe('How to reach the representative'),
    idDocument: AttachmentInput.optional().describe('A copy of their official ID'),
    scope: z
      .array(z.enum(REQUEST_TYPES))
      .min(1)
      .max(REQUEST_TYPES.length)
      .nullable()
      .default(null)
      .describe('Request types they may raise; null for every procedure'),
    expiresAt: Instant.nullish(),
    contactKind: z
      .enum(CONTACT_KIND_VALUES)
      .optional()
      .describe(
        'With contactAddress: the representative’s own contact point, by which channels recognise them',
      ),
    contactAddress: z.string().trim().min(1).max(254).optional(),
    grantedVia: z
      .enum(['agente', 'carta_poder'])
      .default('agente')
      .describe('A carta poder needs idDocument and acts once a supervisor verifies it'),
  })
  .refine((body) => (body.contactKind === undefined) === (body.contactAddress === undefined), {
    message: 'give contactKind and contactAddress together',
    path: ['contactAddress'],
  });

export const RevokeRepresentativeRequest = z.object({ reason: z.string().trim().min(1).max(500) });

export const ContactPointResponse = z.object({
  id: z.uuid(),
  kind: z.enum(CONTACT_KIND_VALUES),
  address: z.string(),
  createdAt: z.string(),
});

export const CustomerResponse = z.object({
  id: z.uuid(),
  accountNumber: z.string().nullable(),
  name: z.string().nullable(),
  prospect: z.boolean(),
  contactPoints: z.array(ContactPointResponse),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const RepresentativeResponse = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  name: z.string(),
  contact: z.string(),
  contactKind: z.enum(CONTACT_KIND_VALUES).nullable(),
  contactAddress: z.string().nullable(),
  grantedVia: z.enum(REPRESENTATIVE_GRANTS),
  verifiedAt: z.string().nullable(),
  idDocument: z.object({ sha256: z.string(), filename: z.string() }).nullable(),
  scope: z.array(z.string()).nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedReason: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
});

/** A caller's number that is a representative's: who they are and the customer they act for. */
export const RepresentingResponse = z.object({
  representative: RepresentativeResponse,
  customer: z.object({ id: z.uuid(), name: z.string().nullable() }),
});

export const CustomerDetailResponse = CustomerResponse.extend({
  representatives: z.array(RepresentativeResponse),
  cases: z.array(
    z.object({ id: z.uuid(), folio: z.string(), status: z.enum(CASE_STATUSES), createdAt: z.string() }),
  ),
});

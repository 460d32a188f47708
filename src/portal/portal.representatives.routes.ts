import { z } from 'zod';
import { PortalAccountLogin } from '../accounts/pin.schema.ts';
import { verifyPin } from '../accounts/pin.service.ts';
import { REQUEST_TYPES } from '../cases/request-types.ts';
import type { AppContext } from '../context.ts';
import {
  addRepresentative,
  listRepresentatives,
  type RepresentativeRow,
  revokeRepresentative,
} from '../customers/representatives.service.ts';
import type { HttpApp } from '../http/app.ts';
import { Instant } from '../http/instant.ts';
import { PORTAL_RATE_LIMIT } from './portal.routes.ts';

/** The kinds of contact point a representative is recognised by on their own (a call, WhatsApp, e-mail). */
const REPRESENTATIVE_CONTACT_KINDS = ['whatsapp', 'phone', 'email'] as const;

export const PortalAuthorizeRepresentative = PortalAccountLogin.extend({
  name: z.string().trim().min(1).max(200),
  contactKind: z.enum(REPRESENTATIVE_CONTACT_KINDS),
  contactAddress: z.string().trim().min(1).max(254),
  scope: z
    .array(z.enum(REQUEST_TYPES))
    .min(1)
    .max(REQUEST_TYPES.length)
    .nullable()
    .default(null)
    .describe('Request types they may raise; null for every procedure'),
  expiresAt: Instant.nullish(),
});

export const PortalRevokeRepresentative = PortalAccountLogin.extend({
  representativeId: z.uuid(),
});

/** What the account holder sees of their authorizations: nothing an agent recorded about the ID document. */
export const PortalRepresentative = z.object({
  id: z.uuid(),
  name: z.string(),
  contactKind: z.string().nullable(),
  contactAddress: z.string().nullable(),
  grantedVia: z.string(),
  scope: z.array(z.string()).nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
});

const present = (row: RepresentativeRow, now: Date): z.infer<typeof PortalRepresentative> => ({
  id: row.id,
  name: row.name,
  contactKind: row.contactKind,
  contactAddress: row.contactAddress,
  grantedVia: row.grantedVia,
  scope: row.scope,
  expiresAt: row.expiresAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
  active:
    !row.revokedAt &&
    !(row.expiresAt && row.expiresAt <= now) &&
    (row.grantedVia !== 'carta_poder' || row.verifiedAt !== null),
  createdAt: row.createdAt.toISOString(),
});

/**
 * The account holder's authorizations of third parties, proven as the balance is (account number and
 * PIN with each request): list, authorize (in force at once, `granted_via: portal`) and revoke (at once).
 */
export function portalRepresentativesRoutes(app: HttpApp, ctx: AppContext) {
  const portal = { tags: ['portal'], security: [] as Array<Record<string, string[]>> };
  const customer = { kind: 'cliente' } as const;

  app.post(
    '/portal/account/representatives',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        ...portal,
        summary:
          'Account number and PIN → the people the holder authorized, revoked and expired ones included',
        body: PortalAccountLogin,
        response: { 200: z.array(PortalRepresentative) },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const holderId = await verifyPin(ctx.db, request.body, now);
      return (await listRepresentatives(ctx.db, holderId)).map((row) => present(row, now));
    },
  );

  app.post(
    '/portal/account/representatives/authorize',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        ...portal,
        summary: 'Authorize a person to act for the account holder, recognised by their own contact point',
        body: PortalAuthorizeRepresentative,
        response: { 201: PortalRepresentative },
      },
    },
    async (request, reply) => {
      const now = ctx.clock.now();
      const { accountNumber, pin, contactKind, contactAddress, expiresAt, name, scope } = request.body;
      const holderId = await verifyPin(ctx.db, { accountNumber, pin }, now);
      const row = await addRepresentative(
        ctx.database,
        {
          customerId: holderId,
          name,
          contact: contactAddress,
          contactPoint: { kind: contactKind, address: contactAddress },
          grantedVia: 'portal',
          scope,
          expiresAt: expiresAt ? new Date(expiresAt) : null,
          now,
        },
        customer,
      );
      return reply.status(201).send(present(row, now));
    },
  );

  app.post(
    '/portal/account/representatives/revoke',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        ...portal,
        summary: 'Revoke one of the holder’s authorizations, from now on',
        body: PortalRevokeRepresentative,
        response: { 200: PortalRepresentative },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const holderId = await verifyPin(ctx.db, request.body, now);
      const row = await revokeRepresentative(
        ctx.db,
        {
          customerId: holderId,
          representativeId: request.body.representativeId,
          reason: null,
          now,
        },
        customer,
      );
      return present(row, now);
    },
  );
}

import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { PORTAL_RATE_LIMIT } from '../portal/portal.routes.ts';
import { PortalLookup } from '../portal/portal.schema.ts';
import { authorizeFolio } from '../portal/portal.service.ts';
import {
  identityChecksOf,
  recordIdentityCheck,
  sendIdentityCode,
  setPinByAgent,
} from './identity.service.ts';
import {
  AgentSetPin,
  IdentityCheckRequest,
  IdentityCheckResponse,
  IdentityChecksOfCase,
  IdentityCodeRequest,
  IdentityCodeSent,
  PortalAccountLogin,
  PortalBalance,
  PortalPinCodeRequest,
  PortalPinCodeSent,
  PortalSetPin,
} from './pin.schema.ts';
import { sendPinCode, setPinWithCode, verifyPin } from './pin.service.ts';
import { customerBalance } from './portal-balance.ts';

const FolioParams = z.object({ folio: z.string().min(1).max(40) });

/**
 * The account PIN and balance inquiries: the portal's (no login; a folio with its second factor, or the
 * account number with the PIN, sent with each request as the portal does for folios) and the agent's
 * identity check on a call.
 */
export function pinRoutes(app: HttpApp, ctx: AppContext) {
  const portal = { tags: ['portal'], security: [] as Array<Record<string, string[]>> };

  app.post(
    '/portal/account/pin-code',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        ...portal,
        summary: 'Send a code to a phone (WhatsApp) or e-mail on file, to set or reset the account PIN',
        body: PortalPinCodeRequest,
        response: { 202: PortalPinCodeSent },
      },
    },
    async (request, reply) => reply.status(202).send(await sendPinCode(ctx, request.body)),
  );

  app.post(
    '/portal/account/pin',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        ...portal,
        summary: 'Set or reset the account PIN with the code sent to an address on file',
        body: PortalSetPin,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await setPinWithCode(ctx, request.body);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/portal/account/balance',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        ...portal,
        summary:
          'Account number and PIN → per service: balance, cut-off, amount due, movements, compensations, suspensions, reconnection, installation, cancellation',
        body: PortalAccountLogin,
        response: { 200: PortalBalance },
      },
    },
    async (request) => customerBalance(ctx, await verifyPin(ctx.db, request.body, ctx.clock.now())),
  );

  app.post(
    '/portal/balance',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        ...portal,
        summary:
          "A folio with the phone or e-mail on file → the balance and rights of the case's service (every service of the customer when it names none)",
        body: PortalLookup,
        response: { 200: PortalBalance },
      },
    },
    async (request) => {
      const kase = await authorizeFolio(ctx, request.body, request.ip);
      // A folio filed with an unproven contact belongs to its prospect, who has no services of their own;
      // a folio about one service shows that one only.
      return customerBalance(ctx, kase.customerId, kase.serviceId);
    },
  );

  const agent = { tags: ['identity'] };

  app.get(
    '/cases/:folio/identity-checks',
    {
      onRequest: requireActor(),
      schema: {
        ...agent,
        summary: "How the caller's identity was checked on a case, and whether the customer has a PIN",
        params: FolioParams,
        response: { 200: IdentityChecksOfCase },
      },
    },
    async (request) => identityChecksOf(ctx, request.params.folio),
  );

  app.post(
    '/cases/:folio/identity-checks',
    {
      onRequest: requireActor(),
      schema: {
        ...agent,
        summary: "Record that the caller's identity was checked, and how (a PIN or a code is verified)",
        params: FolioParams,
        body: IdentityCheckRequest,
        response: { 201: IdentityCheckResponse },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await recordIdentityCheck(ctx, actorOf(request), request.params.folio, request.body)),
  );

  app.post(
    '/cases/:folio/identity-code',
    {
      onRequest: requireActor(),
      schema: {
        ...agent,
        summary: "Send a code to one of the customer's addresses on file, for the caller to read back",
        params: FolioParams,
        body: IdentityCodeRequest,
        response: { 202: IdentityCodeSent },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await sendIdentityCode(ctx, actorOf(request), request.params.folio, request.body.contactPointId),
        ),
  );

  app.put(
    '/cases/:folio/pin',
    {
      onRequest: requireActor(),
      schema: {
        ...agent,
        summary: "Set the caller's account PIN on a phone case whose caller was checked",
        params: FolioParams,
        body: AgentSetPin,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await setPinByAgent(ctx, actorOf(request), request.params.folio, request.body.pin);
      return reply.status(204).send(null);
    },
  );
}

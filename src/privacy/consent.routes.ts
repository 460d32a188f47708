import { PortalAccountLogin } from '../accounts/pin.schema.ts';
import { verifyPin } from '../accounts/pin.service.ts';
import type { AppContext } from '../context.ts';
import { assertMayEditCustomer } from '../customers/access.ts';
import { agentActor } from '../events/events.service.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { PORTAL_RATE_LIMIT } from '../portal/portal.routes.ts';
import {
  ConsentCustomerParams,
  ConsentRecordResponse,
  CustomerConsentsResponse,
  PortalConsentsResponse,
  PortalRecordConsentRequest,
  PrivacyNoticeVersionResponse,
  RecordConsentRequest,
} from './consent.schema.ts';
import { customerConsents, portalConsents, recordConsent, recordPortalConsent } from './consent.service.ts';
import { consentSettings } from './consent-settings.ts';

/**
 * Consent to uses of personal data: agents read a customer's and record what the customer told them;
 * the customer reads and changes their own on the portal with the account number and PIN.
 */
export function consentRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['consents'];
  app.get(
    '/customers/:id/consents',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: "A customer's consents in force per use, and every one they gave or withdrew",
        params: ConsentCustomerParams,
        response: { 200: CustomerConsentsResponse },
      },
    },
    async (request) => customerConsents(ctx, request.params.id),
  );
  app.post(
    '/customers/:id/consents',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Record that the customer gave or withdrew consent to a use, and on which channel',
        params: ConsentCustomerParams,
        body: RecordConsentRequest,
        response: { 201: ConsentRecordResponse },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await assertMayEditCustomer(ctx.db, actor, request.params.id);
      const recorded = await recordConsent(
        ctx,
        { customerId: request.params.id, ...request.body, agentId: actor.agentId },
        agentActor(actor),
      );
      return reply.status(201).send(recorded);
    },
  );

  const portal = { tags: ['portal'], security: [] as Array<Record<string, string[]>> };
  app.get(
    '/portal/privacy-notice',
    {
      schema: {
        ...portal,
        summary: "The privacy notice's version and publication date (its text is in /portal/info)",
        response: { 200: PrivacyNoticeVersionResponse },
      },
    },
    async () => {
      const { noticeVersion, noticeDate } = consentSettings((await ctx.settings.current(ctx.db)).settings);
      return { noticeVersion, noticeDate };
    },
  );
  app.post(
    '/portal/account/consents',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        ...portal,
        summary:
          'Account number and PIN → the privacy notice version, and per use its text and the consent in force',
        body: PortalAccountLogin,
        response: { 200: PortalConsentsResponse },
      },
    },
    async (request) => portalConsents(ctx, await verifyPin(ctx.db, request.body, ctx.clock.now())),
  );
  app.put(
    '/portal/account/consents',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        ...portal,
        summary: 'Give or withdraw consent to a use, under the notice version shown (account number and PIN)',
        body: PortalRecordConsentRequest,
        response: { 200: PortalConsentsResponse },
      },
    },
    async (request) => {
      const { accountNumber, pin, ...choice } = request.body;
      const customerId = await verifyPin(ctx.db, { accountNumber, pin }, ctx.clock.now());
      return recordPortalConsent(ctx, customerId, choice);
    },
  );
}

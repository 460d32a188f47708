import type { AppContext } from '../context.ts';
import { resolveCustomer } from '../customers/customers.service.ts';
import type { HttpApp } from '../http/app.ts';
import { requireActor } from '../http/auth.ts';
import { ConversationsParams, ConversationsResponse } from './conversations.schema.ts';
import { customerConversations } from './conversations.service.ts';

export function conversationsRoutes(app: HttpApp, ctx: AppContext) {
  app.get(
    '/customers/:id/conversations',
    {
      // Every agent may read every customer (`src/customers/access.ts`); technicians see only their visits.
      onRequest: requireActor(),
      schema: {
        tags: ['customers'],
        summary: 'The customer’s self-service conversations on WhatsApp and Messenger, newest first',
        params: ConversationsParams,
        response: { 200: ConversationsResponse },
      },
    },
    async (request) => {
      const customer = await resolveCustomer(ctx.db, request.params.id);
      return customerConversations(ctx.db, customer.id);
    },
  );
}

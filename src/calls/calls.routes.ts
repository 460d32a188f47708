import { z } from 'zod';
import { CaseResponse } from '../cases/cases.schema.ts';
import { REQUEST_TYPES } from '../cases/request-types.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { registerCall } from './calls.service.ts';

const RegisterCallRequest = z.object({
  callerNumber: z.string().trim().min(7).max(30),
  requestType: z.enum(REQUEST_TYPES),
  subtype: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .optional(),
  notes: z.string().trim().min(3).max(20_000),
  customerName: z.string().trim().min(1).max(200).optional(),
});
const RegisterCallResponse = z.object({
  case: CaseResponse,
  /** The written receipt queued for the caller, or null when they have no written channel on file. */
  receipt: z
    .object({
      channel: z.enum(['email', 'whatsapp']),
      messageId: z.uuid(),
      deliveryStatus: z.literal('pendiente'),
    })
    .nullable(),
});

export function callsRoutes(app: HttpApp, ctx: AppContext) {
  app.post(
    '/calls',
    {
      onRequest: requireActor(),
      schema: {
        tags: ['calls'],
        summary: 'Register a phone call: the folio to read to the caller, and the written receipt',
        body: RegisterCallRequest,
        response: { 201: RegisterCallResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await registerCall(ctx, request.body, actorOf(request))),
  );
}

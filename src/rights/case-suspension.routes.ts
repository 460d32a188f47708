import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { SERVICE_STATUSES, SUSPENSION_REASONS } from '../domain/vocabulary.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import {
  caseSuspension,
  postReconnectionFee,
  reactivateFromCase,
  requestSuspension,
} from './case-suspension.service.ts';

const FolioParams = z.object({ folio: z.string().min(1).max(40) });
const PlainDate = z.iso.date();

const Suspension = z.object({
  id: z.uuid(),
  serviceId: z.uuid(),
  caseId: z.uuid().nullable(),
  reason: z.enum(SUSPENSION_REASONS),
  startedAt: z.string(),
  reactivateOn: z.string().nullable(),
  endedAt: z.string().nullable(),
  rules: z.array(z.string()),
  actorKind: z.string(),
});

const CaseSuspensionResponse = z.object({
  theftOrLoss: z
    .boolean()
    .describe('The case reports theft or loss: the suspension is immediate and has no end date'),
  window: z
    .object({ min: z.string(), max: z.string() })
    .describe('The dates a suspension asked for today may end on'),
  service: z
    .object({
      id: z.uuid(),
      status: z.enum(SERVICE_STATUSES),
      suspensionReason: z.enum(SUSPENSION_REASONS).nullable(),
    })
    .nullable(),
  current: Suspension.nullable(),
  history: z.array(Suspension),
  reconnectionFee: z.object({
    amountCentavos: z.number().int(),
    capCentavos: z.number().int().nullable(),
  }),
});

export function caseSuspensionRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['rights'];
  app.get(
    '/cases/:folio/suspension',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'The suspensions of the case’s service, and the dates a suspension asked for today may end on',
        params: FolioParams,
        response: { 200: CaseSuspensionResponse },
      },
    },
    async (request) => caseSuspension(ctx, request.params.folio),
  );
  app.post(
    '/cases/:folio/suspension',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'Suspend the service as the customer asks: until a date within the settings’ limits, or at once and with no end for theft or loss',
        params: FolioParams,
        body: z.object({
          serviceId: z.uuid().optional(),
          reactivateOn: PlainDate.optional().describe('Required unless the case reports theft or loss'),
        }),
        response: { 200: CaseSuspensionResponse },
      },
    },
    async (request) => requestSuspension(ctx, request.params.folio, request.body, actorOf(request)),
  );
  app.post(
    '/cases/:folio/suspension/reactivation',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Reactivate a service the customer asked to suspend, before its date or after theft or loss',
        params: FolioParams,
        body: z.object({ serviceId: z.uuid().optional() }),
        response: { 200: CaseSuspensionResponse },
      },
    },
    async (request) => reactivateFromCase(ctx, request.params.folio, request.body, actorOf(request)),
  );
  app.post(
    '/cases/:folio/reconnection-fee',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Charge a reconnection fee, refused above 20 % of the service’s monthly payment',
        params: FolioParams,
        body: z.object({
          serviceId: z.uuid().optional(),
          feeCentavos: z.number().int().min(1).max(100_000_000),
        }),
        response: {
          201: z.object({
            entryId: z.number().int(),
            serviceId: z.uuid(),
            feeCentavos: z.number().int(),
            capCentavos: z.number().int(),
            effectiveDate: z.string(),
          }),
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await postReconnectionFee(ctx, request.params.folio, request.body, actorOf(request))),
  );
}

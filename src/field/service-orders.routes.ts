import { FolioParams } from '../accounts/accounts.schema.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import {
  CreateServiceOrderRequest,
  DayQuery,
  DayResponse,
  OrderParams,
  ScheduleRequest,
  ServiceOrderListResponse,
  ServiceOrderResponse,
  VisitRequest,
} from './service-orders.schema.ts';
import {
  caseServiceOrders,
  confirmServiceOrder,
  createServiceOrder,
  MAX_PHOTO_BYTES,
  recordVisit,
  scheduleServiceOrder,
  technicianDay,
} from './service-orders.service.ts';

/** Base64 grows a photo by a third; the rest of the body is a few short fields. */
const VISIT_BODY_LIMIT = Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 64 * 1024;

/** Field visits: ordered and scheduled from a case, recorded by the technician from their day list. */
export function serviceOrderRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['field'];
  app.get(
    '/cases/:folio/service-orders',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'The case’s service orders with their visits and clocks',
        params: FolioParams,
        response: { 200: ServiceOrderListResponse },
      },
    },
    async (request) => caseServiceOrders(ctx, request.params.folio),
  );
  app.post(
    '/cases/:folio/service-orders',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Order a field visit for the case’s service; its clock starts',
        params: FolioParams,
        body: CreateServiceOrderRequest,
        response: { 201: ServiceOrderResponse },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createServiceOrder(ctx, request.params.folio, request.body, actorOf(request))),
  );
  app.post(
    '/service-orders/:id/schedule',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Agree or move the appointment window; the customer is told it with the order’s number',
        params: OrderParams,
        body: ScheduleRequest,
        response: { 200: ServiceOrderResponse },
      },
    },
    async (request) => scheduleServiceOrder(ctx, request.params.id, request.body, actorOf(request)),
  );
  app.post(
    '/service-orders/:id/confirm',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Record that the customer confirmed the agreed window',
        params: OrderParams,
        response: { 200: ServiceOrderResponse },
      },
    },
    async (request) => confirmServiceOrder(ctx, request.params.id, actorOf(request)),
  );
  app.post(
    '/service-orders/:id/visits',
    {
      onRequest: requireActor('admin', 'supervisor', 'agent', 'tecnico'),
      bodyLimit: VISIT_BODY_LIMIT,
      schema: {
        tags,
        summary:
          'Record a visit’s outcome with notes and the evidence photo (the order’s technician, or the case’s agents)',
        params: OrderParams,
        body: VisitRequest,
        response: { 200: ServiceOrderResponse },
      },
    },
    async (request) => recordVisit(ctx, request.params.id, request.body, actorOf(request)),
  );
  app.get(
    '/field/my-day',
    {
      onRequest: requireActor('tecnico'),
      schema: {
        tags,
        summary: 'The technician’s own orders with a window on a day, by window',
        querystring: DayQuery,
        response: { 200: DayResponse },
      },
    },
    async (request) => technicianDay(ctx, actorOf(request), request.query.date),
  );
}

import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { EventActor } from '../events/events.service.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { assertMayEditCustomer } from './access.ts';
import { normalizeContactAddress } from './contact-points.ts';
import { lookupCustomers } from './customer-lookup.ts';
import { presentContactPoint, presentCustomer } from './customer-presenters.ts';
import {
  AddContactPointRequest,
  AddRepresentativeRequest,
  ContactPointParams,
  ContactPointResponse,
  CreateCustomerRequest,
  CustomerDetailResponse,
  CustomerIdParams,
  CustomerResponse,
  LookupCustomersRequest,
  MergeCustomersRequest,
  RepresentativeParams,
  RepresentativeResponse,
  RepresentingResponse,
  RevokeRepresentativeRequest,
  UpdateCustomerRequest,
} from './customers.schema.ts';
import {
  addContactPoint,
  type CustomerWithContacts,
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomerCases,
  removeContactPoint,
  updateCustomer,
} from './customers.service.ts';
import { mergeCustomers } from './merge-customers.ts';
import { representationOf } from './representation.ts';
import {
  addRepresentative,
  listRepresentatives,
  presentRepresentative,
  revokeRepresentative,
  verifyRepresentative,
} from './representatives.service.ts';

const tags = ['customers'];
const agentOf = (request: FastifyRequest): EventActor => ({
  kind: 'agente',
  agentId: actorOf(request).agentId,
});
const present = ({ customer, contactPoints }: CustomerWithContacts) =>
  presentCustomer(customer, contactPoints);

/** An ID document of up to 10 MB arrives as base64 (4/3 larger) inside JSON. */
const REPRESENTATIVE_BODY_LIMIT = 15 * 1024 * 1024;

export function customersRoutes(app: HttpApp, ctx: AppContext) {
  app.post(
    '/customers',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Create a customer (a prospect without account number) with contact points',
        body: CreateCustomerRequest,
        response: { 201: CustomerResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(present(await createCustomer(ctx.db, request.body, agentOf(request)))),
  );

  app.get(
    '/customers',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Find customers by phone, e-mail or account number, written any usual way',
        querystring: LookupCustomersRequest,
        response: { 200: z.array(CustomerResponse) },
      },
    },
    async (request) => (await lookupCustomers(ctx.db, request.query)).map(present),
  );

  app.get(
    '/customers/:id',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'A customer with contact points, representatives and cases; a merged id gives the survivor',
        params: CustomerIdParams,
        response: { 200: CustomerDetailResponse },
      },
    },
    async (request) => {
      const found = await getCustomer(ctx.db, request.params.id);
      const now = ctx.clock.now();
      const [representatives, cases] = await Promise.all([
        listRepresentatives(ctx.db, found.customer.id),
        listCustomerCases(ctx.db, found.customer.id),
      ]);
      return {
        ...present(found),
        representatives: representatives.map((r) => presentRepresentative(r, now)),
        cases: cases.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
      };
    },
  );

  app.patch(
    '/customers/:id',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Change a customer’s name or account number',
        params: CustomerIdParams,
        body: UpdateCustomerRequest,
        response: { 200: CustomerResponse },
      },
    },
    async (request) => {
      await assertMayEditCustomer(ctx.db, actorOf(request), request.params.id);
      return present(
        await updateCustomer(
          ctx.db,
          { id: request.params.id, ...request.body },
          agentOf(request),
          ctx.clock.now(),
        ),
      );
    },
  );

  app.delete(
    '/customers/:id',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary: 'Delete a customer that has no cases',
        params: CustomerIdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteCustomer(ctx.db, { id: request.params.id }, agentOf(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/customers/:id/contact-points',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Add a phone, e-mail, WhatsApp or Messenger contact point',
        params: CustomerIdParams,
        body: AddContactPointRequest,
        response: { 201: ContactPointResponse },
      },
    },
    async (request, reply) => {
      await assertMayEditCustomer(ctx.db, actorOf(request), request.params.id);
      const point = await addContactPoint(
        ctx.db,
        { customerId: request.params.id, ...request.body },
        agentOf(request),
      );
      return reply.status(201).send(presentContactPoint(point));
    },
  );

  app.delete(
    '/customers/:id/contact-points/:contactPointId',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Remove a contact point',
        params: ContactPointParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const { id, contactPointId } = request.params;
      await assertMayEditCustomer(ctx.db, actorOf(request), id);
      await removeContactPoint(ctx.db, { customerId: id, contactPointId }, agentOf(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/customers/:id/merge',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary: 'Merge a duplicate into this customer, moving its contact points, cases and representatives',
        params: CustomerIdParams,
        body: MergeCustomersRequest,
        response: { 200: CustomerResponse },
      },
    },
    async (request) =>
      present(
        await mergeCustomers(ctx.db, {
          intoId: request.params.id,
          fromId: request.body.fromCustomerId,
          actor: agentOf(request),
          now: ctx.clock.now(),
        }),
      ),
  );

  app.post(
    '/customers/:id/representatives',
    {
      onRequest: requireActor(),
      bodyLimit: REPRESENTATIVE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Record a person the customer authorized to act for them',
        params: CustomerIdParams,
        body: AddRepresentativeRequest,
        response: { 201: RepresentativeResponse },
      },
    },
    async (request, reply) => {
      await assertMayEditCustomer(ctx.db, actorOf(request), request.params.id);
      const { expiresAt, contactKind, contactAddress, ...body } = request.body;
      const now = ctx.clock.now();
      const row = await addRepresentative(
        ctx.database,
        {
          ...body,
          customerId: request.params.id,
          expiresAt: expiresAt ? new Date(expiresAt) : null,
          contactPoint: contactKind && contactAddress ? { kind: contactKind, address: contactAddress } : null,
          now,
        },
        agentOf(request),
      );
      return reply.status(201).send(presentRepresentative(row, now));
    },
  );

  app.get(
    '/customers/:id/representatives',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'The customer’s representatives, revoked and expired ones included',
        params: CustomerIdParams,
        response: { 200: z.array(RepresentativeResponse) },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      return (await listRepresentatives(ctx.db, request.params.id)).map((r) => presentRepresentative(r, now));
    },
  );

  app.get(
    '/customers/representing',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'Whom a caller’s number acts for: the customer of the one authorization in force for it, if any',
        querystring: z.object({ phone: z.string().trim().min(1).max(64) }),
        response: { 200: z.array(RepresentingResponse) },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const address = normalizeContactAddress('phone', request.query.phone, 'phone');
      const found = await representationOf(ctx.db, { kind: 'phone', address }, now);
      return found
        ? [
            {
              representative: presentRepresentative(found.representative, now),
              customer: { id: found.customer.id, name: found.customer.name },
            },
          ]
        : [];
    },
  );

  app.post(
    '/customers/:id/representatives/:representativeId/verify',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary: 'Verify a carta poder (a supervisor other than who recorded it), from which on it acts',
        params: RepresentativeParams,
        response: { 200: RepresentativeResponse },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const row = await verifyRepresentative(ctx.db, {
        customerId: request.params.id,
        representativeId: request.params.representativeId,
        agentId: actorOf(request).agentId,
        now,
      });
      return presentRepresentative(row, now);
    },
  );

  app.post(
    '/customers/:id/representatives/:representativeId/revoke',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Revoke an authorization from now on',
        params: RepresentativeParams,
        body: RevokeRepresentativeRequest,
        response: { 200: RepresentativeResponse },
      },
    },
    async (request) => {
      await assertMayEditCustomer(ctx.db, actorOf(request), request.params.id);
      const now = ctx.clock.now();
      const row = await revokeRepresentative(
        ctx.db,
        {
          customerId: request.params.id,
          representativeId: request.params.representativeId,
          reason: request.body.reason,
          now,
        },
        agentOf(request),
      );
      return presentRepresentative(row, now);
    },
  );
}

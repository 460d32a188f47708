import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { agentActor } from '../events/events.service.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import {
  money,
  presentLedgerEntry,
  presentPlan,
  presentService,
  presentZone,
} from './accounts.presenters.ts';
import {
  CaseServiceResponse,
  ChangeServiceStatusRequest,
  CreatePlanRequest,
  CreateServiceRequest,
  CreateZoneRequest,
  CustomerIdParams,
  ExportQuery,
  FolioParams,
  IntIdParams,
  LedgerEntryResponse,
  LedgerPageResponse,
  LedgerQuery,
  PlanResponse,
  PostLedgerEntryRequest,
  ServiceIdParams,
  ServiceResponse,
  SetCaseServiceRequest,
  StatementResponse,
  UpdatePlanRequest,
  UpdateServiceRequest,
  UpdateZoneRequest,
  ZoneResponse,
} from './accounts.schema.ts';
import {
  changeServiceStatus,
  createPlan,
  createService,
  createZone,
  getService,
  listPlans,
  listServices,
  listZones,
  setCaseService,
  updatePlan,
  updateService,
  updateZone,
} from './accounts.service.ts';
import { listLedger, postManualEntry, statementOf } from './ledger-entries.service.ts';
import { ledgerExportFile } from './ledger-export.ts';
import { plainDateIn } from './provider-today.ts';

const tags = ['accounts'];
const by = (request: FastifyRequest) => agentActor(actorOf(request));

export function accountsRoutes(app: HttpApp, ctx: AppContext) {
  const timeZone = async () => (await ctx.settings.current(ctx.db)).settings.provider.timeZone;
  /** The provider's today: cut-offs and dues are calendar days where the provider is. */
  const today = async () => plainDateIn(await timeZone(), ctx.clock.now());
  const serviceAnswer = async (id: string) => presentService(await getService(ctx.db, id, await today()));

  app.get(
    '/plans',
    {
      onRequest: requireActor(),
      schema: { tags, summary: 'The plans the provider sells', response: { 200: z.array(PlanResponse) } },
    },
    async () => (await listPlans(ctx.db)).map(presentPlan),
  );
  app.post(
    '/plans',
    {
      onRequest: requireActor('admin'),
      schema: { tags, summary: 'Add a plan', body: CreatePlanRequest, response: { 201: PlanResponse } },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(presentPlan(await createPlan(ctx.db, request.body, by(request), ctx.clock.now()))),
  );
  app.patch(
    '/plans/:id',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary: 'Change a plan; its services keep it',
        params: IntIdParams,
        body: UpdatePlanRequest,
        response: { 200: PlanResponse },
      },
    },
    async (request) =>
      presentPlan(await updatePlan(ctx.db, request.params.id, request.body, by(request), ctx.clock.now())),
  );

  app.get(
    '/zones',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'The provider’s coverage zones (towers, nodes, sectors)',
        response: { 200: z.array(ZoneResponse) },
      },
    },
    async () => (await listZones(ctx.db)).map(presentZone),
  );
  app.post(
    '/zones',
    {
      onRequest: requireActor('admin'),
      schema: { tags, summary: 'Add a zone', body: CreateZoneRequest, response: { 201: ZoneResponse } },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(presentZone(await createZone(ctx.db, request.body, by(request), ctx.clock.now()))),
  );
  app.patch(
    '/zones/:id',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary: 'Rename a zone, move it under another, or change its time zone',
        params: IntIdParams,
        body: UpdateZoneRequest,
        response: { 200: ZoneResponse },
      },
    },
    async (request) =>
      presentZone(await updateZone(ctx.db, request.params.id, request.body, by(request), ctx.clock.now())),
  );

  app.get(
    '/customers/:id/services',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'A customer’s services with plan, zone, status and today’s balance',
        params: CustomerIdParams,
        response: { 200: z.array(ServiceResponse) },
      },
    },
    async (request) => (await listServices(ctx.db, request.params.id, await today())).map(presentService),
  );
  app.post(
    '/customers/:id/services',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary: 'Add a service to a customer',
        params: CustomerIdParams,
        body: CreateServiceRequest,
        response: { 201: ServiceResponse },
      },
    },
    async (request, reply) => {
      const id = await createService(ctx.db, request.params.id, request.body, by(request), ctx.clock.now());
      return reply.status(201).send(await serviceAnswer(id));
    },
  );
  app.get(
    '/services/:id',
    {
      onRequest: requireActor(),
      schema: { tags, summary: 'A service', params: ServiceIdParams, response: { 200: ServiceResponse } },
    },
    async (request) => serviceAnswer(request.params.id),
  );
  app.patch(
    '/services/:id',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary: 'Change a service’s plan, zone, address, billing or cut-off day',
        params: ServiceIdParams,
        body: UpdateServiceRequest,
        response: { 200: ServiceResponse },
      },
    },
    async (request) => {
      await updateService(ctx.db, request.params.id, request.body, by(request), ctx.clock.now());
      return serviceAnswer(request.params.id);
    },
  );
  app.post(
    '/services/:id/status',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary: 'Suspend (saying why), reactivate, install or cancel a service',
        params: ServiceIdParams,
        body: ChangeServiceStatusRequest,
        response: { 200: ServiceResponse },
      },
    },
    async (request) => {
      await changeServiceStatus(ctx, request.params.id, request.body, by(request), ctx.clock.now());
      return serviceAnswer(request.params.id);
    },
  );

  app.get(
    '/services/:id/ledger',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'A service’s ledger entries, newest effective date first, a page at a time',
        params: ServiceIdParams,
        querystring: LedgerQuery,
        response: { 200: LedgerPageResponse },
      },
    },
    async (request) => {
      const page = await listLedger(ctx.db, request.params.id, request.query);
      return { entries: page.entries.map(presentLedgerEntry), nextCursor: page.nextCursor };
    },
  );
  app.post(
    '/services/:id/ledger',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary: 'Post a cargo, bonificación, reembolso or ajuste; a correction names the entry it corrects',
        params: ServiceIdParams,
        body: PostLedgerEntryRequest,
        response: { 201: LedgerEntryResponse },
      },
    },
    async (request, reply) => {
      const entry = await postManualEntry(
        ctx.db,
        request.params.id,
        request.body,
        by(request),
        await today(),
        ctx.clock.now(),
      );
      return reply.status(201).send(presentLedgerEntry(entry));
    },
  );
  app.get(
    '/services/:id/statement',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Balance inquiry: balance, next cut-off, amount due, saldo a favor and last movements',
        params: ServiceIdParams,
        response: { 200: StatementResponse },
      },
    },
    async (request) => {
      const day = await today();
      const s = await statementOf(ctx.db, request.params.id, day);
      return {
        serviceId: s.serviceId,
        today: day,
        cutoffDay: s.cutoffDay,
        nextCutoff: s.nextCutoff,
        balance: money(s.balanceCentavos),
        balanceAtCutoff: money(s.balanceAtCutoffCentavos),
        amountDue: money(s.amountDueCentavos),
        credit: money(s.creditCentavos),
        movements: s.movements.map(presentLedgerEntry),
      };
    },
  );

  app.get(
    '/ledger/export',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary:
          'Entries posted in a period (provider’s days, both included) as CSV for the billing system: UTF-8 with BOM, comma-separated, one line per entry keyed by its id',
        querystring: ExportQuery,
      },
    },
    async (request, reply) => {
      const { from, to } = request.query;
      const csv = await ledgerExportFile(ctx.db, request.query, await timeZone());
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="atiende-movimientos-${from}-${to}.csv"`)
        .send(csv);
    },
  );

  app.put(
    '/cases/:folio/service',
    {
      onRequest: requireActor(),
      schema: {
        tags: ['cases', ...tags],
        summary: 'Name the customer’s service a case is about, or clear it',
        params: FolioParams,
        body: SetCaseServiceRequest,
        response: { 200: CaseServiceResponse },
      },
    },
    async (request) =>
      setCaseService(ctx.db, request.params.folio, request.body.serviceId, actorOf(request), ctx.clock.now()),
  );
}

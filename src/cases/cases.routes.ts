import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { CLAIM_DECISIONS, settleClaim } from '../customers/claims.service.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { addAgentMessage } from './agent-messages.ts';
import { assignCase, transferCase } from './case-assignment.ts';
import { listCases } from './case-list.ts';
import { updateCase } from './case-priority-and-type.ts';
import { getCaseById, getCaseWithTimeline } from './case-read.ts';
import { changeStatus } from './case-status.ts';
import {
  AddMessageRequest,
  AssignRequest,
  CaseDetailResponse,
  CaseListResponse,
  CaseResponse,
  ChangeStatusRequest,
  CreateCaseRequest,
  FailureTimesRequest,
  ListCasesQuery,
  TransferRequest,
  UpdateCaseRequest,
} from './cases.schema.ts';
import { setFailureTimes } from './failure-times.ts';
import { createCase } from './open-case.ts';

const FolioParams = z.object({ folio: z.string().min(1).max(40) });
// A message or a new case may carry up to ten attachments of 10 MB, base64-encoded.
const ATTACHMENT_BODY_LIMIT = 150 * 1024 * 1024;

export function casesRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['cases'];
  app.post(
    '/cases',
    {
      onRequest: requireActor(),
      bodyLimit: ATTACHMENT_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Open a case; answers its folio',
        body: CreateCaseRequest,
        response: { 201: CaseResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await createCase(ctx, request.body, actorOf(request))),
  );

  app.get(
    '/cases',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'List and search cases over all of them: filters, newest first or nearest deadline first, cursor pagination, exact total; a search also lists the customers it names',
        querystring: ListCasesQuery,
        response: { 200: CaseListResponse },
      },
    },
    async (request) => listCases(ctx, request.query, ctx.clock.now()),
  );

  app.get(
    '/cases/:folio',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'A case by folio, with its timeline of messages and events',
        params: FolioParams,
        response: { 200: CaseDetailResponse },
      },
    },
    async (request) => getCaseWithTimeline(ctx, request.params.folio, ctx.clock.now()),
  );

  app.patch(
    '/cases/:folio',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Change the priority or the type (which recomputes the deadlines)',
        params: FolioParams,
        body: UpdateCaseRequest,
        response: { 200: CaseResponse },
      },
    },
    async (request) => updateCase(ctx, request.params.folio, request.body, actorOf(request)),
  );

  app.post(
    '/cases/:folio/messages',
    {
      onRequest: requireActor(),
      bodyLimit: ATTACHMENT_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Add a reply, an internal note, or what the customer said',
        params: FolioParams,
        body: AddMessageRequest,
        response: { 201: z.object({ messageId: z.uuid(), case: CaseResponse }) },
      },
    },
    async (request, reply) => {
      const { caseId, messageId } = await addAgentMessage(
        ctx,
        request.params.folio,
        request.body,
        actorOf(request),
      );
      return reply.status(201).send({ messageId, case: await getCaseById(ctx, caseId, ctx.clock.now()) });
    },
  );

  app.put(
    '/cases/:folio/failure-times',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'Set or correct when a falla started (an earlier start than the report) and when service was restored',
        params: FolioParams,
        body: FailureTimesRequest,
        response: { 200: CaseResponse },
      },
    },
    async (request) => setFailureTimes(ctx, request.params.folio, request.body, actorOf(request)),
  );

  app.post(
    '/cases/:folio/status',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Move the case along its lifecycle',
        params: FolioParams,
        body: ChangeStatusRequest,
        response: { 200: CaseResponse },
      },
    },
    async (request) => changeStatus(ctx, request.params.folio, request.body, actorOf(request)),
  );

  app.post(
    '/cases/:folio/transfer',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Turn the case over to another area (turnar), with a reason',
        params: FolioParams,
        body: TransferRequest,
        response: { 200: CaseResponse },
      },
    },
    async (request) => transferCase(ctx, request.params.folio, request.body, actorOf(request)),
  );

  app.post(
    '/cases/:folio/assign',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Take a new case, or (supervisors) reassign it within the area',
        params: FolioParams,
        body: AssignRequest,
        response: { 200: CaseResponse },
      },
    },
    async (request) => assignCase(ctx, request.params.folio, request.body.agentId, actorOf(request)),
  );

  app.post(
    '/cases/:folio/confirm-customer',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Confirm (or reject) that an unverified contact given on the portal is the account holder',
        params: FolioParams,
        body: z.object({ decision: z.enum(CLAIM_DECISIONS) }),
        response: { 200: CaseResponse },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const { folio } = request.params;
      const actor = actorOf(request);
      const caseId = await settleClaim(ctx.db, { folio, decision: request.body.decision, actor, now });
      return getCaseById(ctx, caseId, now);
    },
  );
}

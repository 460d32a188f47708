import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import { acknowledgeFlag, listFlags } from './deadlines.service.ts';

const FlagResponse = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  folio: z.string(),
  /** Which deadline of the case the alert is about. */
  deadlineKind: z.enum(['primera_respuesta', 'resolucion']),
  /** Its current state: a breach replaces the warning. */
  kind: z.enum(['por_vencer', 'vencido']),
  notifyAgentIds: z.array(z.string()),
  raisedAt: z.string().describe('When the alert reached its current kind (warning given, deadline breached)'),
  dueAt: z.string().describe('When the deadline falls (or fell) due'),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
});
const ListFlagsQuery = z.object({
  /** Include flags already acknowledged. */
  all: z.enum(['true', 'false']).default('false'),
  /** Supervisors and admins: every agent's flags, not only those addressed to me. */
  everyone: z.enum(['true', 'false']).default('false'),
});

const present = ({ flag, folio, dueAt }: Awaited<ReturnType<typeof listFlags>>[number]) => ({
  id: flag.id,
  caseId: flag.caseId,
  folio,
  deadlineKind: flag.deadlineKind,
  kind: flag.kind,
  notifyAgentIds: flag.notifyAgentIds,
  raisedAt: flag.raisedAt.toISOString(),
  dueAt: dueAt.toISOString(),
  acknowledgedAt: flag.acknowledgedAt?.toISOString() ?? null,
  acknowledgedBy: flag.acknowledgedBy,
});

export function flagsRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['deadlines'];
  app.get(
    '/flags',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'Alerts on deadlines still pending, one per deadline at its current state (por_vencer or vencido), addressed to me',
        querystring: ListFlagsQuery,
        response: { 200: z.array(FlagResponse) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      if (request.query.everyone === 'true' && actor.role === 'agent') {
        throw new AppError('auth.forbidden', {
          status: 403,
          detail: 'Only supervisors and admins see every flag',
        });
      }
      const rows = await listFlags(ctx.db, {
        agentId: request.query.everyone === 'true' ? undefined : actor.agentId,
        includeAcknowledged: request.query.all === 'true',
      });
      return rows.map(present);
    },
  );

  app.post(
    '/flags/:id/acknowledge',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Mark a flag seen; it stays on record',
        params: z.object({ id: z.uuid() }),
        response: { 200: FlagResponse.omit({ folio: true, dueAt: true }) },
      },
    },
    async (request) => {
      const flag = await acknowledgeFlag(ctx.db, request.params.id, actorOf(request), ctx.clock.now());
      return {
        id: flag.id,
        caseId: flag.caseId,
        deadlineKind: flag.deadlineKind,
        kind: flag.kind,
        notifyAgentIds: flag.notifyAgentIds,
        raisedAt: flag.raisedAt.toISOString(),
        acknowledgedAt: flag.acknowledgedAt?.toISOString() ?? null,
        acknowledgedBy: flag.acknowledgedBy,
      };
    },
  );
}

import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { DEADLINE_KINDS, type DeadlineKind } from '../domain/vocabulary.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import { acknowledgeAlert, listCaseAlerts } from './alerts.service.ts';

const FlagResponse = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  folio: z.string(),
  /** Which deadline of the case the alert is about. */
  deadlineKind: z.enum(DEADLINE_KINDS),
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

type Alert = Awaited<ReturnType<typeof acknowledgeAlert>>;

const presentAlert = ({ alert, deadline }: Alert) => ({
  id: alert.id,
  caseId: deadline.subjectId,
  deadlineKind: deadline.kind as DeadlineKind,
  kind: alert.kind,
  notifyAgentIds: alert.notifyAgentIds,
  raisedAt: alert.raisedAt.toISOString(),
  acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
  acknowledgedBy: alert.acknowledgedBy,
});

const present = (row: Awaited<ReturnType<typeof listCaseAlerts>>[number]) => ({
  ...presentAlert(row),
  folio: row.folio,
  dueAt: row.deadline.dueAt.toISOString(),
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
      const rows = await listCaseAlerts(ctx.db, {
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
      return presentAlert(
        await acknowledgeAlert(ctx.db, 'case', request.params.id, actorOf(request), ctx.clock.now()),
      );
    },
  );
}

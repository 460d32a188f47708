import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { EVENT_SUBJECTS } from '../domain/vocabulary.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import { acknowledgeAlert, listAlerts } from './alerts.service.ts';

const FlagResponse = z.object({
  id: z.uuid(),
  /** What the deadline is about: a case, a service (reconnection, installation), a refund, a field visit… */
  subjectKind: z.enum(EVENT_SUBJECTS),
  subjectId: z.uuid(),
  /** The case it concerns (the subject itself, or the case its events go to); null when there is none. */
  caseId: z.uuid().nullable(),
  folio: z.string().nullable(),
  /** Which clock of the subject: primera_respuesta, resolucion, reconexion, instalacion, reembolso… */
  deadlineKind: z.string(),
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
  subjectKind: deadline.subjectKind,
  subjectId: deadline.subjectId,
  deadlineKind: deadline.kind,
  kind: alert.kind,
  notifyAgentIds: alert.notifyAgentIds,
  raisedAt: alert.raisedAt.toISOString(),
  dueAt: deadline.dueAt.toISOString(),
  acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
  acknowledgedBy: alert.acknowledgedBy,
});

const present = (row: Awaited<ReturnType<typeof listAlerts>>[number]) => ({
  ...presentAlert(row),
  caseId: row.caseId,
  folio: row.folio,
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
          'Alerts on deadlines still pending, of cases and of every other subject, one per deadline at its current state (por_vencer or vencido), addressed to me',
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
      const rows = await listAlerts(ctx.db, {
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
        response: { 200: FlagResponse.omit({ caseId: true, folio: true }) },
      },
    },
    async (request) => {
      return presentAlert(
        await acknowledgeAlert(ctx.db, request.params.id, actorOf(request), ctx.clock.now()),
      );
    },
  );
}

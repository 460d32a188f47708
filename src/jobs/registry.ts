import { PRESENCE_SWEEP_JOB, sweepStalePresence } from '../agents/presence.service.ts';
import { AUTO_CLOSE_JOB, autoCloseResolved } from '../cases/cases.service.ts';
import type { AppContext } from '../context.ts';
import { checkDeadline, DEADLINE_CHECK_JOB, type DeadlineKind } from '../sla/deadlines.service.ts';
import type { AnyJobDefinition } from './queue.ts';

/** Every kind of background job, with handlers bound to the running application. */
export function jobDefinitions(ctx: AppContext): AnyJobDefinition[] {
  return [
    {
      name: AUTO_CLOSE_JOB,
      queue: { retryLimit: 5, retryDelay: 30, retryBackoff: true },
      handler: (data: { caseId: string; resolvedAt: string }) => autoCloseResolved(ctx, data),
    },
    {
      name: DEADLINE_CHECK_JOB,
      queue: { retryLimit: 10, retryDelay: 15, retryBackoff: true },
      handler: (data: { caseId: string; kind: DeadlineKind }) => checkDeadline(ctx, data),
    },
    {
      name: PRESENCE_SWEEP_JOB,
      cron: '* * * * *',
      handler: async () => {
        await sweepStalePresence(ctx);
      },
    },
  ];
}

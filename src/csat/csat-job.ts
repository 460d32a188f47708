import type { Tx } from '../db/database.ts';
import type { JobQueue } from '../jobs/queue.ts';

/** The job that decides whether a closed case's customer is asked about it, and asks. */
export const CSAT_SEND_JOB = 'csat-send';
/** The job that marks surveys left unanswered past their expiry. */
export const CSAT_EXPIRE_JOB = 'csat-expire';

/**
 * Queues the survey of a case that has just become `cerrado`, in the transaction that closed it: the
 * survey exists only for a close that committed. Never for `resuelto`, whose answer could reopen it.
 */
export async function queueSurvey(jobs: Pick<JobQueue, 'enqueue'>, tx: Tx, caseId: string) {
  await jobs.enqueue(tx, CSAT_SEND_JOB, { caseId }, { retryLimit: 5, retryDelay: 30, retryBackoff: true });
}

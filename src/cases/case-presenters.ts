import { eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Tx } from '../db/database.ts';
import { agents, areas, cases, customers } from '../db/schema.ts';
import type { DeadlineView, deadlinesOf } from '../sla/deadlines.service.ts';
import { nearestPendingKind } from '../sla/next-due.ts';
import type { CaseResponse } from './cases.schema.ts';

const assignee = alias(agents, 'assignee');
const proposedCustomer = alias(customers, 'proposed_customer');
const duplicateOf = alias(cases, 'duplicate_of');
const followsUp = alias(cases, 'follows_up');

const caseView = {
  kase: cases,
  area: { id: areas.id, code: areas.code, name: areas.name },
  customer: { id: customers.id, name: customers.name, accountNumber: customers.accountNumber },
  assigneeName: assignee.name,
  duplicateOfFolio: duplicateOf.folio,
  followsUpFolio: followsUp.folio,
  proposedCustomer: { id: proposedCustomer.id, name: proposedCustomer.name },
};

/** Cases with what their presentation needs (area, customer, assignee, linked folios). */
export const selectCases = (tx: Tx) =>
  tx
    .select(caseView)
    .from(cases)
    .innerJoin(areas, eq(areas.id, cases.areaId))
    .innerJoin(customers, eq(customers.id, cases.customerId))
    .leftJoin(assignee, eq(assignee.id, cases.assigneeId))
    .leftJoin(duplicateOf, eq(duplicateOf.id, cases.duplicateOfId))
    .leftJoin(followsUp, eq(followsUp.id, cases.followsUpId))
    .leftJoin(proposedCustomer, eq(proposedCustomer.id, cases.proposedCustomerId));

type CaseViewRow = Awaited<ReturnType<ReturnType<typeof selectCases>['execute']>>[number];

type Deadlines = Awaited<ReturnType<typeof deadlinesOf>>;

/** The public shape of a case: never a raw row. */
export function presentCase(row: CaseViewRow, deadlines: Deadlines): CaseResponse {
  const k = row.kase;
  const own = deadlines.get(k.id) ?? {};
  const nearest = nearestPendingKind(own);
  return {
    id: k.id,
    folio: k.folio,
    requestType: k.requestType as CaseResponse['requestType'],
    subtype: k.subtype,
    channel: k.channel as CaseResponse['channel'],
    status: k.status,
    priority: k.priority,
    subject: k.subject,
    raisedBy: k.raisedBy,
    customer: row.customer,
    area: row.area,
    assignee: k.assigneeId ? { id: k.assigneeId, name: row.assigneeName } : null,
    causeCode: k.causeCode,
    discardReason: k.discardReason,
    duplicateOfFolio: row.duplicateOfFolio,
    followsUpFolio: row.followsUpFolio,
    claimedContact: k.claimedContact ?? null,
    proposedCustomer: k.proposedCustomerId ? row.proposedCustomer : null,
    serviceId: k.serviceId,
    createdAt: k.createdAt.toISOString(),
    updatedAt: k.updatedAt.toISOString(),
    resolvedAt: k.resolvedAt?.toISOString() ?? null,
    closedAt: k.closedAt?.toISOString() ?? null,
    failure:
      k.requestType === 'falla'
        ? {
            startedAt: (k.failureStartedAt ?? k.createdAt).toISOString(),
            startedAtReport: k.failureStartedAt === null,
            restoredAt: k.serviceRestoredAt?.toISOString() ?? null,
          }
        : null,
    deadlines: { primera_respuesta: own.primera_respuesta ?? null, resolucion: own.resolucion ?? null },
    deadline: own.resolucion ?? null,
    nearestDeadline: nearest ? { ...(own[nearest] as DeadlineView), kind: nearest } : null,
  };
}

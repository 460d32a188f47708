import { asc, eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { attachmentBlobs, cases, messageAttachments, messages } from '../db/schema.ts';
import { caseEvents, presentEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { incidentOfCase } from '../incidents/incidents.service.ts';
import { deadlinesOf } from '../sla/deadlines.service.ts';
import { presentCase, selectCases } from './case-presenters.ts';
import type { CaseResponse } from './cases.schema.ts';
import { classificationOf } from './classification.ts';
import { parseFolio } from './folio.ts';

type ReadDeps = Pick<AppContext, 'db' | 'settings'>;

/** A case by id, as the public sees it; 404 when there is none. */
export async function getCaseById(deps: ReadDeps, id: string, now: Date): Promise<CaseResponse> {
  const [row] = await selectCases(deps.db).where(eq(cases.id, id));
  if (!row) throw new AppError('case.not_found', { status: 404, detail: 'No such case' });
  return presentCase(row, await deadlinesOf(deps, deps.db, [id], now));
}

/** A case by folio (typed loosely; a wrong check digit fails before any query) with its whole timeline. */
export async function getCaseWithTimeline(deps: ReadDeps, folio: string, now: Date) {
  const tx = deps.db;
  const parsed = parseFolio(folio);
  const [row] = await selectCases(tx).where(eq(cases.folio, parsed.folio));
  if (!row)
    throw new AppError('case.not_found', { status: 404, detail: `No case with folio ${parsed.folio}` });
  const messageRows = await tx
    .select()
    .from(messages)
    .where(eq(messages.caseId, row.kase.id))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  const attachmentRows = await tx
    .select({
      messageId: messageAttachments.messageId,
      sha256: messageAttachments.sha256,
      filename: messageAttachments.filename,
      position: messageAttachments.position,
      contentType: attachmentBlobs.contentType,
      size: attachmentBlobs.size,
    })
    .from(messageAttachments)
    .innerJoin(messages, eq(messages.id, messageAttachments.messageId))
    .innerJoin(attachmentBlobs, eq(attachmentBlobs.sha256, messageAttachments.sha256))
    .where(eq(messages.caseId, row.kase.id))
    .orderBy(asc(messageAttachments.position));
  const eventRows = await caseEvents(tx, row.kase.id);
  const timeline = [
    ...messageRows.map((m) => ({
      at: m.createdAt.getTime(),
      order: 0,
      entry: {
        type: 'message' as const,
        message: {
          id: m.id,
          kind: m.kind,
          channel: m.channel as CaseResponse['channel'],
          body: m.body,
          authorAgentId: m.authorAgentId,
          deliveryStatus: m.deliveryStatus,
          deliveryError: m.deliveryError,
          attachments: attachmentRows
            .filter((a) => a.messageId === m.id)
            .map((a) => ({
              sha256: a.sha256,
              filename: a.filename,
              contentType: a.contentType,
              size: a.size,
            })),
          at: m.createdAt.toISOString(),
        },
      },
    })),
    ...eventRows.map((e) => ({
      at: e.event.createdAt.getTime(),
      order: 1,
      entry: { type: 'event' as const, event: presentEvent(e) },
    })),
  ]
    .sort((a, b) => a.at - b.at || a.order - b.order)
    .map((t) => t.entry);
  return {
    ...presentCase(row, await deadlinesOf(deps, tx, [row.kase.id], now)),
    timeline,
    // Only the message that opened the case carries one (an acknowledgement may share its instant).
    classification: messageRows.map((m) => classificationOf(m.metadata)).find(Boolean) ?? null,
    incident: await incidentOfCase(tx, row.kase.incidentId),
  };
}

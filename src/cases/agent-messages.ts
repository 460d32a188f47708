import type { Actor } from '../auth/actor.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { meetDeadline } from '../sla/deadlines.service.ts';
import { assertMayChange } from './access.ts';
import { type CaseDeps, decodeAll, lockCase } from './case-context.ts';
import type { AddMessageRequest } from './cases.schema.ts';
import { customerSpoke } from './customer-messages.ts';
import { isFinal } from './lifecycle.ts';
import { insertMessage } from './messages.ts';
import { queueAgentReply } from './reply-channel.ts';

/** An agent's reply, internal note, or the record of what the customer said (e.g. on a call). */
export async function addAgentMessage(
  deps: CaseDeps,
  folio: string,
  request: AddMessageRequest,
  actor: Actor,
) {
  const decoded = decodeAll(request.attachments ?? []);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    if (isFinal(kase.status)) {
      throw new AppError('case.final', {
        status: 409,
        detail: `The case is ${kase.status}; open a new case for the customer instead`,
      });
    }
    if (request.kind === 'saliente') {
      const messageId = await queueAgentReply(deps, tx, kase, request, decoded, actor, now);
      // An agent's reply is the first response; automatic acknowledgements never come through here.
      await meetDeadline(deps, tx, kase.id, 'primera_respuesta', now);
      return { caseId: kase.id, messageId };
    }
    const message = await insertMessage(
      deps,
      tx,
      {
        caseId: kase.id,
        kind: request.kind,
        channel: kase.channel,
        body: request.body,
        authorAgentId: actor.agentId,
        at: now,
      },
      decoded,
    );
    await appendEvent(
      tx,
      {
        kind: 'message_added',
        actor: agentActor(actor),
        caseId: kase.id,
        after: { messageId: message.id, kind: request.kind, attachments: message.attachments.length },
      },
      now,
    );
    if (request.kind === 'entrante')
      await customerSpoke(deps, tx, kase, now, { kind: 'agente', agentId: actor.agentId });
    return { caseId: kase.id, messageId: message.id };
  });
}

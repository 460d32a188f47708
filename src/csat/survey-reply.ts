/** A score tapped on a survey question: the id of the list row or quick reply, `csat:<survey>:<score>`. */
export interface SurveyReply {
  surveyId: string;
  score: number;
}

const REPLY = /^csat:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([1-5])$/;

/**
 * The survey reply a message carries, from the transport's record of what was tapped (a WhatsApp list row
 * or reply button, a template button's payload, a Messenger quick reply or postback). Typed text never
 * counts: only an id Atiende sent can.
 */
export function surveyReplyOf(metadata: Record<string, unknown> | undefined): SurveyReply | undefined {
  const m = metadata ?? {};
  for (const id of [m.replyId, m.quickReply, m.postback, m.buttonPayload]) {
    if (typeof id !== 'string') continue;
    const match = REPLY.exec(id.toLowerCase());
    if (match?.[1] && match[2]) return { surveyId: match[1], score: Number(match[2]) };
  }
  return undefined;
}

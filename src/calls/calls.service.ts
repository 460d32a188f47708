import { eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import { type CaseDeps, createCase } from '../cases/cases.service.ts';
import type { RequestType } from '../cases/request-types.ts';
import { queueOutbound, templateSubjectOf, templateValues } from '../channels/outbound.service.ts';
import { fillWhatsappTemplate, renderTemplate, templateText } from '../channels/templates.ts';
import type { Tx } from '../db/database.ts';
import { cases, contactPoints } from '../db/schema.ts';
import { deadlinesOf } from '../sla/deadlines.service.ts';

export interface RegisterCall {
  callerNumber: string;
  requestType: RequestType;
  subtype?: string;
  notes: string;
  customerName?: string;
}

/**
 * Queues the written receipt of a phone request on the customer's written channel on file: e-mail
 * first, else an approved WhatsApp template (the customer has not written, so free text cannot go).
 * Returns the queued message, or nothing when the customer has no written channel.
 */
async function queueReceipt(deps: CaseDeps, tx: Tx, caseId: string, agentId: string, now: Date) {
  const [kase] = await tx.select().from(cases).where(eq(cases.id, caseId));
  if (!kase) return undefined;
  const points = await tx.select().from(contactPoints).where(eq(contactPoints.customerId, kase.customerId));
  const { settings } = await deps.settings.current(tx);
  const due = (await deadlinesOf(deps, tx, [caseId], now)).get(caseId)?.resolucion?.dueAt;
  const values = templateValues(settings, await templateSubjectOf(tx, caseId), due ? new Date(due) : null);
  const at = now;
  if (points.some((p) => p.kind === 'email')) {
    const text = templateText(settings, 'comprobante', 'email', kase.requestType);
    if (text) {
      const id = await queueOutbound(deps, tx, {
        caseId,
        channel: 'email',
        body: renderTemplate(text, values),
        automatic: true,
        authorAgentId: agentId,
        at,
      });
      return { channel: 'email' as const, messageId: id };
    }
  }
  const template = settings.whatsappTemplates.find((t) => t.name === 'acuse_folio');
  if (template && points.some((p) => p.kind === 'whatsapp')) {
    const id = await queueOutbound(deps, tx, {
      caseId,
      channel: 'whatsapp',
      ...fillWhatsappTemplate(template, values),
      automatic: true,
      authorAgentId: agentId,
      at,
    });
    return { channel: 'whatsapp' as const, messageId: id };
  }
  return undefined;
}

/**
 * Registers a phone call: the caller's number finds the customer (or makes a prospect), a case opens on
 * the phone channel with the agent's notes, and its written receipt is queued when the customer has a
 * written channel on file (Carta de Derechos Mínimos: written proof of every request made by phone).
 */
export async function registerCall(deps: CaseDeps, call: RegisterCall, actor: Actor) {
  let receipt: { channel: 'email' | 'whatsapp'; messageId: string } | undefined;
  const created = await createCase(
    deps,
    {
      requestType: call.requestType,
      subtype: call.subtype,
      channel: 'telefono',
      contact: { kind: 'phone', address: call.callerNumber },
      customerName: call.customerName,
      raisedBy: { kind: 'agente' },
      description: call.notes,
    },
    actor,
    {
      afterOpen: async (tx, opened) => {
        receipt = await queueReceipt(deps, tx, opened.caseId, actor.agentId, deps.clock.now());
      },
    },
  );
  return { case: created, receipt: receipt ? { ...receipt, deliveryStatus: 'pendiente' as const } : null };
}

import { eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import type { CaseDeps } from '../cases/case-context.ts';
import { createCase } from '../cases/open-case.ts';
import type { OpenedForRequest } from '../cases/open-case-row.ts';
import type { RequestType } from '../cases/request-types.ts';
import { queueOutbound, templateValues } from '../channels/outbound-queue.ts';
import { fillWhatsappTemplate, renderTemplate, templateText } from '../channels/templates.ts';
import { normalizeContactAddress } from '../customers/contact-points.ts';
import { representationOf } from '../customers/representation.ts';
import type { Tx } from '../db/database.ts';
import { contactPoints } from '../db/schema.ts';

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
async function queueReceipt(deps: CaseDeps, tx: Tx, opened: OpenedForRequest, agentId: string, now: Date) {
  const kase = opened.row;
  const caseId = kase.id;
  const points = await tx.select().from(contactPoints).where(eq(contactPoints.customerId, kase.customerId));
  const { settings } = await deps.settings.current(tx);
  const due = opened.deadlines.find((d) => d.kind === 'resolucion')?.dueAt ?? null;
  const values = templateValues(
    settings,
    { folio: kase.folio, requestType: kase.requestType, customerName: opened.customer.name },
    due,
  );
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

/** The authorization the caller's number acts under for this request, when exactly one fits. */
async function callerActingFor(deps: CaseDeps, call: RegisterCall) {
  const address = normalizeContactAddress('phone', call.callerNumber, 'callerNumber');
  const representation = await representationOf(deps.db, { kind: 'phone', address }, deps.clock.now());
  const scope = representation?.representative.scope;
  if (!representation || (scope && !scope.includes(call.requestType))) return undefined;
  return { id: representation.representative.id, customerId: representation.customer.id };
}

/**
 * Registers a phone call: the caller's number finds the customer (or makes a prospect), a case opens on
 * the phone channel with the agent's notes, and its written receipt is queued when the customer has a
 * written channel on file (Carta de Derechos Mínimos: written proof of every request made by phone).
 */
export async function registerCall(deps: CaseDeps, call: RegisterCall, actor: Actor) {
  let receipt: { channel: 'email' | 'whatsapp'; messageId: string } | undefined;
  // A caller whose number is a customer's representative, asking within scope, files for that customer.
  const acting = await callerActingFor(deps, call);
  const created = await createCase(
    deps,
    {
      requestType: call.requestType,
      subtype: call.subtype,
      channel: 'telefono',
      ...(acting
        ? { customerId: acting.customerId, raisedBy: { kind: 'representante', representativeId: acting.id } }
        : {
            contact: { kind: 'phone', address: call.callerNumber },
            customerName: call.customerName,
            raisedBy: { kind: 'agente' },
          }),
      description: call.notes,
    },
    actor,
    {
      afterOpen: async (tx, opened) => {
        receipt = await queueReceipt(deps, tx, opened, actor.agentId, deps.clock.now());
      },
    },
  );
  return { case: created, receipt: receipt ? { ...receipt, deliveryStatus: 'pendiente' as const } : null };
}

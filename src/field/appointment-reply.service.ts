import { and, eq, isNull } from 'drizzle-orm';
import { deliverNotice } from '../channels/notices.ts';
import type { Tx } from '../db/database.ts';
import { serviceOrders } from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import { readAppointmentReply } from './appointment-reply.ts';
import { type FieldDeps, orderSubject, providerZone, windowText } from './service-orders.service.ts';

/**
 * A customer's message just stored on their case, read as an answer to the visit window they were told:
 * on the one order of the case with a window agreed, not confirmed and not over, a confirmation confirms
 * it as the customer (and tells them so), a request for another time sends it back to waiting for a new
 * window for the agent to propose. Anything else, a sender who did not prove who they are, a message that
 * is not text, or several such orders (which one would it be?) is left to the agent who reads it.
 */
export async function answerAppointment(
  deps: FieldDeps,
  tx: Tx,
  kase: { id: string; customerId: string; channel: string; requestType: string },
  message: { id: string; customerId: string; text: string; contentType: string; unverified?: boolean },
  now: Date,
): Promise<void> {
  if (message.unverified || message.contentType !== 'text' || message.customerId !== kase.customerId) return;
  const reply = readAppointmentReply(message.text);
  if (!reply) return;
  const open = await tx
    .select()
    .from(serviceOrders)
    .where(
      and(
        eq(serviceOrders.caseId, kase.id),
        eq(serviceOrders.status, 'agendada'),
        isNull(serviceOrders.confirmedAt),
      ),
    )
    .for('update');
  const waiting = open.filter((o) => o.windowStart && (o.windowEnd ?? o.windowStart) > now);
  const [order] = waiting;
  if (!order?.windowStart || waiting.length !== 1) return;
  const windowStart = order.windowStart;
  const windowEnd = order.windowEnd ?? windowStart;
  const agreed = { windowStart: windowStart.toISOString(), windowEnd: windowEnd.toISOString() };
  if (reply === 'confirmar') {
    await tx
      .update(serviceOrders)
      .set({ confirmedAt: now, updatedAt: now })
      .where(eq(serviceOrders.id, order.id));
    await appendEvent(
      tx,
      {
        kind: 'service_order_scheduled',
        actor: { kind: 'cliente' },
        subject: orderSubject(order.id),
        caseId: kase.id,
        customerId: kase.customerId,
        reason: 'confirmada_por_cliente',
        after: { number: order.number, ...agreed, messageId: message.id },
      },
      now,
    );
    await deliverNotice(deps, tx, kase, 'orden_confirmada', null, now, {
      values: {
        orden: String(order.number),
        ventana: windowText(windowStart, windowEnd, await providerZone(deps, tx)),
      },
      customerJustWrote: true,
    });
    return;
  }
  // The window stays on the order: the technician's day still lists it, as one not to go to.
  await tx
    .update(serviceOrders)
    .set({ status: 'reprogramada', updatedAt: now })
    .where(eq(serviceOrders.id, order.id));
  await appendEvent(
    tx,
    {
      kind: 'service_order_reschedule_requested',
      actor: { kind: 'cliente' },
      subject: orderSubject(order.id),
      caseId: kase.id,
      customerId: kase.customerId,
      before: { status: order.status, ...agreed },
      after: { number: order.number, status: 'reprogramada', messageId: message.id },
    },
    now,
  );
}

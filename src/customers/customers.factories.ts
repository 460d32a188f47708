import { randomUUID } from 'node:crypto';
import { asc } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import { areas, cases } from '../db/schema.ts';
import type { EventActor } from '../events/events.service.ts';
import { type CreateCustomerInput, createCustomer } from './customers.service.ts';

// Test data builders: each test makes its own customers, so none depends on another's rows.

let sequence = 0;

/** A valid Monterrey number no other call returns, as a person would type it. */
export const uniquePhone = () => {
  sequence += 1;
  const digits = String(20_000_000 + sequence);
  return `(81) ${digits.slice(0, 4)} ${digits.slice(4)}`;
};

/** The same number in E.164, as stored. */
export const e164 = (typed: string) => `+52${typed.replace(/\D/g, '')}`;

export const testAgentActor = (agentId: string = randomUUID()): EventActor => ({ kind: 'agente', agentId });

export async function makeCustomer(db: Tx, input: CreateCustomerInput = {}, actor = testAgentActor()) {
  return createCustomer(db, { contactPoints: [{ kind: 'phone', address: uniquePhone() }], ...input }, actor);
}

/** A bare case row for the customer, straight into the table (opening real cases is the case service's job). */
export async function makeCase(db: Tx, customerId: string) {
  const [area] = await db.select({ id: areas.id }).from(areas).orderBy(asc(areas.id)).limit(1);
  if (!area) throw new Error('the test database has no areas; start it through startTestApp');
  sequence += 1;
  const [row] = await db
    .insert(cases)
    .values({
      folio: `MON-2026-${String(sequence).padStart(6, '0')}-${randomUUID().slice(0, 4)}`,
      requestType: 'falla',
      channel: 'telefono',
      customerId,
      raisedBy: 'cliente',
      areaId: area.id,
      subject: 'Sin internet',
    })
    .returning();
  if (!row) throw new Error('case not inserted');
  return row;
}

import { eq } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import { services } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';

/**
 * The service's row, locked for the rest of the transaction: every change of a service's status
 * (suspension, reactivation, installation, cancellation, an agent's edit) takes it first, so two of them
 * never both read the old status. 404 when there is no such service.
 */
export async function lockService(tx: Tx, id: string): Promise<typeof services.$inferSelect> {
  const [row] = await tx.select().from(services).where(eq(services.id, id)).for('update');
  if (!row) throw new AppError('service.not_found', { status: 404, detail: 'No such service' });
  return row;
}

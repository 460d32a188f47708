import { and, desc, eq } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import { consents } from '../db/schema.ts';
import type { ConsentPurpose } from '../domain/vocabulary.ts';

/** What the rule reads of a consent row. */
export interface ConsentFact {
  purpose: ConsentPurpose;
  granted: boolean;
  recordedAt: Date;
}

/**
 * Whether the person consents to a use now: the newest row for the purpose decides (a withdrawal or an
 * opposition after a consent ends it; a new consent after them restores it), and no row is no consent,
 * because promotional messages need express consent (LFPDPPP). Rows at the same instant: a refusal
 * wins, so a tie never sends.
 */
export function consentInForce(rows: readonly ConsentFact[], purpose: ConsentPurpose): boolean {
  let newest: ConsentFact | undefined;
  for (const row of rows) {
    if (row.purpose !== purpose) continue;
    const time = row.recordedAt.getTime();
    const newestTime = newest?.recordedAt.getTime() ?? Number.NEGATIVE_INFINITY;
    if (time > newestTime || (time === newestTime && !row.granted)) newest = row;
  }
  return newest?.granted === true;
}

/** Whether a customer consents to a use now, by {@link consentInForce} over their rows. */
export async function hasConsent(tx: Tx, customerId: string, purpose: ConsentPurpose): Promise<boolean> {
  const rows = await tx
    .select({ purpose: consents.purpose, granted: consents.granted, recordedAt: consents.recordedAt })
    .from(consents)
    .where(and(eq(consents.customerId, customerId), eq(consents.purpose, purpose)))
    .orderBy(desc(consents.recordedAt));
  return consentInForce(rows, purpose);
}

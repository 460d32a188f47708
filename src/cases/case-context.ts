import { eq } from 'drizzle-orm';
import type { AttachmentInput } from '../attachments/attachments.service.ts';
import { decodeAttachment } from '../attachments/attachments.service.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { cases } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { parseFolio } from './folio.ts';
import type { DecodedAttachment } from './messages.ts';

// What every operation on a case shares: its dependencies, the locked row, the acting agent.

export type CaseDeps = Pick<AppContext, 'db' | 'database' | 'clock' | 'jobs' | 'settings'>;
export type CaseRow = typeof cases.$inferSelect;

export const decodeAll = (list: AttachmentInput[]): DecodedAttachment[] =>
  list.map((attachment, i) => decodeAttachment(attachment, `attachments.${i}`));

/** A subtype, when given, is one the settings list for the request type. */
export function assertSubtype(settings: ProviderSettings, requestType: string, subtype: string | undefined) {
  if (subtype && !settings.requestSubtypes.some((s) => s.type === requestType && s.code === subtype)) {
    throw new AppError('case.unknown_subtype', {
      status: 422,
      field: 'subtype',
      detail: `${subtype} is not a subtype of ${requestType}`,
    });
  }
}

/** The case with that folio, locked for the rest of the transaction; 404 when there is none. */
export async function lockCase(tx: Tx, folio: string): Promise<CaseRow> {
  const parsed = parseFolio(folio);
  const [row] = await tx.select().from(cases).where(eq(cases.folio, parsed.folio)).for('update');
  if (!row)
    throw new AppError('case.not_found', { status: 404, detail: `No case with folio ${parsed.folio}` });
  return row;
}

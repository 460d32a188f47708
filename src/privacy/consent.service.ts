import { desc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { AppContext } from '../context.ts';
import { resolveCustomer } from '../customers/customers.service.ts';
import { consents } from '../db/schema.ts';
import { type Channel, CONSENT_PURPOSES, type ConsentPurpose } from '../domain/vocabulary.ts';
import { appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type {
  ConsentRecordResponse,
  CustomerConsentsResponse,
  PortalConsentsResponse,
} from './consent.schema.ts';
import { consentInForce } from './consent-rule.ts';
import { consentSettings } from './consent-settings.ts';

type Deps = Pick<AppContext, 'db' | 'clock' | 'settings'>;
type ConsentRow = typeof consents.$inferSelect;

const present = (row: ConsentRow): z.infer<typeof ConsentRecordResponse> => ({
  id: row.id,
  purpose: row.purpose,
  granted: row.granted,
  channel: row.channel,
  textVersion: row.textVersion,
  arcoRequestId: row.arcoRequestId,
  recordedByAgentId: row.recordedByAgentId,
  recordedAt: row.recordedAt.toISOString(),
});

const inForceOf = (rows: readonly ConsentRow[]) => ({
  promocionales: consentInForce(rows, 'promocionales'),
  encuestas: consentInForce(rows, 'encuestas'),
});

const historyOf = (deps: Pick<AppContext, 'db'>, customerId: string) =>
  deps.db
    .select()
    .from(consents)
    .where(eq(consents.customerId, customerId))
    .orderBy(desc(consents.recordedAt), desc(consents.id));

/** A customer's consents in force per use and every row they said, newest first (following a merge). */
export async function customerConsents(
  deps: Pick<AppContext, 'db'>,
  customerId: string,
): Promise<z.infer<typeof CustomerConsentsResponse>> {
  const customer = await resolveCustomer(deps.db, customerId);
  const rows = await historyOf(deps, customer.id);
  return { inForce: inForceOf(rows), history: rows.map(present) };
}

/**
 * Appends what the customer said about one use, under the privacy notice's current version, with an
 * event on the customer. Nothing is ever changed or removed: the newest row is the one in force.
 */
export async function recordConsent(
  deps: Deps,
  input: {
    customerId: string;
    purpose: ConsentPurpose;
    granted: boolean;
    channel: Channel;
    agentId: string | null;
  },
  actor: EventActor,
): Promise<z.infer<typeof ConsentRecordResponse>> {
  const { settings } = await deps.settings.current(deps.db);
  const textVersion = consentSettings(settings).noticeVersion;
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const customer = await resolveCustomer(tx, input.customerId, { lock: 'key share' });
    const [row] = await tx
      .insert(consents)
      .values({
        customerId: customer.id,
        purpose: input.purpose,
        granted: input.granted,
        channel: input.channel,
        textVersion,
        recordedByAgentId: input.agentId,
        recordedAt: now,
      })
      .returning();
    if (!row) throw new Error('consent not recorded');
    await appendEvent(
      tx,
      {
        kind: 'consent_recorded',
        actor,
        customerId: customer.id,
        after: {
          consentId: row.id,
          purpose: row.purpose,
          granted: row.granted,
          channel: row.channel,
          textVersion,
        },
      },
      now,
    );
    return present(row);
  });
}

/** What the portal shows a customer who gave their account number and PIN: each use, its words, their say. */
export async function portalConsents(
  deps: Deps,
  customerId: string,
): Promise<z.infer<typeof PortalConsentsResponse>> {
  const { settings } = await deps.settings.current(deps.db);
  const consent = consentSettings(settings);
  const rows = await historyOf(deps, customerId);
  return {
    noticeVersion: consent.noticeVersion,
    noticeDate: consent.noticeDate,
    purposes: CONSENT_PURPOSES.map((purpose) => ({
      purpose,
      text: consent.texts[purpose],
      granted: consentInForce(rows, purpose),
    })),
  };
}

/**
 * The customer's own consent or withdrawal from the portal. The version they were shown must be the one
 * in force: the notice changed while they read it, they read the new words first.
 */
export async function recordPortalConsent(
  deps: Deps,
  customerId: string,
  input: { purpose: ConsentPurpose; granted: boolean; textVersion: string },
): Promise<z.infer<typeof PortalConsentsResponse>> {
  const { settings } = await deps.settings.current(deps.db);
  if (input.textVersion !== consentSettings(settings).noticeVersion) {
    throw new AppError('consent.notice_changed', {
      status: 409,
      field: 'textVersion',
      detail: 'El aviso de privacidad cambió. Lea el texto vigente y vuelva a elegir.',
    });
  }
  await recordConsent(
    deps,
    { customerId, purpose: input.purpose, granted: input.granted, channel: 'portal', agentId: null },
    { kind: 'cliente' },
  );
  return portalConsents(deps, customerId);
}

import { and, desc, eq, gt, inArray, isNotNull, isNull, ne, or } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { assertMayChange } from '../cases/access.ts';
import { lockCase } from '../cases/case-context.ts';
import { parseFolio } from '../cases/folio.ts';
import type { AppContext } from '../context.ts';
import { resolveCustomer } from '../customers/customers.service.ts';
import { redeemOneTimeCode, sendOneTimeCode } from '../customers/one-time-codes.ts';
import type { Tx } from '../db/database.ts';
import {
  accountPins,
  authorizedRepresentatives,
  cases,
  contactPoints,
  identityChecks,
} from '../db/schema.ts';
import type { IdentityCheck } from '../domain/vocabulary.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { clearThrottle, countHit, tooManyRequests } from '../throttles/throttles.service.ts';
import type { IdentityCheckRequest } from './pin.schema.ts';
import { hashNewPin, storePin, verifyPin } from './pin.service.ts';

/**
 * An agent's PIN for the caller counts only while the call lasts: a check older than this on the case
 * does not let anyone set a PIN later.
 */
export const CHECK_VALID_MS = 60 * 60_000;

/** Codes an agent may send on a case, and wrong codes read back, per window. */
export const IDENTITY_CODE_LIMITS = {
  sendsPerCase: 3,
  sendWindowMs: 60 * 60_000,
  attemptsPerCase: 5,
  attemptWindowMs: 15 * 60_000,
} as const;

/** Methods that prove the caller holds what the holder holds, so they may replace an existing PIN. */
const RESET_METHODS: IdentityCheck[] = ['pin', 'codigo_enviado'];

const throttled = (until: Date, now: Date) =>
  tooManyRequests('identity.throttled', until, now, 'Too many codes on this case; wait and try again');

/**
 * The case, locked, for the agent taking the call: whoever registered it (a call may be routed to
 * another area), agents of its area, admins.
 */
async function caseOnTheCall(tx: Tx, actor: Actor, folio: string) {
  const kase = await lockCase(tx, folio);
  if (kase.raisedByAgentId !== actor.agentId) await assertMayChange(tx, actor, kase.areaId);
  return kase;
}

/** Sends a code to one of the case customer's addresses on file, for the caller to read back. */
export async function sendIdentityCode(
  ctx: AppContext,
  actor: Actor,
  folio: string,
  contactPointId: string,
): Promise<{ channel: 'email' | 'whatsapp'; expiresAt: string }> {
  const now = ctx.clock.now();
  const { kase, point } = await ctx.db.transaction(async (tx) => {
    const kase = await caseOnTheCall(tx, actor, folio);
    const customer = await resolveCustomer(tx, kase.customerId);
    const [point] = await tx
      .select()
      .from(contactPoints)
      .where(and(eq(contactPoints.id, contactPointId), eq(contactPoints.customerId, customer.id)));
    if (!point) {
      throw new AppError('identity.contact_not_on_file', {
        status: 422,
        field: 'contactPointId',
        detail: "That contact point is not the case customer's",
      });
    }
    return { kase, point };
  });
  if (point.kind !== 'email' && point.kind !== 'whatsapp') {
    throw new AppError('portal.verify_unavailable', {
      status: 409,
      detail: 'A code goes by e-mail or WhatsApp only',
    });
  }
  const sends = await countHit(ctx.db, `identity-send:${kase.id}`, IDENTITY_CODE_LIMITS.sendWindowMs, now);
  if (sends.hits > IDENTITY_CODE_LIMITS.sendsPerCase) throw throttled(sends.windowEndsAt, now);
  const { settings } = await ctx.settings.current(ctx.db);
  return sendOneTimeCode(ctx, {
    scope: 'identity-check',
    key: kase.id,
    to: { kind: point.kind, address: point.address },
    emailTemplate: 'codigo_cuenta',
    folio: kase.folio,
    values: { folio: kase.folio, proveedor: settings.provider.name },
  });
}

const presentCheck = (row: typeof identityChecks.$inferSelect) => ({
  id: row.id,
  method: row.method,
  agentId: row.agentId,
  checkedAt: row.checkedAt.toISOString(),
});

/**
 * Records that the agent checked who is calling, and how: the PIN as the caller says it (checked with the
 * same per-account delay as the portal's), a code sent to an address on file and read back, the account's
 * data, or an authorized representative of the customer. The event says the method, nothing more.
 */
export async function recordIdentityCheck(
  ctx: AppContext,
  actor: Actor,
  folio: string,
  input: z.infer<typeof IdentityCheckRequest>,
) {
  const now = ctx.clock.now();
  const { kase, customer } = await ctx.db.transaction(async (tx) => {
    const kase = await caseOnTheCall(tx, actor, folio);
    return { kase, customer: await resolveCustomer(tx, kase.customerId) };
  });
  if (input.method === 'pin') {
    const [stored] = await ctx.db
      .select({ customerId: accountPins.customerId })
      .from(accountPins)
      .where(eq(accountPins.customerId, customer.id));
    if (!customer.accountNumber || !stored) {
      throw new AppError('account.no_pin', { status: 409, detail: 'The customer has no PIN' });
    }
    await verifyPin(ctx.db, { accountNumber: customer.accountNumber, pin: input.pin }, now);
  }
  const attemptsKey = `identity-code:${kase.id}`;
  if (input.method === 'codigo_enviado') {
    const attempts = await countHit(ctx.db, attemptsKey, IDENTITY_CODE_LIMITS.attemptWindowMs, now);
    if (attempts.hits > IDENTITY_CODE_LIMITS.attemptsPerCase) throw throttled(attempts.windowEndsAt, now);
  }
  const row = await ctx.db.transaction(async (tx) => {
    if (input.method === 'codigo_enviado') {
      const redeemed = await redeemOneTimeCode(tx, {
        scope: 'identity-check',
        key: kase.id,
        code: input.code,
        now,
      });
      if (!redeemed) {
        throw new AppError('identity.code_invalid', {
          status: 422,
          field: 'code',
          detail: 'The code is wrong or expired; send another',
        });
      }
    }
    if (input.method === 'representante_autorizado') {
      const [representative] = await tx
        .select({ id: authorizedRepresentatives.id })
        .from(authorizedRepresentatives)
        .where(
          and(
            eq(authorizedRepresentatives.id, input.representativeId),
            eq(authorizedRepresentatives.customerId, customer.id),
            isNull(authorizedRepresentatives.revokedAt),
            or(isNull(authorizedRepresentatives.expiresAt), gt(authorizedRepresentatives.expiresAt, now)),
            // A carta poder vouches for no one until a supervisor verified it.
            or(
              ne(authorizedRepresentatives.grantedVia, 'carta_poder'),
              isNotNull(authorizedRepresentatives.verifiedAt),
            ),
          ),
        );
      if (!representative) {
        throw new AppError('identity.not_a_representative', {
          status: 422,
          field: 'representativeId',
          detail: 'Not a current authorized representative of the customer',
        });
      }
    }
    const [inserted] = await tx
      .insert(identityChecks)
      .values({
        caseId: kase.id,
        customerId: customer.id,
        method: input.method,
        agentId: actor.agentId,
        checkedAt: now,
      })
      .returning();
    if (!inserted) throw new Error('identity check insert returned nothing');
    await appendEvent(
      tx,
      {
        kind: 'identity_verified',
        actor: agentActor(actor),
        subject: { kind: 'customer', id: customer.id },
        customerId: customer.id,
        caseId: kase.id,
        after: { method: input.method },
      },
      now,
    );
    return inserted;
  });
  if (input.method === 'codigo_enviado') await clearThrottle(ctx.db, attemptsKey);
  return presentCheck(row);
}

/** The identity checks recorded on a case, newest first, and whether its customer has a PIN. */
export async function identityChecksOf(ctx: AppContext, folio: string) {
  const tx = ctx.db;
  const { folio: parsed } = parseFolio(folio);
  const [kase] = await tx.select().from(cases).where(eq(cases.folio, parsed));
  if (!kase) throw new AppError('case.not_found', { status: 404, detail: `No case with folio ${parsed}` });
  const customer = await resolveCustomer(tx, kase.customerId);
  const rows = await tx
    .select()
    .from(identityChecks)
    .where(eq(identityChecks.caseId, kase.id))
    .orderBy(desc(identityChecks.checkedAt));
  const [pin] = await tx
    .select({ customerId: accountPins.customerId })
    .from(accountPins)
    .where(eq(accountPins.customerId, customer.id));
  return { pinSet: Boolean(pin), checks: rows.map(presentCheck) };
}

/**
 * An agent sets the caller's PIN on a phone case, after checking on this case, within the call, that the
 * caller is the holder. Replacing a PIN is a reset: it needs a check that proves what only the holder
 * has (the PIN itself, or a code sent to an address on file), not account data anyone may know.
 */
export async function setPinByAgent(ctx: AppContext, actor: Actor, folio: string, pin: string) {
  const pinHash = await hashNewPin(pin);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const kase = await caseOnTheCall(tx, actor, folio);
    if (kase.channel !== 'telefono') {
      throw new AppError('identity.not_a_call', {
        status: 409,
        detail: 'An agent sets a PIN on a phone call only',
      });
    }
    const customer = await resolveCustomer(tx, kase.customerId);
    if (!customer.accountNumber) {
      throw new AppError('account.no_account', { status: 409, detail: 'The customer has no account number' });
    }
    const [existing] = await tx
      .select({ customerId: accountPins.customerId })
      .from(accountPins)
      .where(eq(accountPins.customerId, customer.id));
    const methods: IdentityCheck[] = existing ? RESET_METHODS : [...RESET_METHODS, 'datos_de_cuenta'];
    const [check] = await tx
      .select({ id: identityChecks.id })
      .from(identityChecks)
      .where(
        and(
          eq(identityChecks.caseId, kase.id),
          eq(identityChecks.customerId, customer.id),
          eq(identityChecks.agentId, actor.agentId),
          inArray(identityChecks.method, methods),
          gt(identityChecks.checkedAt, new Date(now.getTime() - CHECK_VALID_MS)),
        ),
      )
      .limit(1);
    if (!check) {
      throw new AppError(existing ? 'identity.reset_needs_code' : 'identity.not_verified', {
        status: 409,
        detail: existing
          ? 'Replacing a PIN needs the caller checked by the PIN or a code sent to an address on file'
          : "Check the caller's identity on this case first",
      });
    }
    await storePin(tx, {
      customerId: customer.id,
      pinHash,
      via: 'agente',
      actor: agentActor(actor),
      caseId: kase.id,
      now,
    });
  });
}

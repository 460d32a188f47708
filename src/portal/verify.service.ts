import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { AppContext } from '../context.ts';
import { confirmClaim } from '../customers/claims.service.ts';
import { resolveCustomer } from '../customers/customers.service.ts';
import {
  CODE_TTL_MS,
  type CodeDestination,
  codeUnavailable,
  redeemOneTimeCode,
  sendOneTimeCode,
} from '../customers/one-time-codes.ts';
import { claimingRepresentative, confirmRepresentativeClaim } from '../customers/representation.ts';
import { cases, contactPoints } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { clearThrottle, countHit, tooManyRequests } from '../throttles/throttles.service.ts';
import type { PortalLookup, PortalVerificationCode } from './portal.schema.ts';
import { authorizeFolio, portalView } from './portal.service.ts';

/**
 * A code lives 10 minutes. Sends are limited per folio (each one reaches the account holder's phone or
 * mailbox), and so are wrong codes: 5 guesses in 15 minutes leave a six-digit code years to find.
 */
export const VERIFY_LIMITS = {
  codeTtlMs: CODE_TTL_MS,
  sendsPerFolio: 3,
  sendWindowMs: 60 * 60_000,
  attemptsPerFolio: 5,
  attemptWindowMs: 15 * 60_000,
} as const;

const nothingToVerify = () =>
  new AppError('portal.nothing_to_verify', {
    status: 409,
    detail: 'Los datos de esta solicitud no necesitan confirmación.',
  });

const throttled = (until: Date, now: Date) =>
  tooManyRequests(
    'portal.rate_limited',
    until,
    now,
    'Demasiados intentos. Espere unos minutos e intente de nuevo.',
  );

/**
 * Where a code for the case's claimed contact goes: that same address as the account holder has it on
 * file, on e-mail for an e-mail and on WhatsApp for a number with WhatsApp (a number on file only as a
 * phone cannot be verified this way: an agent confirms it).
 */
async function codeDestination(ctx: AppContext, kase: typeof cases.$inferSelect): Promise<CodeDestination> {
  const claim = kase.claimedContact;
  if (!claim || !kase.proposedCustomerId) throw nothingToVerify();
  const holder = await resolveCustomer(ctx.db, kase.proposedCustomerId);
  const kind: 'email' | 'whatsapp' = claim.kind === 'email' ? 'email' : 'whatsapp';
  const [point] = await ctx.db
    .select({ address: contactPoints.address })
    .from(contactPoints)
    .where(
      and(
        eq(contactPoints.customerId, holder.id),
        eq(contactPoints.kind, kind),
        eq(contactPoints.address, claim.address),
      ),
    );
  if (point) return { kind, address: point.address };
  // A representative's own contact, as the customer authorized it, is where their code goes.
  if (await claimingRepresentative(ctx.db, kase, ctx.clock.now())) return { kind, address: claim.address };
  throw codeUnavailable();
}

/**
 * Sends a six-digit code to the claimed contact as the account holder has it on file, so the customer
 * can show the contact is theirs. Only its hash is kept. It is sent straight through the channel, not
 * queued on the case: a queued message is stored on the case (which the portal shows, code included) and
 * goes to the case's own customer, the prospect, who has no address.
 */
export async function sendVerificationCode(
  ctx: AppContext,
  input: z.infer<typeof PortalLookup>,
  clientAddress: string,
) {
  const kase = await authorizeFolio(ctx, input, clientAddress);
  if (!kase.proposedCustomerId) throw nothingToVerify();
  const now = ctx.clock.now();
  const sends = await countHit(ctx.db, `portal:verify-send:${kase.folio}`, VERIFY_LIMITS.sendWindowMs, now);
  if (sends.hits > VERIFY_LIMITS.sendsPerFolio) throw throttled(sends.windowEndsAt, now);
  const { settings } = await ctx.settings.current(ctx.db);
  // Nothing about the account (not even the holder's name) goes out before the code is given back.
  return sendOneTimeCode(ctx, {
    scope: 'portal-verify',
    key: kase.folio,
    to: await codeDestination(ctx, kase),
    emailTemplate: 'codigo_verificacion',
    folio: kase.folio,
    values: { folio: kase.folio, proveedor: settings.provider.name },
  });
}

/**
 * Takes back the code: right and in time, the case is linked to the account holder (the prospect merged
 * into them) exactly as an agent's confirmation would; wrong, expired or used, one answer for all.
 */
export async function confirmVerificationCode(
  ctx: AppContext,
  input: z.infer<typeof PortalVerificationCode>,
  clientAddress: string,
) {
  const kase = await authorizeFolio(ctx, input, clientAddress);
  if (!kase.proposedCustomerId) throw nothingToVerify();
  const now = ctx.clock.now();
  const attemptsKey = `portal:verify:${kase.folio}`;
  const attempts = await countHit(ctx.db, attemptsKey, VERIFY_LIMITS.attemptWindowMs, now);
  if (attempts.hits > VERIFY_LIMITS.attemptsPerFolio) throw throttled(attempts.windowEndsAt, now);
  await ctx.db.transaction(async (tx) => {
    if (!(await redeemOneTimeCode(tx, { scope: 'portal-verify', key: kase.folio, code: input.code, now }))) {
      throw new AppError('portal.code_invalid', {
        status: 422,
        field: 'code',
        detail: 'El código no es correcto o ya venció. Pida uno nuevo.',
      });
    }
    const [locked] = await tx.select().from(cases).where(eq(cases.id, kase.id)).for('update');
    if (!locked?.proposedCustomerId) throw nothingToVerify();
    if (!(await confirmRepresentativeClaim(ctx, tx, locked, now))) {
      await confirmClaim(tx, locked, { kind: 'cliente' }, 'claim_verified', now);
    }
  });
  await clearThrottle(ctx.db, attemptsKey);
  return portalView(ctx, kase.id, now);
}

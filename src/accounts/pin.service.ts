import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../auth/secrets.ts';
import type { AppContext } from '../context.ts';
import { normalizeContactAddress } from '../customers/contact-points.ts';
import { resolveCustomer } from '../customers/customers.service.ts';
import {
  CODE_TTL_MS,
  type CodeDestination,
  redeemOneTimeCode,
  sendOneTimeCode,
} from '../customers/one-time-codes.ts';
import type { Tx } from '../db/database.ts';
import { accountPins, contactPoints, customers } from '../db/schema.ts';
import { appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import {
  clearThrottle,
  countHit,
  type DelayPolicy,
  takeTurn,
  tooManyRequests,
} from '../throttles/throttles.service.ts';
import type { PortalPinCodeRequest, PortalSetPin } from './pin.schema.ts';
import { checkPin } from './pin-policy.ts';

/**
 * PIN attempts per account number, known or not, from any address (someone guessing moves addresses, the
 * account stays): three free, then a wait doubling from 30 s up to an hour. A four-digit PIN then takes
 * years to find, and the real customer is slowed, never locked out for good.
 */
export const PIN_DELAY: DelayPolicy = {
  free: 3,
  baseMs: 30_000,
  maxMs: 60 * 60_000,
  forgetMs: 24 * 60 * 60_000,
};

/** Codes to set or reset the PIN: sends and wrong codes limited per account, as the portal's are per folio. */
export const PIN_CODE_LIMITS = {
  sendsPerAccount: 3,
  sendWindowMs: 60 * 60_000,
  attemptsPerAccount: 5,
  attemptWindowMs: 15 * 60_000,
} as const;

// Case variants of one account number count as one: they would otherwise multiply an attacker's turns.
const accountKey = (accountNumber: string) => accountNumber.trim().toUpperCase();
export const pinThrottleKey = (accountNumber: string) => `pin:${accountKey(accountNumber)}`;

export const pinRefused = (reason: string) =>
  new AppError('account.pin_refused', {
    status: 422,
    field: 'pin',
    detail: `That PIN is not allowed (${reason}): use 4 to 6 digits that are not a sequence or repeated`,
    extra: { reason },
  });

// One answer for an unknown account, an account without a PIN and a wrong PIN: nothing tells them apart.
const pinInvalid = () =>
  new AppError('account.pin_invalid', {
    status: 422,
    field: 'pin',
    detail: 'El número de cuenta o el PIN no son correctos.',
  });

const throttled = (until: Date, now: Date) =>
  tooManyRequests('account.pin_throttled', until, now, 'Demasiados intentos. Espere e intente de nuevo.');

/** Refuses a PIN the policy refuses (422 on `pin`, with its reason); answers its argon2id hash. */
export async function hashNewPin(pin: string): Promise<string> {
  const check = checkPin(pin);
  if (!check.ok) throw pinRefused(check.reason);
  return hashPassword(pin);
}

/** The live holder of an account number (merged records followed), or undefined. */
export async function accountHolder(db: Tx, accountNumber: string) {
  const [row] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(eq(customers.accountNumber, accountNumber.trim()));
  return row ? resolveCustomer(db, row.id) : undefined;
}

/**
 * Checks a PIN against the account's, taking a turn of {@link PIN_DELAY} first (in the database, so every
 * process and parallel guess counts, and the right PIN waits too while the account is blocked). Unknown
 * account, no PIN and wrong PIN answer alike, after the same argon2 work. Answers the holder's id.
 */
export async function verifyPin(
  db: Tx,
  input: { accountNumber: string; pin: string },
  now: Date,
): Promise<string> {
  const key = pinThrottleKey(input.accountNumber);
  const turn = await takeTurn(db, key, now, PIN_DELAY);
  if (!turn.ok) throw throttled(turn.until, now);
  const holder = await accountHolder(db, input.accountNumber);
  const [stored] = holder
    ? await db.select().from(accountPins).where(eq(accountPins.customerId, holder.id))
    : [];
  if (!holder || !stored) {
    await verifyPassword(await decoyPasswordHash(), input.pin);
    throw pinInvalid();
  }
  if (!(await verifyPassword(stored.pinHash, input.pin))) throw pinInvalid();
  await clearThrottle(db, key);
  return holder.id;
}

/**
 * Stores a customer's PIN hash in the caller's transaction and records `pin_set`, or `pin_reset` when it
 * replaces one, with how it was set; the event holds no PIN and no hash.
 */
export async function storePin(
  tx: Tx,
  input: {
    customerId: string;
    pinHash: string;
    via: 'portal' | 'agente';
    actor: EventActor;
    caseId?: string;
    now: Date;
  },
): Promise<'pin_set' | 'pin_reset'> {
  const [existing] = await tx
    .select({ customerId: accountPins.customerId })
    .from(accountPins)
    .where(eq(accountPins.customerId, input.customerId))
    .for('update');
  const row = { pinHash: input.pinHash, setAt: input.now, setVia: input.via };
  await tx
    .insert(accountPins)
    .values({ customerId: input.customerId, ...row })
    .onConflictDoUpdate({ target: accountPins.customerId, set: row });
  const kind = existing ? 'pin_reset' : 'pin_set';
  await appendEvent(
    tx,
    {
      kind,
      actor: input.actor,
      subject: { kind: 'customer', id: input.customerId },
      customerId: input.customerId,
      ...(input.caseId ? { caseId: input.caseId } : {}),
      after: { via: input.via },
    },
    input.now,
  );
  return kind;
}

/**
 * Where a code for the account goes: the address given, if the holder has it on file, on e-mail for an
 * e-mail and on WhatsApp for a number (the same person's phone and WhatsApp share the number).
 */
async function destinationOnFile(
  db: Tx,
  customerId: string,
  factor: string,
): Promise<CodeDestination | 'unreachable' | undefined> {
  const isEmail = factor.includes('@');
  let address: string;
  try {
    address = normalizeContactAddress(isEmail ? 'email' : 'phone', factor);
  } catch {
    return undefined;
  }
  const points = await db
    .select({ kind: contactPoints.kind })
    .from(contactPoints)
    .where(and(eq(contactPoints.customerId, customerId), eq(contactPoints.address, address)));
  const kinds = points.map((p) => p.kind);
  if (isEmail) return kinds.includes('email') ? { kind: 'email', address } : undefined;
  if (kinds.includes('whatsapp')) return { kind: 'whatsapp', address };
  return kinds.includes('phone') ? 'unreachable' : undefined;
}

const codeThrottled = (until: Date, now: Date) =>
  tooManyRequests(
    'portal.rate_limited',
    until,
    now,
    'Demasiados intentos. Espere unos minutos e intente de nuevo.',
  );

/**
 * The portal's first step to set or reset a PIN: a code to the phone (WhatsApp) or e-mail given, when
 * the account holder has it on file. An unknown account or an address not on file gets the same answer
 * as a sent code, so the portal never confirms which accounts and addresses go together.
 */
export async function sendPinCode(
  ctx: AppContext,
  input: z.infer<typeof PortalPinCodeRequest>,
): Promise<{ expiresAt: string }> {
  const now = ctx.clock.now();
  const sends = await countHit(
    ctx.db,
    `pin-code-send:${accountKey(input.accountNumber)}`,
    PIN_CODE_LIMITS.sendWindowMs,
    now,
  );
  if (sends.hits > PIN_CODE_LIMITS.sendsPerAccount) throw codeThrottled(sends.windowEndsAt, now);
  const holder = await accountHolder(ctx.db, input.accountNumber);
  const to = holder ? await destinationOnFile(ctx.db, holder.id, input.factor) : undefined;
  if (!holder || !to) return { expiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString() };
  if (to === 'unreachable') {
    throw new AppError('portal.verify_unavailable', {
      status: 409,
      detail: 'No podemos enviarle un código a ese número. Llámenos para crear su PIN.',
    });
  }
  const { settings } = await ctx.settings.current(ctx.db);
  const sent = await sendOneTimeCode(ctx, {
    scope: 'account-pin',
    key: holder.id,
    to,
    emailTemplate: 'codigo_cuenta',
    folio: input.accountNumber.trim(),
    values: { proveedor: settings.provider.name },
  });
  return { expiresAt: sent.expiresAt };
}

/**
 * Sets or resets the PIN with the code sent to an address on file. A right code also forgets earlier
 * wrong PINs: whoever holds the address could have set a new PIN anyway.
 */
export async function setPinWithCode(ctx: AppContext, input: z.infer<typeof PortalSetPin>): Promise<void> {
  const pinHash = await hashNewPin(input.pin);
  const now = ctx.clock.now();
  const attemptsKey = `pin-code:${accountKey(input.accountNumber)}`;
  const attempts = await countHit(ctx.db, attemptsKey, PIN_CODE_LIMITS.attemptWindowMs, now);
  if (attempts.hits > PIN_CODE_LIMITS.attemptsPerAccount) throw codeThrottled(attempts.windowEndsAt, now);
  const holder = await accountHolder(ctx.db, input.accountNumber);
  await ctx.db.transaction(async (tx) => {
    const redeemed =
      holder &&
      (await redeemOneTimeCode(tx, { scope: 'account-pin', key: holder.id, code: input.code, now }));
    if (!holder || !redeemed) {
      throw new AppError('portal.code_invalid', {
        status: 422,
        field: 'code',
        detail: 'El código no es correcto o ya venció. Pida uno nuevo.',
      });
    }
    await storePin(tx, { customerId: holder.id, pinHash, via: 'portal', actor: { kind: 'cliente' }, now });
  });
  await clearThrottle(ctx.db, attemptsKey);
  await clearThrottle(ctx.db, pinThrottleKey(input.accountNumber));
}

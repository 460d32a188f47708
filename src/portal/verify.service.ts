import { randomInt } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { safeEqual, sha256 } from '../auth/secrets.ts';
import type { OutgoingMessage } from '../channels/adapter.ts';
import { fillWhatsappTemplate, renderTemplate, templateText } from '../channels/templates.ts';
import type { AppContext } from '../context.ts';
import { confirmClaim } from '../customers/claims.service.ts';
import { resolveCustomer } from '../customers/customers.service.ts';
import { cases, contactPoints, inboundReceipts } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { clearThrottle, countHit, tooManyRequests } from '../throttles/throttles.service.ts';
import type { PortalLookup, PortalVerificationCode } from './portal.schema.ts';
import { authorizeFolio, portalView } from './portal.service.ts';

/**
 * A code lives 10 minutes. Sends are limited per folio (each one reaches the account holder's phone or
 * mailbox), and so are wrong codes: 5 guesses in 15 minutes leave a six-digit code years to find.
 */
export const VERIFY_LIMITS = {
  codeTtlMs: 10 * 60_000,
  sendsPerFolio: 3,
  sendWindowMs: 60 * 60_000,
  attemptsPerFolio: 5,
  attemptWindowMs: 15 * 60_000,
} as const;

// The pending code of a folio, hashed: one row per folio in `inbound_receipts` (externalId = the folio,
// credential = the code's hash, receivedAt = when it was sent) until a table of its own is made.
const CODE_CHANNEL = 'portal-verify';

const codeHash = (folio: string, code: string) => sha256(`${folio}:${code}`);

const nothingToVerify = () =>
  new AppError('portal.nothing_to_verify', {
    status: 409,
    detail: 'Los datos de esta solicitud no necesitan confirmación.',
  });

const unavailable = () =>
  new AppError('portal.verify_unavailable', {
    status: 409,
    detail: 'No podemos enviarle un código a ese dato. Un asesor confirmará su solicitud.',
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
 * file, on e-mail for an e-mail and on WhatsApp (an approved template) for a number with WhatsApp. There
 * is no SMS, so a number on file only as a phone cannot be verified this way (an agent confirms it).
 */
async function codeMessage(
  ctx: AppContext,
  kase: typeof cases.$inferSelect,
  code: string,
): Promise<OutgoingMessage> {
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
  if (!point || ctx.channels.get(kind)?.health().status !== 'ok') throw unavailable();
  const { settings } = await ctx.settings.current(ctx.db);
  // Nothing about the account (not even the holder's name) goes out before the code is given back.
  const values = { folio: kase.folio, codigo: code, proveedor: settings.provider.name };
  const to = { kind, address: point.address };
  if (kind === 'email') {
    const text = templateText(settings, 'codigo_verificacion', 'email');
    if (!text) throw unavailable();
    return { channel: 'email', to, text: renderTemplate(text, values), folio: kase.folio, automatic: true };
  }
  const template = settings.whatsappTemplates.find((t) => t.name === 'codigo_verificacion');
  if (!template) throw unavailable();
  const filled = fillWhatsappTemplate(template, values);
  return {
    channel: 'whatsapp',
    to,
    text: filled.body,
    template: filled.template,
    folio: kase.folio,
    automatic: true,
  };
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
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const message = await codeMessage(ctx, kase, code);
  const credential = codeHash(kase.folio, code);
  await ctx.db
    .insert(inboundReceipts)
    .values({ channel: CODE_CHANNEL, externalId: kase.folio, credential, receivedAt: now })
    .onConflictDoUpdate({
      target: [inboundReceipts.channel, inboundReceipts.externalId],
      set: { credential, receivedAt: now },
    });
  const result = await ctx.channels.get(message.channel)?.send(message);
  if (!result?.ok) {
    ctx.logger.warn({ folio: kase.folio, reason: result?.reason }, 'verification code not sent');
    throw new AppError('portal.verify_send_failed', {
      status: 503,
      detail: 'No pudimos enviar el código. Intente de nuevo en unos minutos.',
    });
  }
  return {
    channel: message.channel as 'whatsapp' | 'email',
    expiresAt: new Date(now.getTime() + VERIFY_LIMITS.codeTtlMs).toISOString(),
  };
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
  const pending = and(eq(inboundReceipts.channel, CODE_CHANNEL), eq(inboundReceipts.externalId, kase.folio));
  await ctx.db.transaction(async (tx) => {
    const [stored] = await tx.select().from(inboundReceipts).where(pending).for('update');
    const fresh = stored && now.getTime() - stored.receivedAt.getTime() <= VERIFY_LIMITS.codeTtlMs;
    if (!fresh || !stored.credential || !safeEqual(stored.credential, codeHash(kase.folio, input.code))) {
      throw new AppError('portal.code_invalid', {
        status: 422,
        field: 'code',
        detail: 'El código no es correcto o ya venció. Pida uno nuevo.',
      });
    }
    await tx.delete(inboundReceipts).where(pending);
    const [locked] = await tx.select().from(cases).where(eq(cases.id, kase.id)).for('update');
    if (!locked?.proposedCustomerId) throw nothingToVerify();
    await confirmClaim(tx, locked, { kind: 'cliente' }, 'claim_verified', now);
  });
  await clearThrottle(ctx.db, attemptsKey);
  return portalView(ctx, kase.id, now);
}

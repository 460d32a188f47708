import { randomInt } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { safeEqual, sha256 } from '../auth/secrets.ts';
import type { OutgoingMessage } from '../channels/adapter.ts';
import type { TemplateValues } from '../channels/templates.ts';
import { fillWhatsappTemplate, renderTemplate, templateText } from '../channels/templates.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { inboundReceipts } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';

/**
 * Six-digit codes that prove a contact point on file is the customer's own: the portal's confirmation of
 * a claimed contact, the account PIN's set and reset, an agent's identity check on a call. A code lives
 * 10 minutes and only its hash is kept, one pending code per (scope, key): a row in `inbound_receipts`
 * (externalId = the key, credential = the code's hash, receivedAt = when it was sent).
 */
export const CODE_TTL_MS = 10 * 60_000;

export type CodeScope = 'portal-verify' | 'account-pin' | 'identity-check';

export interface CodeDestination {
  kind: 'email' | 'whatsapp';
  address: string;
}

const codeHash = (key: string, code: string) => sha256(`${key}:${code}`);

export const codeUnavailable = () =>
  new AppError('portal.verify_unavailable', {
    status: 409,
    detail: 'No podemos enviarle un código a ese dato. Un asesor confirmará su solicitud.',
  });

/**
 * The code's message: on e-mail the provider's text `<emailTemplate>_email`, on WhatsApp the approved
 * `codigo_verificacion` template (there is no SMS, so a number without WhatsApp cannot get one).
 */
async function codeMessage(
  ctx: AppContext,
  to: CodeDestination,
  emailTemplate: string,
  folio: string,
  values: TemplateValues,
): Promise<OutgoingMessage> {
  if (ctx.channels.get(to.kind)?.health().status !== 'ok') throw codeUnavailable();
  const { settings } = await ctx.settings.current(ctx.db);
  if (to.kind === 'email') {
    const text = templateText(settings, emailTemplate, 'email');
    if (!text) throw codeUnavailable();
    return { channel: 'email', to, text: renderTemplate(text, values), folio, automatic: true };
  }
  const template = settings.whatsappTemplates.find((t) => t.name === 'codigo_verificacion');
  if (!template) throw codeUnavailable();
  const filled = fillWhatsappTemplate(template, values);
  return { channel: 'whatsapp', to, text: filled.body, template: filled.template, folio, automatic: true };
}

/**
 * Sends a new code straight through the channel (a message queued on a case would be stored on it, and
 * shown), replacing the pending one of the same scope and key. Answers where it went and until when.
 */
export async function sendOneTimeCode(
  ctx: AppContext,
  input: {
    scope: CodeScope;
    key: string;
    to: CodeDestination;
    emailTemplate: string;
    /** What the message is about, for its subject: the case's folio, or the account number. */
    folio: string;
    values: Omit<TemplateValues, 'codigo'>;
  },
): Promise<{ channel: 'email' | 'whatsapp'; expiresAt: string }> {
  const now = ctx.clock.now();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const message = await codeMessage(ctx, input.to, input.emailTemplate, input.folio, {
    ...input.values,
    codigo: code,
  });
  const credential = codeHash(input.key, code);
  await ctx.db
    .insert(inboundReceipts)
    .values({ channel: input.scope, externalId: input.key, credential, receivedAt: now })
    .onConflictDoUpdate({
      target: [inboundReceipts.channel, inboundReceipts.externalId],
      set: { credential, receivedAt: now },
    });
  const result = await ctx.channels.get(message.channel)?.send(message);
  if (!result?.ok) {
    ctx.logger.warn({ scope: input.scope, reason: result?.reason }, 'one-time code not sent');
    throw new AppError('portal.verify_send_failed', {
      status: 503,
      detail: 'No pudimos enviar el código. Intente de nuevo en unos minutos.',
    });
  }
  return { channel: input.to.kind, expiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString() };
}

/**
 * Takes back a code in the caller's transaction: right and in time, it is used up and the answer is
 * true; wrong, expired, used or never sent, false.
 */
export async function redeemOneTimeCode(
  tx: Tx,
  input: { scope: CodeScope; key: string; code: string; now: Date },
): Promise<boolean> {
  const pending = and(eq(inboundReceipts.channel, input.scope), eq(inboundReceipts.externalId, input.key));
  const [stored] = await tx.select().from(inboundReceipts).where(pending).for('update');
  const fresh = stored && input.now.getTime() - stored.receivedAt.getTime() <= CODE_TTL_MS;
  if (!fresh || !stored.credential || !safeEqual(stored.credential, codeHash(input.key, input.code))) {
    return false;
  }
  await tx.delete(inboundReceipts).where(pending);
  return true;
}

import { type AuthenticateResult, authenticate, type DKIMResult, type DNSResolver } from 'mailauth';

export interface EmailTrust {
  /** DMARC passed: the From domain vouched for this message through an aligned SPF or DKIM pass. */
  verified: boolean;
  spf: string;
  dkim: string;
  dmarc: string;
  /** One line for agents and logs on why the message is or is not verified. */
  reason: string;
}

export interface EmailTrustOptions {
  /** The connecting client's IP address, as the SMTP server saw it. */
  ip: string;
  /** The name the client gave in EHLO/HELO. */
  helo: string;
  /** Our receiving host name, written into the Authentication-Results. */
  mta: string;
  /** The envelope sender (MAIL FROM); mailauth falls back to Return-Path. */
  sender?: string;
  /** DNS lookups with `dns.promises.resolve`'s contract (TXT answers as string[][]), which is the default. */
  resolver?: (name: string, rrtype: string) => Promise<unknown>;
}

// RFC 6376 §6.1.3 makes a body hash mismatch a failed verification (RFC 8601 "fail"); mailauth says
// "neutral", which would read as "could not check" to an agent looking at an altered message.
const dkimResult = (status: DKIMResult['status']) =>
  status.result === 'neutral' && status.comment === 'body hash did not verify' ? 'fail' : status.result;

function dkimSummary(result: AuthenticateResult): string {
  const results = (result.dkim.results ?? []).map((r) => dkimResult(r.status));
  return results.includes('pass') ? 'pass' : (results[0] ?? 'none');
}

/**
 * Checks SPF, DKIM and DMARC for a received message. Only a DMARC pass counts as verified: that is
 * what ties the From address a customer is recognised by to the domain that sent the message. DNS
 * trouble comes back as `temperror`, i.e. not verified: the message is still taken in, only not linked
 * to an account by its address.
 */
export async function verifyEmailTrust(raw: Buffer, options: EmailTrustOptions): Promise<EmailTrust> {
  const result = await authenticate(raw, {
    ip: options.ip,
    helo: options.helo,
    mta: options.mta,
    ...(options.sender ? { sender: options.sender } : {}),
    // mailauth's typing narrows answers to string lists, yet it also asks for MX records (objects): the
    // resolver is handed over as dns.promises.resolve would be.
    ...(options.resolver ? { resolver: options.resolver as DNSResolver } : {}),
    disableArc: true,
    disableBimi: true,
  });
  const spf = result.spf ? result.spf.status.result : 'none';
  const dkim = dkimSummary(result);
  const dmarc = result.dmarc ? result.dmarc.status.result : 'none';
  const domain = result.dmarc ? result.dmarc.domain : (result.dkim.headerFrom ?? []).join(', ') || 'unknown';
  const verified = dmarc === 'pass';
  const reason = verified
    ? `DMARC pass for ${domain}`
    : `DMARC ${dmarc} for ${domain} (SPF ${spf}, DKIM ${dkim})`;
  return { verified, spf, dkim, dmarc, reason };
}

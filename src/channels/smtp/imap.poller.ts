import { ImapFlow } from 'imapflow';
import type { AppContext } from '../../context.ts';
import { type EmailTrust, isPermanentRejection, receiveEmail } from './inbound.ts';

/** The job that takes new mail from the provider's mailbox, when one is configured instead of SMTP. */
export const EMAIL_POLL_JOB = 'email-poll';
/** The keyword set on every message Atiende has stored, so it is never taken twice. */
export const PROCESSED_FLAG = '$AtiendeProcessed';
/** Also set on a message that could never be stored (no sender, say), for the mailbox's owner to look at. */
export const REJECTED_FLAG = '$AtiendeRejected';

export interface ImapSettings {
  /** imaps://user:password@host:993/INBOX (the password may be omitted when an access token is given). */
  url: string;
  /** OAuth2 access token: Google Workspace and Microsoft 365 refuse plain passwords over IMAP. */
  accessToken?: string;
}

/**
 * The verdict the mailbox's own server stamped (the first Authentication-Results header is the one it
 * added): mail read from a mailbox no longer carries the sending server's address, so SPF cannot be
 * checked again here.
 */
export function trustFromAuthenticationResults(raw: Buffer): EmailTrust {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const header = /^authentication-results:(.*)$/im.exec(unfolded)?.[1] ?? '';
  const result = (name: string) =>
    new RegExp(`\\b${name}=(\\w+)`, 'i').exec(header)?.[1]?.toLowerCase() ?? 'none';
  const dmarc = result('dmarc');
  return {
    verified: dmarc === 'pass',
    spf: result('spf'),
    dkim: result('dkim'),
    dmarc,
    reason: header
      ? `Authentication-Results: ${header.trim().slice(0, 200)}`
      : 'no Authentication-Results header',
  };
}

function connect(settings: ImapSettings) {
  const url = new URL(settings.url);
  const user = decodeURIComponent(url.username);
  return {
    client: new ImapFlow({
      host: url.hostname,
      port: Number(url.port) || (url.protocol === 'imaps:' ? 993 : 143),
      secure: url.protocol === 'imaps:',
      auth: settings.accessToken
        ? { user, accessToken: settings.accessToken }
        : { user, pass: decodeURIComponent(url.password) },
      logger: false,
    }),
    mailbox: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX',
  };
}

/**
 * Takes every message not yet marked processed, stores it through the e-mail intake, then marks it
 * (seen and processed). A message that fails to store stays unmarked and is taken again next time;
 * storing is idempotent by Message-ID, so a crash between storing and marking duplicates nothing.
 */
export async function pollMailbox(ctx: AppContext, settings: ImapSettings): Promise<number> {
  const { client, mailbox } = connect(settings);
  await client.connect();
  let stored = 0;
  try {
    const lock = await client.getMailboxLock(mailbox);
    try {
      const pending: Array<{ uid: number; source: Buffer }> = [];
      // Commands cannot run inside a FETCH, so the new mail is read first and marked afterwards.
      for await (const message of client.fetch({ unKeyword: PROCESSED_FLAG }, { uid: true, source: true })) {
        if (message.source) pending.push({ uid: message.uid, source: message.source });
      }
      for (const { uid, source } of pending) {
        try {
          await receiveEmail(
            ctx,
            source,
            { remoteAddress: '', helo: '' },
            { mta: 'atiende', trust: trustFromAuthenticationResults(source) },
          );
          stored++;
        } catch (error) {
          // A message that can never be taken is set aside, so it does not block the mail behind it.
          if (!isPermanentRejection(error)) throw error;
          ctx.logger.warn({ err: error, uid }, 'mailbox message refused');
          await client.messageFlagsAdd(String(uid), [REJECTED_FLAG], { uid: true });
        }
        await client.messageFlagsAdd(String(uid), ['\\Seen', PROCESSED_FLAG], { uid: true });
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => {});
  }
  return stored;
}

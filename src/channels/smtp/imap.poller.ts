import { ImapFlow } from 'imapflow';
import type { AppContext } from '../../context.ts';
import { storeDelivery } from '../deliveries.service.ts';

/** The job that takes new mail from the provider's mailbox, when one is configured instead of SMTP. */
export const EMAIL_POLL_JOB = 'email-poll';
/** The keyword set on every message Atiende has stored, so it is never taken twice. */
export const PROCESSED_FLAG = '$AtiendeProcessed';

export interface ImapSettings {
  /** imaps://user:password@host:993/INBOX (the password may be omitted when an access token is given). */
  url: string;
  /** OAuth2 access token: Google Workspace and Microsoft 365 refuse plain passwords over IMAP. */
  accessToken?: string;
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
 * Takes every message not yet marked processed: stores it raw (read by a job afterwards, so nothing it
 * says can stop the mail behind it), then marks it seen and processed. A message whose storing fails
 * (the database is down) stays unmarked and is taken again next time; the same bytes are stored once,
 * so a crash between storing and marking duplicates nothing. Returns how many messages it took.
 */
export async function pollMailbox(ctx: AppContext, settings: ImapSettings): Promise<number> {
  const { client, mailbox } = connect(settings);
  await client.connect();
  let taken = 0;
  try {
    const lock = await client.getMailboxLock(mailbox);
    try {
      const pending: Array<{ uid: number; source: Buffer }> = [];
      // Commands cannot run inside a FETCH, so the new mail is read first and marked afterwards.
      for await (const message of client.fetch({ unKeyword: PROCESSED_FLAG }, { uid: true, source: true })) {
        if (message.source) pending.push({ uid: message.uid, source: message.source });
      }
      for (const { uid, source } of pending) {
        await storeDelivery(ctx, 'email', source, { kind: 'mailbox' });
        await client.messageFlagsAdd(String(uid), ['\\Seen', PROCESSED_FLAG], { uid: true });
        taken++;
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => {});
  }
  return taken;
}

import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, contactPoints, messages } from '../../db/schema.ts';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { describeEachDatabase } from '../../test/databases.ts';
import { PROCESSED_FLAG, pollMailbox, trustFromAuthenticationResults } from './imap.poller.ts';

// Hoodiecrow: a scriptable IMAP server for client tests, by the author of imapflow. CommonJS, untyped.
interface Hoodiecrow {
  server: Server;
  listen(port: number, host: string, callback: () => void): void;
  close(callback: () => void): void;
}
const hoodiecrow = createRequire(import.meta.url)('hoodiecrow-imap') as (options: object) => Hoodiecrow;

const mail = (messageId: string, from: string, dmarc: 'pass' | 'fail', body: string) =>
  [
    `Authentication-Results: mx.google.com;\r\n       dkim=pass header.i=@example.test;\r\n       spf=pass smtp.mailfrom=${from};\r\n       dmarc=${dmarc} (p=NONE) header.from=example.test`,
    `From: Cliente <${from}>`,
    'To: atencionclientes@monetmovil.com',
    'Subject: Sin internet',
    `Message-ID: <${messageId}>`,
    'Date: Wed, 25 Nov 2026 10:00:00 -0600',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
  ]
    .join('\r\n')
    // Hoodiecrow keeps messages as byte strings: hand it the UTF-8 bytes one char each.
    .replace(/[\u0080-\uffff]+/g, (text) => Buffer.from(text, 'utf8').toString('latin1'));

describe('trust stamped by the mailbox server', () => {
  it.each([
    ['dmarc=pass', true],
    ['dmarc=fail', false],
  ])('%s → verified %s', (verdict, verified) => {
    const raw = Buffer.from(
      `Authentication-Results: mx.example;\r\n spf=pass; ${verdict}\r\nFrom: a@b.c\r\n\r\nhola`,
    );
    expect(trustFromAuthenticationResults(raw).verified).toBe(verified);
  });

  it('is unverified without the header', () => {
    expect(trustFromAuthenticationResults(Buffer.from('From: a@b.c\r\n\r\nhola'))).toMatchObject({
      verified: false,
      dmarc: 'none',
    });
  });
});

describeEachDatabase('mailbox polling with IMAP', (kind) => {
  let app: TestApp;
  let server: Hoodiecrow;
  let port: number;

  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
    server = hoodiecrow({
      plugins: ['SASL-IR', 'XOAUTH2', 'ID', 'ENABLE', 'UNSELECT'],
      storage: {
        INBOX: {
          messages: [
            {
              raw: mail(
                `imap-1-${kind}@example.test`,
                `imap.${kind}@example.test`,
                'pass',
                'No tengo servicio desde la mañana.',
              ),
              flags: [],
            },
            {
              raw: mail(
                `imap-2-${kind}@example.test`,
                `imap.${kind}@example.test`,
                'pass',
                'Sigo sin servicio.',
              ),
              flags: ['\\Seen'],
            },
          ],
        },
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await app?.close();
  });

  it('takes every message not yet processed, marks it, and never takes it twice', async () => {
    const settings = { url: `imap://testuser:testpass@127.0.0.1:${port}/INBOX` };
    expect(await pollMailbox(app.atiende.ctx, settings)).toBe(2);
    // The OAuth2 way in (Google Workspace, Microsoft 365) sees the same mailbox, now with nothing new.
    expect(
      await pollMailbox(app.atiende.ctx, {
        url: `imap://testuser@127.0.0.1:${port}/INBOX`,
        accessToken: 'testtoken',
      }),
    ).toBe(0);
    const stored = await app.atiende.ctx.db
      .select({ body: messages.body, metadata: messages.metadata })
      .from(messages)
      .innerJoin(cases, eq(cases.id, messages.caseId))
      .innerJoin(
        contactPoints,
        and(eq(contactPoints.customerId, cases.customerId), eq(contactPoints.kind, 'email')),
      )
      .where(and(eq(contactPoints.address, `imap.${kind}@example.test`), eq(messages.kind, 'entrante')));
    expect(stored.map((m) => m.body).sort()).toEqual([
      'No tengo servicio desde la mañana.',
      'Sigo sin servicio.',
    ]);
    expect(stored.every((m) => !(m.metadata as { unverified?: boolean }).unverified)).toBe(true);
    // The marks are on the mailbox server itself, where another poller (or process) would see them.
    const client = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user: 'testuser', pass: 'testpass' },
      logger: false,
    });
    await client.connect();
    try {
      await client.mailboxOpen('INBOX');
      const flags: string[][] = [];
      for await (const message of client.fetch('1:*', { flags: true }))
        flags.push([...(message.flags ?? [])]);
      expect(flags).toHaveLength(2);
      for (const set of flags) expect(set).toContain(PROCESSED_FLAG);
    } finally {
      await client.logout();
    }
  });
});

import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, contactPoints, messages } from '../../db/schema.ts';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { describeEachDatabase } from '../../test/databases.ts';
import { waitUntil } from '../../test/wait.ts';
import { PROCESSED_FLAG, pollMailbox } from './imap.poller.ts';
import { trustFromAuthenticationResults } from './inbound.ts';

// Hoodiecrow: a scriptable IMAP server for client tests, by the author of imapflow. CommonJS, untyped.
interface Hoodiecrow {
  server: Server;
  listen(port: number, host: string, callback: () => void): void;
  close(callback: () => void): void;
}
const hoodiecrow = createRequire(import.meta.url)('hoodiecrow-imap') as (options: object) => Hoodiecrow;

const mail = (
  messageId: string,
  from: string,
  dmarc: 'pass' | 'fail',
  body: string,
  extra: { subject?: string; headers?: string[] } = {},
) =>
  [
    `Authentication-Results: mx.google.com;\r\n       dkim=pass header.i=@example.test;\r\n       spf=pass smtp.mailfrom=${from};\r\n       dmarc=${dmarc} (p=NONE) header.from=example.test`,
    `From: Cliente <${from}>`,
    'To: atencionclientes@monetmovil.com',
    `Subject: ${extra.subject ?? 'Sin internet'}`,
    `Message-ID: <${messageId}>`,
    'Date: Wed, 25 Nov 2026 10:00:00 -0600',
    'Content-Type: text/plain; charset=utf-8',
    ...(extra.headers ?? []),
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
    app = await startTestApp(kind);
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

  const settings = () => ({ url: `imap://testuser:testpass@127.0.0.1:${port}/INBOX` });
  const inboundFrom = (address: string) =>
    app.atiende.ctx.db
      .select({ body: messages.body, metadata: messages.metadata, subject: cases.subject })
      .from(messages)
      .innerJoin(cases, eq(cases.id, messages.caseId))
      .innerJoin(
        contactPoints,
        and(eq(contactPoints.customerId, cases.customerId), eq(contactPoints.kind, 'email')),
      )
      .where(and(eq(contactPoints.address, address), eq(messages.kind, 'entrante')))
      .orderBy(messages.createdAt);
  const withClient = async <T>(use: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user: 'testuser', pass: 'testpass' },
      logger: false,
    });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.logout();
    }
  };

  it('takes every message not yet processed, marks it, and never takes it twice', async () => {
    expect(await pollMailbox(app.atiende.ctx, settings())).toBe(2);
    // The OAuth2 way in (Google Workspace, Microsoft 365) sees the same mailbox, now with nothing new.
    expect(
      await pollMailbox(app.atiende.ctx, {
        url: `imap://testuser@127.0.0.1:${port}/INBOX`,
        accessToken: 'testtoken',
      }),
    ).toBe(0);
    // Stored raw by the poll, taken in by the delivery job.
    await waitUntil(async () => (await inboundFrom(`imap.${kind}@example.test`)).length === 2);
    const stored = await inboundFrom(`imap.${kind}@example.test`);
    expect(stored.map((m) => m.body).sort()).toEqual([
      'No tengo servicio desde la mañana.',
      'Sigo sin servicio.',
    ]);
    expect(stored.every((m) => !(m.metadata as { unverified?: boolean }).unverified)).toBe(true);
    // The marks are on the mailbox server itself, where another poller (or process) would see them.
    const flags = await withClient(async (client) => {
      await client.mailboxOpen('INBOX');
      const all: string[][] = [];
      for await (const message of client.fetch('1:*', { flags: true })) all.push([...(message.flags ?? [])]);
      return all;
    });
    expect(flags).toHaveLength(2);
    for (const set of flags) expect(set).toContain(PROCESSED_FLAG);
  });

  it('takes a message with a NUL in its body and subject cleaned, without holding up the mail behind it', async () => {
    const from = `nul.${kind}@example.test`;
    await withClient(async (client) => {
      await client.append('INBOX', mail(`nul-1-${kind}@example.test`, from, 'pass', 'Primero.'));
      await client.append(
        'INBOX',
        mail(`nul-2-${kind}@example.test`, from, 'pass', 'Me cobraron dos veces=00 este mes.', {
          subject: '=?utf-8?Q?Factura=00_duplicada?=',
          headers: ['Content-Transfer-Encoding: quoted-printable'],
        }),
      );
      await client.append('INBOX', mail(`nul-3-${kind}@example.test`, from, 'pass', 'Tercero.'));
    });
    expect(await pollMailbox(app.atiende.ctx, settings())).toBe(3);
    await waitUntil(async () => (await inboundFrom(from)).length === 3);
    const stored = await inboundFrom(from);
    expect(stored.map((m) => m.body)).toEqual(['Primero.', 'Me cobraron dos veces este mes.', 'Tercero.']);
    expect(stored[1]?.metadata).toMatchObject({ subject: 'Factura duplicada' });
    expect(await pollMailbox(app.atiende.ctx, settings())).toBe(0);
    const flags = await withClient(async (client) => {
      await client.mailboxOpen('INBOX');
      const all: string[][] = [];
      for await (const message of client.fetch('1:*', { flags: true })) all.push([...(message.flags ?? [])]);
      return all;
    });
    expect(flags).toHaveLength(5);
    for (const set of flags) expect(set).toContain(PROCESSED_FLAG);
  });
});

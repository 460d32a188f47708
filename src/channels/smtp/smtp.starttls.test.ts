import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cases, contactPoints } from '../../db/schema.ts';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { describeEachDatabase } from '../../test/databases.ts';
import { waitUntil } from '../../test/wait.ts';
import { type RunningSmtpServer, startSmtpServer } from './smtp.server.ts';

// A self-signed certificate for localhost and 127.0.0.1, made for these tests only.
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing');
const certPath = path.join(fixtures, 'tls-cert.pem');
const keyPath = path.join(fixtures, 'tls-key.pem');

describeEachDatabase('inbound SMTP with STARTTLS', (kind) => {
  let app: TestApp;
  let withTls: RunningSmtpServer;
  let plain: RunningSmtpServer;

  beforeAll(async () => {
    app = await startTestApp(kind);
    const options = { port: 0, host: '127.0.0.1', maxSize: 1024 * 1024 };
    withTls = await startSmtpServer(app.atiende.ctx, { ...options, tls: { certPath, keyPath } });
    plain = await startSmtpServer(app.atiende.ctx, options);
  });
  afterAll(async () => {
    await withTls?.close();
    await plain?.close();
    await app?.close();
  });

  // A sending server that insists on encryption and checks the certificate against the one it trusts.
  const sendEncrypted = (port: number, from: string) =>
    nodemailer
      .createTransport({
        host: '127.0.0.1',
        port,
        secure: false,
        requireTLS: true,
        tls: { ca: [readFileSync(certPath)], servername: 'localhost' },
      })
      .sendMail({
        from,
        to: 'atencionclientes@monetmovil.com',
        subject: 'Factura con cargo doble',
        text: 'Me cobraron dos veces este mes.',
      });

  it('offers STARTTLS with the configured certificate and stores what arrives encrypted', async () => {
    const from = `cifrado.${kind}@example.test`;
    const info = await sendEncrypted(withTls.port, from);
    expect(info.response).toMatch(/^250/);
    const opened = () =>
      app.atiende.ctx.db
        .select({ folio: cases.folio, channel: cases.channel })
        .from(cases)
        .innerJoin(contactPoints, eq(contactPoints.customerId, cases.customerId))
        .where(and(eq(contactPoints.kind, 'email'), eq(contactPoints.address, from)));
    await waitUntil(async () => (await opened()).length > 0);
    expect(await opened()).toEqual([{ folio: expect.stringMatching(/^MON-/), channel: 'email' }]);
  });

  it('does not offer STARTTLS without a certificate, so a sender that requires it gives up', async () => {
    await expect(sendEncrypted(plain.port, `sin.cifrar.${kind}@example.test`)).rejects.toThrow(/STARTTLS/);
  });
});

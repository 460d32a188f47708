import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { AppContext } from '../../context.ts';
import { storeDelivery } from '../deliveries.service.ts';

export interface SmtpServerOptions {
  port: number;
  host: string;
  /** Largest message accepted, in bytes (announced with SIZE, enforced while reading). */
  maxSize: number;
  tls?: { certPath: string; keyPath: string };
}

export interface RunningSmtpServer {
  port: number;
  close(): Promise<void>;
}

const accepts = (domains: string[], address: string) =>
  domains.includes(address.split('@')[1]?.toLowerCase() ?? '');

/**
 * Inbound SMTP: recipients only at the provider's e-mail domains (from its e-mail contact points), a
 * size limit, STARTTLS when a certificate is configured. The message is stored raw, with its envelope
 * for the sender checks, before the final 250, and read by a job afterwards: what it says can never
 * turn it away. Only a message over the size limit is refused for good (552); if storing fails (the
 * database is down) the answer is a temporary 451, so the sending server tries again later.
 */
export async function startSmtpServer(
  ctx: AppContext,
  options: SmtpServerOptions,
): Promise<RunningSmtpServer> {
  const server = new SMTPServer({
    name: 'atiende',
    banner: 'Atiende',
    size: options.maxSize,
    authOptional: true,
    disabledCommands: ['AUTH', ...(options.tls ? [] : ['STARTTLS'])],
    ...(options.tls
      ? { key: readFileSync(options.tls.keyPath), cert: readFileSync(options.tls.certPath) }
      : {}),
    logger: false,
    async onRcptTo(address, _session, callback) {
      try {
        const { settings } = await ctx.settings.current(ctx.db);
        const domains = settings.channels
          .filter((c) => c.channel === 'email')
          .flatMap((c) => c.contactPoints.map((p) => p.value.split('@')[1]?.toLowerCase() ?? ''));
        if (!accepts(domains, address.address)) {
          return callback(
            Object.assign(new Error(`No mailbox here for ${address.address}`), { responseCode: 550 }),
          );
        }
        callback();
      } catch {
        callback(Object.assign(new Error('Temporary failure, try again later'), { responseCode: 451 }));
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          return callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
        }
        storeDelivery(ctx, 'email', Buffer.concat(chunks), {
          kind: 'smtp',
          remoteAddress: session.remoteAddress,
          helo: session.hostNameAppearsAs || session.clientHostname,
          ...(session.envelope.mailFrom ? { mailFrom: session.envelope.mailFrom.address } : {}),
        }).then(
          () => callback(),
          (error: Error) => {
            ctx.logger.error({ err: error }, 'inbound e-mail not stored');
            callback(
              Object.assign(new Error('Temporary failure storing the message, try again later'), {
                responseCode: 451,
              }),
            );
          },
        );
      });
    },
  });
  server.on('error', (error) => ctx.logger.warn({ err: error }, 'smtp server'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

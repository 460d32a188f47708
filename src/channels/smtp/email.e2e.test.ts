import type { AddressInfo } from 'node:net';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cases, contactPoints, inboundDeliveries, messages, quarantinedMessages } from '../../db/schema.ts';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { describeEachDatabase, describePostgres, POSTGRES_URL } from '../../test/databases.ts';
import { waitUntil } from '../../test/wait.ts';
import { type RunningSmtpServer, startSmtpServer } from './smtp.server.ts';

interface Captured {
  subject: string;
  to: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  autoSubmitted?: string;
  text: string;
  html: boolean;
}

/** A local SMTP server standing in for the provider's outbound relay: it keeps what Atiende sends. */
async function startSink() {
  const received: Captured[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        const refs = mail.references;
        received.push({
          subject: mail.subject ?? '',
          to: (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address ?? '',
          messageId: (mail.messageId ?? '').replace(/[<>]/g, ''),
          inReplyTo: mail.inReplyTo?.replace(/[<>]/g, ''),
          references: (Array.isArray(refs) ? refs : refs ? [refs] : []).map((r) => r.replace(/[<>]/g, '')),
          autoSubmitted: mail.headers.get('auto-submitted') as string | undefined,
          text: mail.text ?? '',
          html: Boolean(mail.html),
        });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describeEachDatabase('e-mail in and out on real sockets', (kind) => {
  let app: TestApp;
  let sink: Awaited<ReturnType<typeof startSink>>;
  let inbound: RunningSmtpServer;

  beforeAll(async () => {
    sink = await startSink();
    app = await startTestApp(kind, {
      config: { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAIL_FROM: 'atencionclientes@monetmovil.com' },
    });
    inbound = await startSmtpServer(app.atiende.ctx, {
      port: 0,
      host: '127.0.0.1',
      maxSize: 5 * 1024 * 1024,
    });
  });
  afterAll(async () => {
    await inbound?.close();
    await app?.close();
    await sink?.close();
  });

  const sendAsCustomer = (mail: SendMailOptions) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: inbound.port, ignoreTLS: true, secure: false })
      .sendMail(mail);
  const until = (predicate: () => boolean | Promise<boolean>, ms = 20_000) => waitUntil(predicate, ms);
  const casesOf = (address: string) =>
    app.atiende.ctx.db
      .select({ kase: cases })
      .from(cases)
      .innerJoin(contactPoints, eq(contactPoints.customerId, cases.customerId))
      .where(and(eq(contactPoints.kind, 'email'), eq(contactPoints.address, address)));
  /** The sender's cases once the delivery job has taken the mail in (the 250 only means stored). */
  const casesOnceTaken = async (address: string, count = 1) => {
    await until(async () => (await casesOf(address)).length >= count);
    return casesOf(address);
  };

  it('opens a case from a mail, acknowledges it with the folio in the subject, threads the reply, and ignores an out-of-office', async () => {
    const from = `cliente.${kind}@example.test`;
    await sendAsCustomer({
      from: `Laura Garza <${from}>`,
      to: 'atencionclientes@monetmovil.com',
      subject: 'Sin internet desde ayer',
      text: 'Buenas tardes, no tengo servicio de internet desde ayer en la colonia Centro.\n\nSaludos,\nLaura',
    });
    const [opened] = await casesOnceTaken(from);
    expect(opened?.kase).toMatchObject({
      channel: 'email',
      subject: expect.stringContaining('Sin internet'),
    });
    const folio = opened?.kase.folio as string;

    await until(() => sink.received.some((m) => m.to === from));
    const ack = sink.received.find((m) => m.to === from) as Captured;
    expect(ack.subject).toContain(`[Folio ${folio}]`);
    expect(ack.autoSubmitted).toBe('auto-replied');
    expect(ack.inReplyTo).toBeTruthy();
    expect(ack.text).toContain(folio);
    expect(ack.html).toBe(true);

    await sendAsCustomer({
      from: `Laura Garza <${from}>`,
      to: 'atencionclientes@monetmovil.com',
      subject: `Re: ${ack.subject}`,
      inReplyTo: `<${ack.messageId}>`,
      references: [`<${ack.inReplyTo}>`, `<${ack.messageId}>`],
      text: `Sigo sin servicio.\n\nEl mié, 25 nov 2026 a las 10:02, Monet Móvil <atencionclientes@monetmovil.com> escribió:\n> ${ack.text.split('\n')[0]}`,
    });
    await sendAsCustomer({
      from: `Laura Garza <${from}>`,
      to: 'atencionclientes@monetmovil.com',
      subject: `Respuesta automática: ${ack.subject}`,
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
      text: 'Estoy fuera de la oficina hasta el lunes.',
    });
    const received = () =>
      app.atiende.ctx.db
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, opened?.kase.id as string), eq(messages.kind, 'entrante')))
        .orderBy(messages.createdAt);
    await until(async () => (await received()).length === 2);
    // The out-of-office was stored after the reply: once it has been read, it has opened nothing.
    await until(async () => {
      const [pending] = await app.atiende.ctx.db
        .select({ n: sql<number>`count(*)::int` })
        .from(inboundDeliveries)
        .where(isNull(inboundDeliveries.processedAt));
      return pending?.n === 0;
    });
    const all = await casesOf(from);
    expect(all).toHaveLength(1);
    const inboundMessages = await received();
    expect(inboundMessages.map((m) => m.body)).toEqual([
      expect.stringContaining('no tengo servicio'),
      'Sigo sin servicio.',
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(sink.received.filter((m) => m.to === from)).toHaveLength(1);
  });

  it('does not thread by a folio in the subject from a stranger: a new case mentions it to the agent', async () => {
    const owner = `dueno.${kind}@example.test`;
    await sendAsCustomer({
      from: owner,
      to: 'atencionclientes@monetmovil.com',
      subject: 'Cobro doble',
      text: 'Me cobraron dos veces.',
    });
    const [original] = await casesOnceTaken(owner);
    const stranger = `extrano.${kind}@example.test`;
    await sendAsCustomer({
      from: stranger,
      to: 'atencionclientes@monetmovil.com',
      subject: `[Folio ${original?.kase.folio}] quiero detalles`,
      text: 'Denme los datos de esa cuenta.',
    });
    const [theirs] = await casesOnceTaken(stranger);
    expect(theirs?.kase.id).not.toBe(original?.kase.id);
    const [first] = await app.atiende.ctx.db
      .select()
      .from(messages)
      .where(eq(messages.caseId, theirs?.kase.id as string));
    expect((first?.metadata as { mentionedFolio?: string } | undefined)?.mentionedFolio).toBe(
      original?.kase.folio,
    );
  });

  it('answers 250 to a mail with a NUL in it and stores it cleaned, not 451 forever', async () => {
    const from = `nul.${kind}@example.test`;
    const info = await sendAsCustomer({
      from,
      to: 'atencionclientes@monetmovil.com',
      subject: 'Factura\u0000 duplicada',
      text: 'Me cobraron dos veces\u0000 este mes.',
      textEncoding: 'quoted-printable',
    });
    expect(info.response).toMatch(/^250/);
    const [opened] = await casesOnceTaken(from);
    expect(opened?.kase.subject).toBe('Factura duplicada');
    const [stored] = await app.atiende.ctx.db
      .select()
      .from(messages)
      .where(and(eq(messages.caseId, opened?.kase.id as string), eq(messages.kind, 'entrante')));
    expect(stored?.body).toBe('Me cobraron dos veces este mes.');
  });

  it('quarantines a mail the database refuses for good (a Message-ID we used ourselves) and takes the next', async () => {
    const owner = `propio.${kind}@example.test`;
    await sendAsCustomer({
      from: owner,
      to: 'atencionclientes@monetmovil.com',
      subject: 'Hola',
      text: 'Hola',
    });
    await until(() => sink.received.some((m) => m.to === owner));
    const ours = sink.received.find((m) => m.to === owner)?.messageId as string;
    const copycat = `copia.${kind}@example.test`;
    const copy = await sendAsCustomer({
      from: copycat,
      to: 'atencionclientes@monetmovil.com',
      subject: 'Copia',
      text: 'Mismo Message-ID que un correo de Atiende.',
      messageId: `<${ours}>`,
    });
    expect(copy.response).toMatch(/^250/);
    await sendAsCustomer({
      from: copycat,
      to: 'atencionclientes@monetmovil.com',
      subject: 'Otro',
      text: 'Otro.',
    });
    await casesOnceTaken(copycat);
    const [held] = await app.atiende.ctx.db
      .select()
      .from(quarantinedMessages)
      .where(and(eq(quarantinedMessages.channel, 'email'), eq(quarantinedMessages.externalId, ours)));
    expect(held?.reason).toBe('sqlstate:23505');
    expect(held?.resolvedAt).toBeNull();
  });

  it('refuses mail for other domains', async () => {
    await expect(
      sendAsCustomer({ from: 'x@example.test', to: 'alguien@otrodominio.mx', subject: 'hola', text: 'hola' }),
    ).rejects.toThrow(/550/);
  });

  it('shows the e-mail channel in the health report', async () => {
    const health = (await app.atiende.http.inject({ method: 'GET', url: '/api/v1/health' })).json();
    expect(health.channels.email.status).toBe('ok');
  });
});

describePostgres('e-mail while the database is down', () => {
  let app: TestApp;
  let inbound: RunningSmtpServer;
  beforeAll(async () => {
    app = await startTestApp('postgres');
    inbound = await startSmtpServer(app.atiende.ctx, {
      port: 0,
      host: '127.0.0.1',
      maxSize: 1024 * 1024,
    });
  });
  afterAll(async () => {
    await inbound?.close();
    await app?.close();
  });

  it('answers a temporary 451 and stores nothing; the retry is stored once', async () => {
    const name = new URL(app.database.url as string).pathname.slice(1);
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    const mail = {
      from: 'caida@example.test',
      to: 'atencionclientes@monetmovil.com',
      subject: 'Hola',
      text: 'Sin internet',
      messageId: '<retry-once@example.test>',
    };
    const send = () =>
      nodemailer
        .createTransport({ host: '127.0.0.1', port: inbound.port, ignoreTLS: true, secure: false })
        .sendMail(mail);
    try {
      await admin.query(`alter database ${name} with allow_connections false`);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      await expect(send()).rejects.toThrow(/451/);
    } finally {
      await admin.query(`alter database ${name} with allow_connections true`);
      await admin.end();
    }
    const before = await app.atiende.ctx.db
      .select()
      .from(messages)
      .where(eq(messages.externalId, 'retry-once@example.test'));
    expect(before).toHaveLength(0);
    await send();
    await send();
    const stored = () =>
      app.atiende.ctx.db.select().from(messages).where(eq(messages.externalId, 'retry-once@example.test'));
    await waitUntil(async () => (await stored()).length > 0);
    await waitUntil(async () => {
      const [pending] = await app.atiende.ctx.db
        .select({ n: sql<number>`count(*)::int` })
        .from(inboundDeliveries)
        .where(isNull(inboundDeliveries.processedAt));
      return pending?.n === 0;
    });
    expect(await stored()).toHaveLength(1);
  });
});

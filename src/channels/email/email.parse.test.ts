import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ParsedEmail, parseEmail } from './email.parse.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

const attachmentSummary = (parsed: ParsedEmail) =>
  parsed.attachments.map(({ content, ...rest }) => ({
    ...rest,
    size: content.length,
    magic: content.subarray(0, 4).toString('hex'),
  }));

interface Expected {
  from: { address: string; name?: string };
  subject: string;
  folioInSubject?: string;
  text: string;
  autoReason: ParsedEmail['autoReason'];
  hasHtml: boolean;
  inReplyTo?: string;
  attachments?: ReturnType<typeof attachmentSummary>;
  bounce?: ParsedEmail['bounce'];
}

const fixtures: Array<[string, Expected]> = [
  [
    'gmail-reply.eml',
    {
      from: { address: 'ana.garcia.mty@gmail.com', name: 'Ana García' },
      subject: 'Re: [Folio MON-2026-000038-0] Recibimos su reporte de falla',
      folioInSubject: 'MON-2026-000038-0',
      text: 'Hola, sigo sin servicio desde ayer en la tarde. Ya reinicié el módem dos\nveces y el foco de "Internet" sigue en rojo.\n\n¿Pueden mandar a un técnico mañana temprano? Estoy en casa después de las 9.\n\nGracias,\nAna',
      autoReason: null,
      hasHtml: true,
      inReplyTo: 'ack-038@atiende.monetmovil.com',
    },
  ],
  [
    'outlook-reply.eml',
    {
      from: { address: 'lhernandez@ferreteriaeltornillo.com.mx', name: 'Lucía Hernández Ríos' },
      subject: 'RE: [Folio MON-2026-000057-8] Recibimos su solicitud',
      folioInSubject: 'MON-2026-000057-8',
      text: 'Buenas tardes:\n\nLes escribo porque en mi recibo de noviembre aparece un cargo de $350.00 por "servicio técnico" que no reconozco; nadie vino a la sucursal. Solicito una aclaración del cargo y, en su caso, la bonificación correspondiente.\n\nMi número de cliente es 7741-0932.\n\nQuedo atenta.\n\nLucía Hernández Ríos\nGerente administrativa | Ferretería El Tornillo\nTel. (81) 8342 1190',
      autoReason: null,
      hasHtml: true,
      inReplyTo: 'ack-057@atiende.monetmovil.com',
    },
  ],
  [
    'iphone-reply.eml',
    {
      from: { address: 'jorge.ramirez@icloud.com', name: 'Jorge Ramírez' },
      subject: 'Re: [Folio MON-2026-000061-9] Recibimos su reporte de falla',
      folioInSubject: 'MON-2026-000061-9',
      text: 'Ya les mando la foto del módem, así se ve desde anoche: la luz de PON parpadea en rojo.',
      autoReason: null,
      hasHtml: true,
      inReplyTo: 'ack-061@atiende.monetmovil.com',
      attachments: [
        {
          filename: 'IMG_4417.jpeg',
          contentType: 'image/jpeg',
          inline: true,
          contentId: '3C1F7E2A-9B4D-4A6C-8E5F-2D7B1A0C9E34',
          size: 155,
          magic: 'ffd8ffe0',
        },
      ],
    },
  ],
  [
    'latin1-qp.eml',
    {
      from: { address: 'refaccionaria.lopez@prodigy.net.mx', name: 'Refaccionaria López' },
      subject: 'Sin señal desde el lunes',
      text: 'Buenos días:\n\nDesde el lunes no tenemos señal en el negocio. El módem enciende pero la luz de internet está apagada y ya lo desconectamos dos veces. Estamos al corriente con el pago y seguimos igual, ¿por qué? ¿Hay una falla en la zona?\n\nNuestro número de cliente es 0042-118-5590.\n\nGracias.',
      autoReason: null,
      hasHtml: false,
    },
  ],
  [
    'windows-1252.eml',
    {
      from: { address: 'cmendoza@despachomendoza.mx', name: 'Carlos Mendoza' },
      subject: 'Cobro en euros en mi estado de cuenta',
      text: 'Buenas tardes:\n\nEn mi estado de cuenta de noviembre aparece un cargo de “roaming internacional” por 12,50 € que no reconozco; no salí del país. Les pido que lo revisen y me digan qué procede – ya es el segundo mes que pasa.\n\nSaludos cordiales,\nCarlos Mendoza',
      autoReason: null,
      hasHtml: false,
    },
  ],
  [
    'html-only.eml',
    {
      from: { address: 'roberto.sanchez@grupoaltamira.com.mx', name: 'Roberto Sánchez' },
      subject: 'Pagos aplicados y aviso de suspensión',
      text: 'Buen día,\n\nLes comparto mis pagos de los últimos meses porque me siguen llegando avisos de suspensión:\n\nMes | Fecha de pago | Monto\nSeptiembre | 05/09/2026 | $350.00\nOctubre | 03/10/2026 | $350.00\nNoviembre | 04/11/2026 | $350.00\n\nLos comprobantes están aquí: comprobantes de pago (https://drive.google.com/drive/folders/1aB3cD5eF7gH9iJ0kL).\nNúmero de cuenta: 0042-771-3108\nTeléfono: (55) 5634 8810\n\nSaludos,\nRoberto Sánchez',
      autoReason: null,
      hasHtml: true,
    },
  ],
  [
    'with-attachment.eml',
    {
      from: { address: 'martha.trevino.g@gmail.com', name: 'Martha Elena Treviño' },
      subject: 'Comprobante de pago noviembre – cuenta 0042-118-7731',
      text: 'Buenas tardes, adjunto el comprobante de mi pago del 20 de noviembre para\nque lo apliquen a mi cuenta 0042-118-7731. Me llegó un aviso de suspensión\naunque ya pagué.\n\nSaludos,',
      autoReason: null,
      hasHtml: true,
      attachments: [
        {
          filename: 'comprobante-pago-noviembre.pdf',
          contentType: 'application/pdf',
          inline: false,
          contentId: 'f_mhx3k2a10',
          size: 1446,
          magic: '25504446',
        },
      ],
    },
  ],
  [
    'bounce-dsn.eml',
    {
      from: { address: 'mailer-daemon@mail.monetmovil.com', name: 'Sistema de entrega de correo' },
      subject: 'Correo no entregado: devuelto al remitente',
      text: 'Este es el sistema de correo del servidor mail.monetmovil.com.\n\nLamentamos informarle que su mensaje no pudo ser entregado a uno o más\ndestinatarios. Se adjunta a continuación.\n\nSi necesita ayuda, escriba a postmaster@monetmovil.com. Puede eliminar\nsu propio texto del mensaje devuelto adjunto.\n\n                   El sistema de correo\n\n<jperez@prodigy.net.mx>: host mx1.prodigy.net.mx[148.235.52.30] said: 550\n    5.1.1 <jperez@prodigy.net.mx>: Recipient address rejected: User unknown\n    (in reply to RCPT TO command)',
      autoReason: 'delivery_report',
      hasHtml: false,
      bounce: {
        originalMessageId: 'ack-123@atiende.monetmovil.com',
        recipient: 'jperez@prodigy.net.mx',
        status: '5.1.1',
        diagnostic: '550 5.1.1 <jperez@prodigy.net.mx>: Recipient address rejected: User unknown',
        action: 'failed',
        failed: true,
      },
    },
  ],
  [
    'out-of-office.eml',
    {
      from: { address: 'rsalinas@constructorasalinas.com.mx', name: 'Rodrigo Salinas' },
      subject: 'Respuesta automática: [Folio MON-2026-000042-6] Recibimos su reporte de falla',
      folioInSubject: 'MON-2026-000042-6',
      text: 'Gracias por su mensaje. Estaré fuera de la oficina del 23 al 27 de noviembre, con acceso limitado al correo.\n\nPara asuntos urgentes, comuníquese con Patricia Garza al (81) 8123 4567 o a pgarza@constructorasalinas.com.mx.\n\nIng. Rodrigo Salinas\nConstructora Salinas',
      autoReason: 'auto_submitted',
      hasHtml: true,
      inReplyTo: 'ack-042@atiende.monetmovil.com',
    },
  ],
  [
    'gmail-vacation.eml',
    {
      from: { address: 'daniela.fuentes.r@gmail.com', name: 'Daniela Fuentes' },
      subject: 'Fuera de la oficina hasta el 1 de diciembre',
      text: 'Hola, estoy de vacaciones del 20 de noviembre al 1 de diciembre y no reviso\nmi correo. Le responderé a mi regreso.\n\nSaludos,\nDaniela Fuentes',
      autoReason: 'auto_submitted',
      hasHtml: true,
      inReplyTo: 'ack-077@atiende.monetmovil.com',
    },
  ],
  [
    'new-request.eml',
    {
      from: { address: 'lupita.ortiz82@hotmail.com', name: 'Guadalupe Ortiz' },
      subject: 'Sin internet desde el 21 de noviembre',
      text: 'Buenos días, quiero levantar un reporte: no tengo internet desde el sábado 21 de noviembre, el módem prende pero no navega.\n\nMi número de cuenta es 0042-118-9904 y mi teléfono es (81) 4774 6333. Vivo en Av. Constitución 1520, col. Centro, Monterrey.\n\nQuedo al pendiente.\nGuadalupe Ortiz',
      autoReason: null,
      hasHtml: true,
    },
  ],
];

describe('parseEmail on real-client fixtures', () => {
  it.each(fixtures)('%s', async (name, expected) => {
    const parsed = await parseEmail(fixture(name));
    expect(parsed.from).toEqual(expected.from);
    expect(parsed.subject).toBe(expected.subject);
    expect(parsed.folioInSubject).toBe(expected.folioInSubject);
    expect(parsed.text).toBe(expected.text);
    expect(parsed.autoReason).toBe(expected.autoReason);
    expect(parsed.hasHtml).toBe(expected.hasHtml);
    expect(parsed.inReplyTo).toBe(expected.inReplyTo);
    expect(parsed.references).toEqual(expected.inReplyTo ? [expected.inReplyTo] : []);
    expect(attachmentSummary(parsed)).toEqual(expected.attachments ?? []);
    expect(parsed.bounce).toEqual(expected.bounce);
    expect(parsed.messageId).not.toMatch(/[<>]/);
    expect(parsed.date).toBeInstanceOf(Date);
  });

  it('keeps the quoted reply in fullText', async () => {
    const parsed = await parseEmail(fixture('gmail-reply.eml'));
    expect(parsed.messageId).toBe('CAJx8F2qT9wR4nZ3mYk5bV7dL0sHc1pE6uGfA2oN8iWjK3xQ7rA@mail.gmail.com');
    expect(parsed.date?.toISOString()).toBe('2026-11-24T16:15:30.000Z');
    expect(parsed.to).toEqual([{ address: 'soporte@monetmovil.com', name: 'Soporte Monet Móvil' }]);
    expect(parsed.fullText).toContain('escribió:\n\n> Estimada Ana García:');
    expect(parsed.fullText.startsWith(parsed.text)).toBe(true);
  });

  it('keeps the Outlook header block and signature in fullText', async () => {
    const parsed = await parseEmail(fixture('outlook-reply.eml'));
    expect(parsed.fullText).toContain('De: Soporte Monet Móvil <soporte@monetmovil.com>\nEnviado: lunes');
  });
});

const CRLF = (lines: string[]) => Buffer.from(lines.join('\r\n'));

function message(headers: string[], body = 'Hola, no tengo internet.') {
  return CRLF([
    'From: Ana <ana@example.mx>',
    'To: soporte@monetmovil.com',
    'Date: Tue, 24 Nov 2026 10:00:00 -0600',
    'Message-ID: <m1@example.mx>',
    'MIME-Version: 1.0',
    ...headers,
    ...(headers.some((h) => /^content-type:/i.test(h)) ? [] : ['Content-Type: text/plain; charset=utf-8']),
    '',
    body,
  ]);
}

describe('loop and bounce detection', () => {
  const cases: Array<[string, string[], ParsedEmail['autoReason']]> = [
    ['an ordinary message', [], null],
    ['Auto-Submitted: auto-generated', ['Auto-Submitted: auto-generated'], 'auto_submitted'],
    [
      'Auto-Submitted: auto-replied with parameters',
      ['Auto-Submitted: auto-replied; owner-email="a@b.mx"'],
      'auto_submitted',
    ],
    ['Auto-Submitted: no', ['Auto-Submitted: no'], null],
    ['Precedence: bulk', ['Precedence: bulk'], 'precedence'],
    ['Precedence: junk', ['Precedence: junk'], 'precedence'],
    ['Precedence: list', ['Precedence: list'], 'precedence'],
    ['X-Autoreply', ['X-Autoreply: yes'], 'x_autoreply'],
    ['X-Autorespond', ['X-Autorespond: Ausente'], 'x_autoreply'],
    ['X-Auto-Response-Suppress: OOF', ['X-Auto-Response-Suppress: OOF'], 'x_autoreply'],
    ['X-Auto-Response-Suppress: All', ['X-Auto-Response-Suppress: All'], 'x_autoreply'],
    ['X-Auto-Response-Suppress: DR, RN only', ['X-Auto-Response-Suppress: DR, RN'], null],
    ['subject "Respuesta automática:"', ['Subject: Respuesta automática: Re: mi reporte'], 'out_of_office'],
    ['subject "Automatic reply:"', ['Subject: Automatic reply: Internet down'], 'out_of_office'],
    ['subject "Fuera de la oficina"', ['Subject: Fuera de la oficina'], 'out_of_office'],
    ['a customer subject that starts alike', ['Subject: Fuera de la oficina no tengo señal'], null],
    [
      'a read receipt (multipart/report, disposition-notification)',
      ['Content-Type: multipart/report; report-type=disposition-notification; boundary="b"'],
      'delivery_report',
    ],
  ];
  it.each(cases)('%s', async (_name, headers, reason) => {
    const parsed = await parseEmail(message(headers));
    expect(parsed.autoReason).toBe(reason);
    expect(parsed.bounce).toBeUndefined();
  });

  it.each(['MAILER-DAEMON@mx.example.mx', 'postmaster@example.mx'])('a message from %s', async (address) => {
    const raw = message([]).toString().replace('From: Ana <ana@example.mx>', `From: ${address}`);
    const parsed = await parseEmail(Buffer.from(raw));
    expect(parsed.autoReason).toBe('mailer_daemon');
    expect(parsed.bounce).toEqual({ failed: true });
  });

  it('reads a DSN whose original travels as message/rfc822, and a delay is not a failure', async () => {
    const raw = CRLF([
      'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
      'To: avisos@atiende.monetmovil.com',
      'Subject: Delivery Status Notification (Delay)',
      'Date: Tue, 24 Nov 2026 12:00:00 -0800',
      'Message-ID: <dsn-1@mx.google.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; boundary="r"; report-type=delivery-status',
      '',
      '--r',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'El mensaje aún no se ha entregado.',
      '--r',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; googlemail.com',
      '',
      'Final-Recipient: rfc822; luis@example.mx',
      'Action: delayed',
      'Status: 4.4.7',
      'Diagnostic-Code: smtp; 421 4.4.7 Try again later',
      '',
      '--r',
      'Content-Type: message/rfc822',
      '',
      'From: soporte@monetmovil.com',
      'To: luis@example.mx',
      'Message-ID: <ack-7@atiende.monetmovil.com>',
      'Subject: hola',
      '',
      'cuerpo',
      '--r--',
      '',
    ]);
    const parsed = await parseEmail(raw);
    expect(parsed.autoReason).toBe('delivery_report');
    expect(parsed.bounce).toEqual({
      originalMessageId: 'ack-7@atiende.monetmovil.com',
      recipient: 'luis@example.mx',
      status: '4.4.7',
      diagnostic: '421 4.4.7 Try again later',
      action: 'delayed',
      failed: false,
    });
    expect(parsed.attachments).toEqual([]);
    expect(parsed.text).toBe('El mensaje aún no se ha entregado.');
  });

  it('reads a plain-text (non-DSN) bounce from its text and X-Failed-Recipients', async () => {
    const raw = CRLF([
      'From: Mail Delivery System <Mailer-Daemon@mail.example.mx>',
      'To: avisos@atiende.monetmovil.com',
      'Subject: Mail delivery failed: returning message to sender',
      'Date: Tue, 24 Nov 2026 12:00:00 -0600',
      'Message-ID: <E1tF@mail.example.mx>',
      'X-Failed-Recipients: Luis@Example.mx',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'This message was created automatically by mail delivery software.',
      '',
      '------ This is a copy of the message, including all the headers. ------',
      '',
      'From: soporte@monetmovil.com',
      'Message-ID: <ack-9@atiende.monetmovil.com>',
      '',
    ]);
    const parsed = await parseEmail(raw);
    expect(parsed.autoReason).toBe('mailer_daemon');
    expect(parsed.bounce).toEqual({
      originalMessageId: 'ack-9@atiende.monetmovil.com',
      recipient: 'luis@example.mx',
      failed: true,
    });
  });
});

describe('headers', () => {
  it('gives a message without Message-ID a stable id derived from its bytes', async () => {
    const raw = Buffer.from(message([]).toString().replace('Message-ID: <m1@example.mx>\r\n', ''));
    const first = await parseEmail(raw);
    const again = await parseEmail(Buffer.from(raw));
    const other = await parseEmail(Buffer.concat([raw, Buffer.from('!')]));
    expect(first.messageId).toMatch(/^sha256-[0-9a-f]{64}@atiende\.invalid$/);
    expect(again.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);
  });

  it('lists every reference and reads In-Reply-To past a trailing comment', async () => {
    const parsed = await parseEmail(
      message([
        'In-Reply-To: <ack-2@atiende.monetmovil.com> (Soporte\'s message of "Mon, 23 Nov 2026")',
        'References: <ack-1@atiende.monetmovil.com>',
        ' <CAx1@mail.gmail.com> <ack-2@atiende.monetmovil.com>',
      ]),
    );
    expect(parsed.inReplyTo).toBe('ack-2@atiende.monetmovil.com');
    expect(parsed.references).toEqual([
      'ack-1@atiende.monetmovil.com',
      'CAx1@mail.gmail.com',
      'ack-2@atiende.monetmovil.com',
    ]);
  });

  it.each([
    ['Re: [Folio MON-2026-000042-6] Recibimos su reporte', 'MON-2026-000042-6'],
    ['RE: duda sobre el folio AB-2026-000001-5 y otro', 'AB-2026-000001-5'],
    ['Folio TELCOS-2027-1000000-4', 'TELCOS-2027-1000000-4'],
    ['folio mon-2026-000042-6 en minúsculas', undefined],
    ['Sin folio', undefined],
  ])('finds the folio in "%s"', async (subject, folio) => {
    const parsed = await parseEmail(message([`Subject: ${subject}`]));
    expect(parsed.folioInSubject).toBe(folio);
  });

  it('lower-cases the sender and leaves a missing or unreadable Date as null', async () => {
    const missing = message([]).toString().replace('Date: Tue, 24 Nov 2026 10:00:00 -0600\r\n', '');
    const parsed = await parseEmail(Buffer.from(missing.replace('ana@example.mx', 'Ana.Garcia@Example.MX')));
    expect(parsed.from).toEqual({ address: 'ana.garcia@example.mx', name: 'Ana' });
    expect(parsed.date).toBeNull();
    const garbled = message([]).toString().replace('Tue, 24 Nov 2026 10:00:00 -0600', 'el martes temprano');
    expect((await parseEmail(Buffer.from(garbled))).date).toBeNull();
  });

  it('refuses a message without a From address', async () => {
    const raw = message([]).toString().replace('From: Ana <ana@example.mx>\r\n', '');
    await expect(parseEmail(Buffer.from(raw))).rejects.toMatchObject({
      code: 'email.no_sender',
      status: 422,
    });
  });
});

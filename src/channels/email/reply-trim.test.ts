import { describe, expect, it } from 'vitest';
import { trimQuotedReply } from './reply-trim.ts';

const cases: Array<{ name: string; input: string; expected: string }> = [
  {
    name: 'Gmail in Spanish, attribution on one line',
    input:
      'Ya quedó, gracias.\n\nEl mar, 24 nov 2026 a las 10:02, Ana <ana@monetmovil.com> escribió:\n\n> Le confirmamos la visita.\n',
    expected: 'Ya quedó, gracias.',
  },
  {
    name: 'Gmail in Spanish, attribution wrapped over two lines',
    input:
      'Sigo sin servicio.\n\nEl mar, 24 nov 2026 a las 10:02, Soporte Monet Móvil (<\nsoporte@monetmovil.com>) escribió:\n\n> Estimado cliente:\n',
    expected: 'Sigo sin servicio.',
  },
  {
    name: 'Gmail in English',
    input: 'Still down.\n\nOn Tue, Nov 24, 2026 at 10:02 AM Ana <ana@monetmovil.com> wrote:\n\n> Hello\n',
    expected: 'Still down.',
  },
  {
    name: 'Gmail in English, attribution wrapped',
    input:
      'Still down.\n\nOn Tue, Nov 24, 2026 at 10:02 AM Soporte Monet Movil <\nsoporte@monetmovil.com> wrote:\n> Hi\n',
    expected: 'Still down.',
  },
  {
    name: 'Apple Mail in Spanish, attribution not quoted',
    input:
      'Listo.\n\nEl 23 nov 2026, a las 18:42, Soporte <soporte@monetmovil.com> escribió:\n\nEstimado Jorge:\n',
    expected: 'Listo.',
  },
  {
    name: 'Thunderbird in Spanish',
    input: 'Correcto.\n\nEl 23/11/26 a las 18:42, Soporte Monet Móvil escribió:\n> Estimado cliente\n',
    expected: 'Correcto.',
  },
  {
    name: 'Outlook in Spanish, with the underscore rule',
    input:
      'Adjunto mi comprobante.\n\nLucía Hernández\n\n________________________________\nDe: Soporte Monet Móvil <soporte@monetmovil.com>\nEnviado: lunes, 23 de noviembre de 2026 18:42\nPara: Lucía Hernández <lh@example.mx>\nAsunto: [Folio MON-2026-000057-8] Recibimos su solicitud\n\nEstimada Lucía:\n',
    expected: 'Adjunto mi comprobante.\n\nLucía Hernández',
  },
  {
    name: 'Outlook in English',
    input:
      'Thanks.\n\nFrom: Soporte <soporte@monetmovil.com>\nSent: Monday, November 23, 2026 6:42 PM\nTo: Ana <ana@example.mx>\nSubject: Case\n\nDear Ana\n',
    expected: 'Thanks.',
  },
  {
    name: 'new Outlook and Outlook for Mac, "Fecha:" instead of "Enviado:"',
    input:
      'Gracias.\n\nDe: Soporte <soporte@monetmovil.com>\nFecha: lunes, 23 de noviembre de 2026, 18:42\nPara: Ana <ana@example.mx>\nAsunto: Reporte\n\nHola\n',
    expected: 'Gracias.',
  },
  {
    name: 'Outlook "-----Mensaje original-----"',
    input: 'Ok, espero al técnico.\n\n-----Mensaje original-----\nDe: Soporte\nEnviado: lunes\n\nHola\n',
    expected: 'Ok, espero al técnico.',
  },
  {
    name: 'Outlook "-----Original Message-----"',
    input: 'Ok.\n\n-----Original Message-----\nFrom: Soporte\nSent: Monday\n',
    expected: 'Ok.',
  },
  {
    name: '>-quoted lines without an attribution',
    input: 'Sí, ya lo reinicié.\n\n> ¿Ya reinició el módem?\n> Saludos\n',
    expected: 'Sí, ya lo reinicié.',
  },
  {
    name: 'answers between >-quoted questions',
    input: '> ¿Número de cuenta?\n0042-118-7731\n\n> ¿Dirección?\nAv. Juárez 214\n',
    expected: '0042-118-7731\n\nAv. Juárez 214',
  },
  {
    name: 'iPhone tagline in Spanish, with the quote under it',
    input:
      'Aquí la foto.\n\nEnviado desde mi iPhone\n\n> El 23 nov 2026, a las 18:42, Soporte escribió:\n> Hola\n',
    expected: 'Aquí la foto.',
  },
  {
    name: 'iPhone tagline in English',
    input: 'Here it is.\n\nSent from my iPhone\n',
    expected: 'Here it is.',
  },
  {
    name: 'Samsung tagline',
    input: 'No tengo señal.\n\nEnviado desde mi Samsung Galaxy smartphone.\n',
    expected: 'No tengo señal.',
  },
  {
    name: 'Outlook for Android tagline with its link',
    input: 'Quedo al pendiente.\n\nObtener Outlook para Android<https://aka.ms/AAb9ysg>\n',
    expected: 'Quedo al pendiente.',
  },
  {
    name: 'the "-- " signature delimiter',
    input: 'Gracias.\n\n-- \nRefaccionaria López\nTel. (81) 8367 2201\n',
    expected: 'Gracias.',
  },
  {
    name: 'CRLF line ends',
    input: 'Hola.\r\n\r\nEl lun, 23 nov 2026 a las 18:42, Soporte escribió:\r\n> x\r\n',
    expected: 'Hola.',
  },
  {
    name: 'a sentence that starts like a phone tagline is kept',
    input: 'Enviado desde mi celular porque no tengo internet en casa.',
    expected: 'Enviado desde mi celular porque no tengo internet en casa.',
  },
  {
    name: 'an "El … escribió:" line without a date is kept',
    input: 'El técnico que vino me escribió:\nque la falla es de la zona.',
    expected: 'El técnico que vino me escribió:\nque la falla es de la zona.',
  },
  {
    name: 'a letter opening with De:/Asunto: and no date line is kept',
    input: 'De: Juan Pérez\nPara: Monet Móvil\nAsunto: Queja por cobro\n\nMe cobraron dos veces.',
    expected: 'De: Juan Pérez\nPara: Monet Móvil\nAsunto: Queja por cobro\n\nMe cobraron dos veces.',
  },
  {
    name: 'a message that is all quote',
    input: 'El lun, 23 nov 2026 a las 18:42, Soporte escribió:\n> Hola\n',
    expected: '',
  },
  { name: 'runs of blank lines collapse', input: 'Uno.\n\n\n\nDos.   \n', expected: 'Uno.\n\nDos.' },
];

describe('trimQuotedReply', () => {
  it.each(cases)('$name', ({ input, expected }) => {
    expect(trimQuotedReply(input)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { type AppointmentReply, readAppointmentReply } from './appointment-reply.ts';

const TABLE: [string, AppointmentReply | undefined][] = [
  ['confirmo', 'confirmar'],
  ['Confirmo', 'confirmar'],
  ['Sí, confirmo', 'confirmar'],
  ['ok confirmado', 'confirmar'],
  ['OK, confirmada. Gracias!', 'confirmar'],
  ['De acuerdo', 'confirmar'],
  ['Ahí estaré', 'confirmar'],
  ['Perfecto, ahí estaremos, gracias', 'confirmar'],
  ['Sí', 'confirmar'],
  ['si gracias', 'confirmar'],
  ['Sale, muchas gracias', 'confirmar'],
  ['Está bien', 'confirmar'],
  ['👍', 'confirmar'],
  ['Sí, no hay problema', 'confirmar'],
  ['Me parece bien, los espero', 'confirmar'],
  ['no puedo', 'reprogramar'],
  ['No puedo ese día, trabajo', 'reprogramar'],
  ['Quiero cambiar la cita', 'reprogramar'],
  ['¿Se puede cambiar a otro día?', 'reprogramar'],
  ['otro día por favor', 'reprogramar'],
  ['Necesito reprogramar', 'reprogramar'],
  ['mejor el jueves', 'reprogramar'],
  ['Mejor en la tarde', 'reprogramar'],
  ['mejor a las 4', 'reprogramar'],
  ['Confirmo, pero mejor el miércoles', 'reprogramar'],
  ['Sí, pero no voy a estar en la mañana', 'reprogramar'],
  ['No confirmo', 'reprogramar'],
  ['No estaré en casa', 'reprogramar'],
  ['Me acomoda mejor el sábado', 'reprogramar'],
  ['¿Podemos reagendar?', 'reprogramar'],
  ['¿A qué hora llega el técnico?', undefined],
  ['¿Cómo confirmo?', undefined],
  ['Gracias', undefined],
  ['Sigo sin internet', undefined],
  ['Quiero cancelar la visita', undefined],
  ['Ya no la necesito, ya funciona', undefined],
  ['si llegan antes me avisan', undefined],
  ['No', undefined],
  ['Sí, y quiero cambiar el módem también', undefined],
  ['confirmo pero por favor que traigan un modem nuevo porque el mio ya se calienta mucho', undefined],
  ['', undefined],
];

describe('readAppointmentReply: what a customer answers to a visit window', () => {
  it.each(TABLE)('%j → %s', (text, expected) => {
    expect(readAppointmentReply(text)).toBe(expected);
  });

  it('reads nothing from a message without text', () => {
    expect(readAppointmentReply(null)).toBeUndefined();
    expect(readAppointmentReply(undefined)).toBeUndefined();
  });
});

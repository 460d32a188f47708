/**
 * What a customer's message says of the visit window they were told (`orden_agendada` asks them to
 * answer "confirmo" or to say what time suits them better): `confirmar`, `reprogramar`, or nothing Atiende
 * acts on (the agent reads it). Asking for another time wins over agreeing ("sí, pero mejor el jueves"),
 * since a wrongly kept window sends a technician to an empty home while a wrongly reopened one only costs
 * the agent a new proposal. Agreeing must be plain: a short message, no question, no "no", and a
 * cancellation or a question is always left to the agent.
 */
export type AppointmentReply = 'confirmar' | 'reprogramar';

/** Longer messages say more than yes: a person reads them. */
const MAX_CONFIRM_WORDS = 12;

const DAYS = 'lunes|martes|miercoles|jueves|viernes|sabado|domingo';

const RESCHEDULE = [
  /\bno (puedo|podre|podria|podemos|podremos|voy a (poder|estar)|vamos a (poder|estar)|estare|estaremos|estoy|estamos|hay nadie|habra nadie|me (queda|acomoda|conviene|es posible)|nos (queda|acomoda|conviene)|alcanzo|llego)\b/,
  /\bno confirmo\b/,
  /\b(reprogramar|reprogramarla|reprogramemos|reprogramen|reprogramala|reagendar|reagendarla|reagendemos|reagenden|posponer|pospongamos|aplazar|recorrer|recorrerla)\b/,
  // "cambiar" the appointment, not the modem or the plan.
  /\bcambi(ar|arla|arlo|emos|en|ame|enme)\b(?! (el|la|de|mi) (modem|equipo|router|antena|cable|contrasena|plan|paquete)\b)/,
  /\bcambio de (horario|hora|fecha|dia|cita)\b/,
  /\bmover(la|lo)?\b/,
  /\botr[oa] (dia|fecha|hora|horario|semana|momento|ocasion|turno)\b/,
  /\b(me|nos) (queda|acomoda|conviene) mejor\b/,
  new RegExp(
    `\\bmejor (el |la |en la |por la |a las |a la )?(manana|pasado|otro|otra|temprano|tarde|noche|despues|antes|${DAYS}|\\d)\\b`,
  ),
];

/** A cancellation is not a new window: the agent decides what becomes of the order. */
const CANCEL = /\b(cancel\w*|ya no (la |lo )?(quiero|necesito|ocupo))\b/;

const CONFIRM = [
  /\bconfirm(o|ado|ada|amos|adisimo)\b/,
  /\bde acuerdo\b/,
  /\b(ahi|alli|aqui|aca) (estare|estaremos|estamos|estoy|los espero|lo espero|las espero|la espero|nos vemos)\b/,
  /\b(los|lo|las|la|les) (espero|esperamos|estare esperando|estaremos esperando)\b/,
  /\b(me|nos) (parece|queda|acomoda) (bien|perfecto)\b/,
];

/** A message made only of these, with at least one that agrees, is a plain yes ("sí, gracias", "ok 👍"). */
const AGREEING = new Set([
  'si',
  'sip',
  'ok',
  'okay',
  'oki',
  'okey',
  'va',
  'sale',
  'vale',
  'perfecto',
  'excelente',
  'claro',
  'listo',
  'simon',
  'bien',
]);
const FILLER = new Set([
  'gracias',
  'muchas',
  'mil',
  'muy',
  'esta',
  'todo',
  'entonces',
  'por',
  'supuesto',
  'senor',
  'senorita',
  'joven',
  'que',
]);

/** "no hay problema" agrees; any other "no" casts doubt on a yes. */
const AGREEING_NO = /\bno hay (problema|bronca|inconveniente|pendiente)\b/g;

const normalize = (text: string) =>
  text
    .replace(/👍/gu, ' ok ')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9?¿]+/g, ' ')
    .trim();

export function readAppointmentReply(text: string | null | undefined): AppointmentReply | undefined {
  const said = normalize(text ?? '');
  if (!said || CANCEL.test(said)) return undefined;
  if (RESCHEDULE.some((pattern) => pattern.test(said))) return 'reprogramar';
  if (/[?¿]/.test(said)) return undefined;
  const words = said.replace(AGREEING_NO, 'de acuerdo').split(' ');
  if (words.length > MAX_CONFIRM_WORDS || words.includes('no')) return undefined;
  const plain = words.join(' ');
  if (CONFIRM.some((pattern) => pattern.test(plain))) return 'confirmar';
  if (words.every((w) => AGREEING.has(w) || FILLER.has(w)) && words.some((w) => AGREEING.has(w)))
    return 'confirmar';
  return undefined;
}

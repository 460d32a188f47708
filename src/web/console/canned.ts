import type { Channel } from '../shared/types.ts';

/**
 * Canned replies per area, kept in the client until the API offers them (the provider profile is the
 * natural home later). Each has the warm "tú" form for WhatsApp and Messenger and the formal "usted"
 * form for e-mail, the portal and phone-call records, as the provider's templates do. Placeholders:
 * {folio}, {nombre} (" " and the first name, or empty: "Hola{nombre}"), {plazo} (the resolution deadline).
 */
export interface CannedReply {
  id: string;
  title: string;
  tu: string;
  usted: string;
}

const EVERY_AREA: CannedReply[] = [
  {
    id: 'recibido',
    title: 'Acuse: ya lo estamos atendiendo',
    tu: 'Hola{nombre}, ya estamos revisando tu folio {folio}. Te respondemos a más tardar el {plazo}.',
    usted:
      'Estimado(a) cliente{nombre}: ya revisamos su folio {folio}. Le daremos respuesta a más tardar el {plazo}.',
  },
  {
    id: 'datos',
    title: 'Pedir datos que faltan',
    tu: 'Hola{nombre}, para avanzar con tu folio {folio} necesitamos tu número de cuenta y el domicilio del servicio. ¿Nos los compartes?',
    usted:
      'Estimado(a) cliente{nombre}: para continuar con su folio {folio} le pedimos su número de cuenta y el domicilio del servicio.',
  },
  {
    id: 'resuelto',
    title: 'Avisar que quedó resuelto',
    tu: 'Hola{nombre}, tu folio {folio} quedó resuelto. Si algo no quedó bien, respóndenos aquí y lo retomamos.',
    usted:
      'Estimado(a) cliente{nombre}: le informamos que su folio {folio} quedó resuelto. Si requiere algo más, responda a este mensaje.',
  },
];

const CANNED_REPLIES: Record<string, CannedReply[]> = {
  soporte_tecnico: [
    {
      id: 'reinicio',
      title: 'Reiniciar el equipo',
      tu: 'Hola{nombre}, mientras revisamos tu folio {folio}, ¿puedes desconectar tu antena y módem 30 segundos y volver a conectarlos? Cuéntanos si mejora.',
      usted:
        'Estimado(a) cliente{nombre}: mientras revisamos su folio {folio}, le pedimos desconectar su antena y módem 30 segundos y volver a conectarlos, e indicarnos si el servicio mejora.',
    },
    {
      id: 'visita',
      title: 'Programar visita técnica',
      tu: 'Hola{nombre}, programamos una visita técnica para tu folio {folio}. La reparación debe quedar a más tardar el {plazo}.',
      usted:
        'Estimado(a) cliente{nombre}: programamos una visita técnica para su folio {folio}. La reparación quedará a más tardar el {plazo}.',
    },
  ],
  facturacion_cobranza: [
    {
      id: 'aclaracion',
      title: 'Aclaración de cargo en revisión',
      tu: 'Hola{nombre}, revisamos el cargo de tu folio {folio}. Si procede, la bonificación se verá en tu siguiente fecha de corte.',
      usted:
        'Estimado(a) cliente{nombre}: revisamos el cargo de su folio {folio}. De proceder, la bonificación se reflejará en su siguiente fecha de corte.',
    },
  ],
  cancelaciones: [
    {
      id: 'baja',
      title: 'Confirmar la cancelación',
      tu: 'Hola{nombre}, registramos tu cancelación con el folio {folio}. Queda aplicada a más tardar el {plazo}.',
      usted:
        'Estimado(a) cliente{nombre}: registramos su cancelación con el folio {folio}, que quedará aplicada a más tardar el {plazo}.',
    },
  ],
  atencion_quejas: [
    {
      id: 'queja',
      title: 'Queja recibida',
      tu: 'Hola{nombre}, recibimos tu queja con el folio {folio} y ya la revisa nuestra área de quejas. Te respondemos a más tardar el {plazo}.',
      usted:
        'Estimado(a) cliente{nombre}: recibimos su queja con el folio {folio}; el área de atención a quejas le responderá a más tardar el {plazo}.',
    },
  ],
};

/** The replies offered for a case: its area's own, then those for every area. */
export function cannedRepliesFor(areaCode: string): CannedReply[] {
  return [...(CANNED_REPLIES[areaCode] ?? []), ...EVERY_AREA];
}

/** WhatsApp and Messenger speak as "tú"; everything else as "usted". */
export const toneOf = (channel: Channel): 'tu' | 'usted' =>
  channel === 'whatsapp' || channel === 'facebook' ? 'tu' : 'usted';

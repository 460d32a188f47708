import { z } from 'zod';

/** The values a canned reply may name; the console fills them from the case it is written on. */
export const CANNED_PLACEHOLDERS = ['folio', 'nombre', 'plazo'] as const;

const placeholdersIn = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');

const CannedText = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine(
    (text) => placeholdersIn(text).every((name) => (CANNED_PLACEHOLDERS as readonly string[]).includes(name)),
    `only ${CANNED_PLACEHOLDERS.map((name) => `{${name}}`).join(', ')}`,
  );
const CannedTexts = z.object({ es: CannedText, en: CannedText.optional() });

export const CannedReplySchema = z.object({
  id: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _')
    .max(60),
  /** The area whose agents are offered it; absent, every area's. */
  area: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _')
    .optional(),
  title: z.object({
    es: z.string().trim().min(1).max(120),
    en: z.string().trim().min(1).max(120).optional(),
  }),
  /** The warm form, for WhatsApp and Messenger. */
  tu: CannedTexts,
  /** The formal form, for e-mail, the portal and phone-call records. */
  usted: CannedTexts,
});
export type CannedReply = z.infer<typeof CannedReplySchema>;

/**
 * The console picks a reply by its id, so ids are unique. An area the profile does not have is not
 * refused: the shipped list names the reference areas, and a provider without one of them must still
 * get a valid profile; such a reply is offered to no one but admins.
 */
export const CannedRepliesSchema = z
  .array(CannedReplySchema)
  .max(200)
  .superRefine((replies, ctx) => {
    replies.forEach((reply, i) => {
      if (replies.findIndex((r) => r.id === reply.id) !== i) {
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id ${reply.id}` });
      }
    });
  });

/**
 * What agents were offered while the replies lived in the console's code, so a provider whose profile
 * names none keeps them. `{nombre}` is " " and the first name, or nothing: "Hola{nombre}".
 */
export const DEFAULT_CANNED_REPLIES: CannedReply[] = [
  {
    id: 'reinicio',
    area: 'soporte_tecnico',
    title: { es: 'Reiniciar el equipo' },
    tu: {
      es: 'Hola{nombre}, mientras revisamos tu folio {folio}, ¿puedes desconectar tu antena y módem 30 segundos y volver a conectarlos? Cuéntanos si mejora.',
    },
    usted: {
      es: 'Estimado(a) cliente{nombre}: mientras revisamos su folio {folio}, le pedimos desconectar su antena y módem 30 segundos y volver a conectarlos, e indicarnos si el servicio mejora.',
    },
  },
  {
    id: 'visita',
    area: 'soporte_tecnico',
    title: { es: 'Programar visita técnica' },
    tu: {
      es: 'Hola{nombre}, programamos una visita técnica para tu folio {folio}. La reparación debe quedar a más tardar el {plazo}.',
    },
    usted: {
      es: 'Estimado(a) cliente{nombre}: programamos una visita técnica para su folio {folio}. La reparación quedará a más tardar el {plazo}.',
    },
  },
  {
    id: 'aclaracion',
    area: 'facturacion_cobranza',
    title: { es: 'Aclaración de cargo en revisión' },
    tu: {
      es: 'Hola{nombre}, revisamos el cargo de tu folio {folio}. Si procede, la bonificación se verá en tu siguiente fecha de corte.',
    },
    usted: {
      es: 'Estimado(a) cliente{nombre}: revisamos el cargo de su folio {folio}. De proceder, la bonificación se reflejará en su siguiente fecha de corte.',
    },
  },
  {
    id: 'baja',
    area: 'cancelaciones',
    title: { es: 'Confirmar la cancelación' },
    tu: {
      es: 'Hola{nombre}, registramos tu cancelación con el folio {folio}. Queda aplicada a más tardar el {plazo}.',
    },
    usted: {
      es: 'Estimado(a) cliente{nombre}: registramos su cancelación con el folio {folio}, que quedará aplicada a más tardar el {plazo}.',
    },
  },
  {
    id: 'queja',
    area: 'atencion_quejas',
    title: { es: 'Queja recibida' },
    tu: {
      es: 'Hola{nombre}, recibimos tu queja con el folio {folio} y ya la revisa nuestra área de quejas. Te respondemos a más tardar el {plazo}.',
    },
    usted: {
      es: 'Estimado(a) cliente{nombre}: recibimos su queja con el folio {folio}; el área de atención a quejas le responderá a más tardar el {plazo}.',
    },
  },
  {
    id: 'recibido',
    title: { es: 'Acuse: ya lo estamos atendiendo' },
    tu: {
      es: 'Hola{nombre}, ya estamos revisando tu folio {folio}. Te respondemos a más tardar el {plazo}.',
    },
    usted: {
      es: 'Estimado(a) cliente{nombre}: ya revisamos su folio {folio}. Le daremos respuesta a más tardar el {plazo}.',
    },
  },
  {
    id: 'datos',
    title: { es: 'Pedir datos que faltan' },
    tu: {
      es: 'Hola{nombre}, para avanzar con tu folio {folio} necesitamos tu número de cuenta y el domicilio del servicio. ¿Nos los compartes?',
    },
    usted: {
      es: 'Estimado(a) cliente{nombre}: para continuar con su folio {folio} le pedimos su número de cuenta y el domicilio del servicio.',
    },
  },
  {
    id: 'resuelto',
    title: { es: 'Avisar que quedó resuelto' },
    tu: {
      es: 'Hola{nombre}, tu folio {folio} quedó resuelto. Si algo no quedó bien, respóndenos aquí y lo retomamos.',
    },
    usted: {
      es: 'Estimado(a) cliente{nombre}: le informamos que su folio {folio} quedó resuelto. Si requiere algo más, responda a este mensaje.',
    },
  },
];

/**
 * The replies offered in the given areas: each area's own first, then those for every area. `'all'`
 * (an admin) sees every reply.
 */
export function cannedRepliesFor(
  replies: readonly CannedReply[],
  areaCodes: readonly string[] | 'all',
): CannedReply[] {
  const own = replies.filter((r) => r.area && (areaCodes === 'all' || areaCodes.includes(r.area)));
  return [...own, ...replies.filter((r) => !r.area)];
}

import { z } from 'zod';

/**
 * What the self-service menu says, per language. `{…}` names a value the menu fills in: `{proveedor}`,
 * `{privacidad}` (the privacy notice's address), `{servicio}`, `{saldo}`, `{monto}`, `{fecha}`,
 * `{folio}`, `{estado}`.
 */
export const MenuTextsSchema = z.object({
  welcome: z.string().min(1),
  menu: z.string().min(1),
  button: z.string().min(1).max(20),
  options: z.object({
    falla: z.string().min(1).max(20),
    saldo: z.string().min(1).max(20),
    folio: z.string().min(1).max(20),
    contratar: z.string().min(1).max(20),
    cancelar: z.string().min(1).max(20),
    asesor: z.string().min(1).max(20),
  }),
  askAccount: z.string().min(1),
  askPin: z.string().min(1),
  /** One answer for an unknown account, an account without a PIN and a wrong PIN. */
  notVerified: z.string().min(1),
  throttled: z.string().min(1),
  chooseCustomer: z.string().min(1),
  ownAccount: z.string().min(1).max(24),
  chooseService: z.string().min(1),
  balance: z.string().min(1),
  noServices: z.string().min(1),
  askFolio: z.string().min(1),
  folioStatus: z.string().min(1),
  folioNotFound: z.string().min(1),
  cancelKind: z.string().min(1),
  cancel: z.string().min(1).max(20),
  suspend: z.string().min(1).max(20),
  confirmCancel: z.string().min(1),
  confirmSuspend: z.string().min(1),
  yes: z.string().min(1).max(20),
  no: z.string().min(1).max(20),
  notConfirmed: z.string().min(1),
  requested: z.string().min(1),
  misunderstood: z.string().min(1),
  handover: z.string().min(1),
  outOfScope: z.string().min(1),
  idleClosed: z.string().min(1),
  statuses: z.record(z.string(), z.string()),
});
export type MenuTexts = z.infer<typeof MenuTextsSchema>;

const ES: MenuTexts = {
  welcome:
    'Hola, te atiende el asistente de {proveedor}. Aviso de privacidad: {privacidad}\nPuedes escribir tu solicitud o elegir una opción. Para hablar con una persona escribe 0.',
  menu: '¿En qué te ayudamos?',
  button: 'Ver opciones',
  options: {
    falla: 'Reportar una falla',
    saldo: 'Consultar saldo',
    folio: 'Consultar un folio',
    contratar: 'Contratar',
    cancelar: 'Cancelar o suspender',
    asesor: 'Hablar con un asesor',
  },
  askAccount: 'Para darte ese dato necesito verificar tu identidad. Escribe tu número de cuenta.',
  askPin: 'Ahora escribe tu PIN.',
  notVerified: 'El número de cuenta o el PIN no son correctos.',
  throttled: 'Demasiados intentos. Espera un momento e intenta de nuevo.',
  chooseCustomer: '¿Por cuál cuenta consultas?',
  ownAccount: 'Mi propia cuenta',
  chooseService: '¿Sobre cuál servicio?',
  balance: '{servicio}: saldo {saldo}; a pagar {monto} a más tardar el {fecha}.',
  noServices: 'No encontramos servicios activos para esa cuenta.',
  askFolio: 'Escribe el folio que quieres consultar.',
  folioStatus: 'El folio {folio} está: {estado}.',
  folioNotFound: 'No encontramos ese folio entre tus solicitudes.',
  cancelKind: '¿Qué deseas hacer?',
  cancel: 'Cancelar',
  suspend: 'Suspender',
  confirmCancel:
    'El servicio {servicio} se cancelaría con fecha efectiva {fecha}; no se cobra nada después de esa fecha. ¿Confirmas?',
  confirmSuspend: 'El servicio {servicio} se suspendería a partir del {fecha}. ¿Confirmas?',
  yes: 'Sí, confirmo',
  no: 'No',
  notConfirmed: 'De acuerdo, no hicimos ningún cambio.',
  requested: 'Registramos tu solicitud con el folio {folio}; fecha efectiva: {fecha}.',
  misunderstood: 'No entendí tu respuesta. Elige una de las opciones o escribe 0 para hablar con un asesor.',
  handover: 'Te comunicamos con un asesor.',
  outOfScope:
    'La autorización con la que actúas no cubre esta operación. Si quieres, escribe 0 para hablar con un asesor.',
  idleClosed:
    'Cerramos esta conversación por falta de respuesta. Escríbenos cuando quieras; con gusto te atendemos.',
  statuses: {
    nuevo: 'recibido',
    asignado: 'asignado a un asesor',
    en_proceso: 'en proceso',
    en_espera_cliente: 'en espera de tu respuesta',
    resuelto: 'resuelto',
    cerrado: 'cerrado',
    descartado: 'descartado',
  },
};

const EN: MenuTexts = {
  welcome:
    "Hi, this is {proveedor}'s assistant. Privacy notice: {privacidad}\nYou can write your request or pick an option. To talk to a person, type 0.",
  menu: 'How can we help?',
  button: 'See options',
  options: {
    falla: 'Report a fault',
    saldo: 'Check balance',
    folio: 'Check a folio',
    contratar: 'Sign up',
    cancelar: 'Cancel or suspend',
    asesor: 'Talk to an agent',
  },
  askAccount: 'To give you that I need to verify who you are. Type your account number.',
  askPin: 'Now type your PIN.',
  notVerified: 'The account number or the PIN is not correct.',
  throttled: 'Too many attempts. Please wait a moment and try again.',
  chooseCustomer: 'Which account is it about?',
  ownAccount: 'My own account',
  chooseService: 'Which service?',
  balance: '{servicio}: balance {saldo}; {monto} due by {fecha}.',
  noServices: 'We found no active services for that account.',
  askFolio: 'Type the folio you want to check.',
  folioStatus: 'Folio {folio} is: {estado}.',
  folioNotFound: 'We did not find that folio among your requests.',
  cancelKind: 'What would you like to do?',
  cancel: 'Cancel',
  suspend: 'Suspend',
  confirmCancel:
    'Service {servicio} would be cancelled effective {fecha}; nothing is charged after that date. Do you confirm?',
  confirmSuspend: 'Service {servicio} would be suspended from {fecha}. Do you confirm?',
  yes: 'Yes, I confirm',
  no: 'No',
  notConfirmed: 'All right, nothing was changed.',
  requested: 'Your request was recorded with folio {folio}; effective date: {fecha}.',
  misunderstood: 'I did not understand your answer. Pick one of the options or type 0 to talk to an agent.',
  handover: 'We are putting you through to an agent.',
  outOfScope: 'Your authorization does not cover this. If you like, type 0 to talk to an agent.',
  idleClosed: 'We closed this conversation for lack of an answer. Write to us any time.',
  statuses: {
    nuevo: 'received',
    asignado: 'assigned to an agent',
    en_proceso: 'in progress',
    en_espera_cliente: 'waiting for your answer',
    resuelto: 'resolved',
    cerrado: 'closed',
    descartado: 'discarded',
  },
};

export const defaultMenu = () => ({
  enabled: false,
  idleMinutes: 30,
  misunderstoodLimit: 2,
  texts: { es: ES, en: EN },
});

/**
 * The self-service menu on WhatsApp and Messenger. Off, every chat message goes to a case as before;
 * on, a message no rule classifies (a greeting) starts the menu instead.
 */
export const MenuSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  /** Minutes without an answer after which a conversation is closed politely. */
  idleMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(30),
  /** Misunderstood answers in a row after which the conversation goes to an agent. */
  misunderstoodLimit: z.number().int().min(1).max(5).default(2),
  texts: z
    .object({ es: MenuTextsSchema.default(ES), en: MenuTextsSchema.default(EN) })
    .default({ es: ES, en: EN }),
});
export type MenuSettings = z.infer<typeof MenuSettingsSchema>;

/** The menu settings, with the defaults for settings stored before the section existed. */
export const menuSettings = (settings: { menu?: MenuSettings }): MenuSettings =>
  settings.menu ?? defaultMenu();

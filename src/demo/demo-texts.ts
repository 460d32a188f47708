import type { RequestType } from '../cases/request-types.ts';

// What the demo provider's customers and agents write. Spanish on purpose: it is sample user content,
// shown as is in the product. Placeholders: {colonia}, {mes} (last month's name), {monto}, {dias}.

export const FIRST_NAMES = [
  'María Guadalupe',
  'José Luis',
  'Juan Carlos',
  'Ana Karen',
  'Luis Fernando',
  'Daniela',
  'Alejandra',
  'Miguel Ángel',
  'Jorge',
  'Rosa María',
  'Francisco Javier',
  'Verónica',
  'Ricardo',
  'Sofía',
  'Diego',
  'Mariana',
  'Héctor',
  'Claudia',
  'Eduardo',
  'Fernanda',
  'Roberto',
  'Gabriela',
  'Arturo',
  'Leticia',
  'Ximena',
  'Óscar',
  'Lorena',
  'Jesús',
  'Paola',
  'Raúl',
  'Norma Alicia',
  'Carlos Alberto',
];

export const SURNAMES = [
  'Garza',
  'Treviño',
  'González',
  'Hernández',
  'Martínez',
  'Rodríguez',
  'López',
  'Pérez',
  'Sánchez',
  'Ramírez',
  'Flores',
  'Cantú',
  'Villarreal',
  'Elizondo',
  'Salinas',
  'Guerra',
  'Leal',
  'Zambrano',
  'Cavazos',
  'Montemayor',
  'de la Garza',
  'Tamez',
  'Rocha',
  'Aguirre',
  'Medina',
  'Ibarra',
  'Valdez',
  'Castillo',
  'Morales',
  'Reyes',
];

/** Small businesses that contract home-style plans, as wireless ISPs in the region have many of. */
export const BUSINESSES = [
  'Abarrotes La Esperanza',
  'Taller Mecánico Hermanos Cantú',
  'Papelería El Estudiante',
  'Consultorio Dental Sonrisa',
  'Tortillería La Norteña',
  'Estética Glamour',
  'Carnicería El Güero',
  'Ferretería Del Norte',
  'Farmacia San José',
  'Lavandería Express Mitras',
];

/** Reserved for examples (RFC 2606), so a reply an agent sends while trying the demo reaches nobody. */
export const EMAIL_HOSTS = ['example.com', 'example.net', 'example.org', 'correo.example'];

export const COLONIAS = {
  monterrey: [
    'Mitras Centro',
    'Cumbres',
    'Obispado',
    'Contry',
    'Linda Vista',
    'Anáhuac',
    'Valle Oriente',
    'Del Valle',
    'Topo Chico',
    'San Jerónimo',
    'Residencial Lincoln',
    'Buenos Aires',
  ],
  saltillo: [
    'República Oriente',
    'Lourdes',
    'Saltillo 2000',
    'Valle de las Flores',
    'Los Pinos',
    'Zona Centro',
    'Brisas Poniente',
    'Mirasierra',
    'Valle Real',
    'Morelos',
  ],
};

export interface Request {
  type: RequestType;
  subtype?: string;
  text: string;
  priority?: 'baja' | 'normal' | 'alta' | 'urgente';
}

export const REQUESTS: Request[] = [
  {
    type: 'falla',
    subtype: 'sin_servicio',
    priority: 'alta',
    text: 'Sin internet desde anoche en la colonia {colonia}. Ya reinicié el módem y la antena y nada.',
  },
  {
    type: 'falla',
    subtype: 'sin_servicio',
    priority: 'alta',
    text: 'No tengo servicio desde hace {dias} días, la luz de la antena está en rojo. Trabajo desde casa, necesito que lo revisen urgente.',
  },
  {
    type: 'falla',
    subtype: 'sin_servicio',
    priority: 'urgente',
    text: 'Todo el sector de {colonia} estamos sin internet desde la tormenta de ayer, los vecinos tampoco tienen.',
  },
  {
    type: 'falla',
    subtype: 'intermitencia',
    text: 'El internet se corta a cada rato, sobre todo en las tardes. Se va y regresa como cada 10 minutos.',
  },
  {
    type: 'falla',
    subtype: 'intermitencia',
    text: 'Se desconecta la señal cuando hace viento, creo que la antena quedó floja. Colonia {colonia}.',
  },
  {
    type: 'falla',
    subtype: 'lentitud',
    text: 'Tengo contratados 20 megas y las pruebas de velocidad marcan 3. Está muy lento desde la semana pasada.',
  },
  {
    type: 'falla',
    subtype: 'lentitud',
    text: 'El internet está lentísimo en las noches, no cargan ni los videos. ¿Hay alguna falla en {colonia}?',
  },
  { type: 'falla', text: 'El módem que me instalaron no enciende, ya probé en otro contacto y sigue igual.' },
  {
    type: 'aclaracion',
    subtype: 'cargo_indebido',
    text: 'Me cobraron dos veces la mensualidad de {mes}. Tengo los dos cargos en mi estado de cuenta.',
  },
  {
    type: 'aclaracion',
    subtype: 'cargo_indebido',
    text: 'Me llegó un cargo de reconexión de {monto} pero nunca me suspendieron el servicio.',
  },
  {
    type: 'aclaracion',
    subtype: 'pago_no_aplicado',
    text: 'Pagué en OXXO el día 3 y en el portal me sigue apareciendo el adeudo de {mes}. Tengo el ticket.',
  },
  {
    type: 'aclaracion',
    subtype: 'pago_no_aplicado',
    text: 'Hice transferencia por {monto} y no se ha reflejado, ya me llegó aviso de suspensión.',
  },
  {
    type: 'aclaracion',
    text: 'No reconozco el cargo de "equipo adicional" en la factura de {mes}, yo solo tengo una antena.',
  },
  {
    type: 'queja',
    priority: 'alta',
    text: 'Es la tercera vez que reporto la falla y nadie viene. Quedaron de mandar técnico y no llegó.',
  },
  {
    type: 'queja',
    text: 'El técnico que vino dejó el cable tirado por la azotea y se fue sin terminar la instalación.',
  },
  {
    type: 'queja',
    text: 'Llevo media hora esperando en la línea y me cuelgan. Quiero que alguien me dé solución.',
  },
  {
    type: 'queja',
    text: 'Me prometieron una bonificación por los días sin servicio y no me la aplicaron en el corte de {mes}.',
  },
  {
    type: 'consulta',
    text: '¿Qué paquetes de internet tienen disponibles en {colonia}? Quiero saber si llega la señal.',
  },
  {
    type: 'consulta',
    text: '¿Cuál es mi fecha de corte y cuánto debo pagar este mes? Quiero estar al corriente.',
  },
  {
    type: 'consulta',
    text: '¿Puedo cambiar la antena de lugar yo mismo o tiene que venir un técnico? Me voy a cambiar de cuarto.',
  },
  {
    type: 'duda',
    text: '¿Dónde puedo pagar mi mensualidad además de OXXO? ¿Aceptan pago con tarjeta en el portal?',
  },
  { type: 'duda', text: 'Tengo duda con la factura, ¿por qué este mes el cargo es diferente al anterior?' },
  { type: 'duda', text: '¿La señal de internet se afecta con la lluvia? Cuando llueve se pone lento.' },
  { type: 'saldo', text: 'Quiero saber mi saldo pendiente, creo que debo dos meses.' },
  {
    type: 'saldo',
    text: 'Me pueden decir cuánto debo para ponerme al corriente antes de la fecha límite de pago.',
  },
  {
    type: 'contratacion',
    text: 'Quiero contratar internet para mi casa en {colonia}. ¿Cuánto cuesta la instalación?',
  },
  {
    type: 'contratacion',
    text: 'Me interesa el paquete de 30 megas para mi negocio, ¿tienen cobertura en {colonia}?',
  },
  {
    type: 'contratacion',
    text: 'Quiero cambiarme a un paquete de mayor velocidad, el que tengo ya no me alcanza.',
  },
  { type: 'cancelacion', text: 'Quiero dar de baja el servicio porque me cambio de ciudad a fin de mes.' },
  {
    type: 'cancelacion',
    text: 'Solicito la cancelación del servicio, ya contraté con otra compañía. ¿Cómo devuelvo la antena?',
  },
  {
    type: 'cancelacion',
    subtype: 'servicio_adicional',
    text: 'Quiero cancelar la IP fija que contraté aparte, ya no la necesito.',
  },
  {
    type: 'suspension',
    subtype: 'robo_extravio',
    priority: 'alta',
    text: 'Se robaron la antena de la azotea anoche. Quiero suspender el servicio mientras levanto la denuncia.',
  },
  {
    type: 'suspension',
    text: 'Voy a estar fuera {dias} semanas, ¿puedo suspender temporalmente el servicio para no pagar?',
  },
  {
    type: 'sugerencia',
    priority: 'baja',
    text: 'Sería bueno que avisaran por WhatsApp cuando hay mantenimiento en la zona.',
  },
  {
    type: 'sugerencia',
    priority: 'baja',
    text: 'Deberían poder pagar desde la app del banco con referencia, sería más fácil.',
  },
  {
    type: 'arco',
    text: 'Solicito acceso a mis datos personales que tienen registrados, conforme al aviso de privacidad.',
  },
  {
    type: 'arco',
    text: 'Pido la rectificación de mi domicilio y correo en mis datos, el que tienen está mal.',
  },
];

export const SPAM = [
  '¡¡Gana $5,000 diarios desde tu casa!! Escríbeme para más información',
  'Hola, vendo seguidores para tu página de Facebook, paquetes desde $99',
  'Felicidades, fuiste seleccionado para un premio. Da clic en el enlace para reclamarlo',
];

/** A customer writing again about the same thing before anyone answered. */
export const DUPLICATE_PREFIXES = [
  'Vuelvo a escribir porque no me han contestado. ',
  'Ya lo había reportado hace rato, sigo igual: ',
  'Perdón, lo mando otra vez por si no llegó: ',
];

type Tone = { tu: string; usted: string };

export const FIRST_REPLIES: Tone[] = [
  {
    tu: 'Hola, gracias por escribirnos. Ya estamos revisando tu caso y te aviso en cuanto tenga novedades.',
    usted:
      'Buen día. Recibimos su solicitud y ya la estamos revisando; le informaremos en cuanto tengamos novedades.',
  },
  {
    tu: 'Hola, soy tu asesor de Monet Móvil. Ya tengo tu reporte y lo estoy atendiendo.',
    usted: 'Estimado cliente: su reporte fue asignado a un ejecutivo de atención y está en proceso.',
  },
];

export const ASK_CUSTOMER: Record<string, Tone> = {
  falla: {
    tu: '¿Me ayudas con una foto de las luces del módem y de la antena? Así descartamos si es la alineación.',
    usted:
      '¿Podría enviarnos una foto de los indicadores del módem y de la antena para completar el diagnóstico?',
  },
  aclaracion: {
    tu: '¿Me compartes una foto del comprobante de pago o del estado de cuenta donde aparece el cargo?',
    usted:
      'Para continuar con la aclaración, le pedimos nos envíe el comprobante de pago o su estado de cuenta.',
  },
  default: {
    tu: '¿Me confirmas tu número de cliente y el domicilio del servicio, por favor?',
    usted: 'Le solicitamos confirmar su número de cliente y el domicilio donde tiene el servicio.',
  },
};

export const CUSTOMER_ANSWERS = [
  'Ya les mandé la foto, la luz de señal está en naranja.',
  'Mi número de cliente viene en el recibo, ahí se los adjunto.',
  'Listo, ya envié el comprobante.',
  'Sí, es el mismo domicilio de siempre.',
];

export const REOPENINGS = [
  'Volvió a fallar el internet, otra vez sin servicio desde la mañana.',
  'No se ha resuelto, me sigue apareciendo el cargo.',
];

export const INTERNAL_NOTES: Record<string, string[]> = {
  falla: [
    'Revisado desde el NOC: la antena del cliente marca -82 dBm, se programa visita técnica para realinear.',
    'Hay una falla masiva en el nodo del sector, ya está reportada con la cuadrilla.',
    'Se generó orden de servicio para visita técnica mañana de 9 a 14 h.',
  ],
  aclaracion: [
    'Pago localizado en la conciliación bancaria del día siguiente; se aplica manualmente.',
    'Se confirma doble cargo por error en el proceso de domiciliación; procede bonificación.',
  ],
  queja: [
    'Cliente molesto, ya es su tercer reporte. Dar seguimiento prioritario.',
    'Se revisó la grabación de la llamada; el asesor no levantó el reporte anterior.',
  ],
  default: [
    'Se verificó la identidad del titular con su número de cliente.',
    'Se consultó con el supervisor del área.',
  ],
};

export const RESOLUTIONS: Record<string, Tone> = {
  atribuible_proveedor: {
    tu: 'Listo, encontramos la falla de nuestro lado y ya quedó corregida. Te aplicamos la bonificación correspondiente en tu siguiente corte.',
    usted:
      'Le informamos que la incidencia fue atribuible a nuestra red y ya fue corregida; la bonificación se reflejará en su próximo corte.',
  },
  fuerza_mayor: {
    tu: 'La falla fue por la tormenta que dañó el equipo del nodo. Ya se restableció el servicio en tu zona.',
    usted:
      'La interrupción se debió a daños por condiciones climáticas en el nodo; el servicio ya fue restablecido.',
  },
  atribuible_cliente: {
    tu: 'El técnico encontró el cable del módem desconectado; ya quedó funcionando. Cualquier cosa aquí estamos.',
    usted:
      'En la visita técnica se encontró el equipo desconectado en el domicilio; el servicio quedó funcionando.',
  },
  sin_falla: {
    tu: 'Hicimos pruebas y tu servicio está funcionando a la velocidad contratada. Si vuelve a pasar, escríbenos.',
    usted:
      'Las pruebas realizadas muestran el servicio operando a la velocidad contratada; quedamos atentos a cualquier novedad.',
  },
  informacion_proporcionada: {
    tu: 'Te comparto la información que pediste. ¿Hay algo más en lo que te pueda ayudar?',
    usted: 'Le compartimos la información solicitada. Quedamos a sus órdenes para cualquier otra duda.',
  },
};

export const CLOSING_NOTES = [
  'El cliente confirma que ya quedó resuelto.',
  'El cliente agradece la atención y confirma el cierre.',
];

/** Where a case of a type is often turned over to, and why, as agents word it. */
export const TRANSFERS: Partial<Record<RequestType, { area: string; reason: string }>> = {
  falla: {
    area: 'facturacion_cobranza',
    reason: 'El servicio está suspendido por adeudo, no es falla técnica.',
  },
  queja: {
    area: 'soporte_tecnico',
    reason: 'La queja es por intermitencia recurrente; requiere diagnóstico técnico.',
  },
  aclaracion: {
    area: 'cancelaciones',
    reason: 'Tras la aclaración el cliente pide dar de baja el servicio.',
  },
  consulta: {
    area: 'ventas_contrataciones',
    reason: 'El cliente quiere cambiar a un paquete de mayor velocidad.',
  },
  cancelacion: {
    area: 'atencion_quejas',
    reason: 'El cliente está inconforme con la retención; pide levantar queja.',
  },
};

export const GENERIC_TRANSFER_REASON = 'Corresponde a otra área; se turna para su atención.';

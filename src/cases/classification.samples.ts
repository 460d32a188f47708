import type { RequestType } from './request-types.ts';

/**
 * The tuning list: messages as customers of a wireless ISP write them on WhatsApp, Messenger and e-mail
 * (typos, no accents, slang, greetings, emojis), with the type a desk supervisor would give each. The
 * shipped rules were written against this list; `classification.check-samples.ts` is the list they were not.
 */
export const TUNING_SAMPLES: ReadonlyArray<readonly [string, RequestType]> = [
  // falla
  ['Buenas tardes, no tengo internet desde ayer', 'falla'],
  ['sin internet otra vez 😡😡', 'falla'],
  ['no hay señal en mi casa desde las 3', 'falla'],
  ['oiga el internet esta muy lento, no puedo ni abrir facebook', 'falla'],
  ['se cae el internet a cada rato', 'falla'],
  ['Hola buen dia, se me fue el internet, ya desconecte y conecte el modem y nada', 'falla'],
  ['no funciona el internet desde la lluvia de anoche', 'falla'],
  ['esta fallando el servicio, se desconecta a cada ratito', 'falla'],
  ['buenas noches, la señal esta intermitente', 'falla'],
  ['ando sin servicio desde el lunes, ya me urge porque trabajo desde casa', 'falla'],
  ['no agarra el wifi, el foquito del router esta en rojo', 'falla'],
  ['el internet va lentisimo 🐢', 'falla'],
  ['no hay internet en toda la colonia?', 'falla'],
  ['no me llega la señal, creo que se movio la antena con el viento', 'falla'],
  ['q onda, no jala el inter desde la mañana', 'falla'],
  ['Estimados, les escribo porque no cuento con servicio de internet desde el día 3.', 'falla'],
  ['muy lento el internet, pague 20 megas y no llega ni a 2', 'falla'],
  ['tengo internet pero se corta cada 5 minutos', 'falla'],
  // aclaracion
  ['me cobraron de mas este mes', 'aclaracion'],
  ['hola, tengo un cobro que no reconozco en mi recibo', 'aclaracion'],
  ['Buenas tardes, en mi factura viene un cargo de reconexión que no procede', 'aclaracion'],
  ['ya pague y me sigue saliendo adeudo', 'aclaracion'],
  ['hice un deposito el viernes y no me lo han aplicado', 'aclaracion'],
  ['por que me llego mas caro el recibo?? siempre pago 350', 'aclaracion'],
  ['me estan cobrando un servicio que nunca pedi', 'aclaracion'],
  ['Solicito aclaración de un cargo duplicado en mi tarjeta', 'aclaracion'],
  // saldo
  ['cuanto debo?', 'saldo'],
  ['buenas, me puede decir mi saldo por favor', 'saldo'],
  ['Cuánto tengo que pagar este mes', 'saldo'],
  ['quisiera saber si tengo algun adeudo pendiente', 'saldo'],
  ['me dice cuando es mi fecha de pago y cuanto es', 'saldo'],
  // cancelacion
  ['quiero cancelar mi servicio', 'cancelacion'],
  ['Buenas tardes, me quiero dar de baja', 'cancelacion'],
  ['como le hago para cancelar el contrato? me voy a cambiar de compañia', 'cancelacion'],
  ['ya no quiero el servicio, me lo dan de baja porfa', 'cancelacion'],
  ['Quiero cancelar el servicio adicional de telefonia', 'cancelacion'],
  // suspension
  ['me robaron el modem', 'suspension'],
  ['se robaron la antena de mi casa anoche', 'suspension'],
  ['quiero suspender el servicio un mes porque salgo de viaje', 'suspension'],
  ['extravie el equipo que me dieron, que hago?', 'suspension'],
  ['buenas, reporto robo del router', 'suspension'],
  // queja
  ['quiero poner una queja, el tecnico nunca llego', 'queja'],
  ['pesimo servicio al cliente, me colgaron 3 veces', 'queja'],
  ['voy a ir a profeco', 'queja'],
  ['El asesor que me atendió fue muy grosero, quiero levantar una queja', 'queja'],
  ['ya me tienen harto, nadie me da solucion', 'queja'],
  // contratacion
  ['buenas tardes quiero contratar internet', 'contratacion'],
  ['que paquetes tienen? me interesa para mi casa', 'contratacion'],
  ['cuanto cuesta la instalacion?', 'contratacion'],
  ['hay cobertura en la colonia Topo Chico?', 'contratacion'],
  ['me voy a cambiar de casa, quiero hacer cambio de domicilio del servicio', 'contratacion'],
  ['quiero subir mi plan a 30 megas', 'contratacion'],
  // arco
  ['Quiero ejercer mis derechos ARCO', 'arco'],
  ['quiero que borren mis datos personales de su sistema', 'arco'],
  // sugerencia
  ['les dejo una sugerencia: deberian tener pago en linea', 'sugerencia'],
  ['Sería bueno que abrieran la oficina los domingos', 'sugerencia'],
  // consulta / duda
  ['hola buenas tardes', 'consulta'],
  ['a que hora abren?', 'consulta'],
  ['donde quedan sus oficinas en monterrey?', 'consulta'],
  ['tengo una duda sobre mi contrato', 'duda'],
  ['me pueden mandar mi factura del mes pasado?', 'consulta'],
  ['que formas de pago aceptan?', 'consulta'],
  ['ok gracias 🙏', 'consulta'],
  ['a que numero deposito?', 'consulta'],
];

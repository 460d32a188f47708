import type { RequestType } from './request-types.ts';

/**
 * The check list: 40 messages written before the classification rules existed, with the type a desk
 * supervisor would give each. The rules are never tuned on these — its accuracy is the honest estimate
 * of how the shipped rules do on messages they were not written for.
 */
export const CHECK_SAMPLES: ReadonlyArray<readonly [string, RequestType]> = [
  ['buenas tardes, desde ayer en la noche no tengo internet, ya reinicie el modem y nada', 'falla'],
  ['Hola oigan el internet anda bien lento no cargan ni los videos 😩', 'falla'],
  ['se me esta cayendo a cada rato la señal, me pueden checar?', 'falla'],
  ['buen dia, quisiera saber cuanto debo para pagar hoy', 'saldo'],
  ['me llego un cargo de 350 que no reconozco, yo ya habia pagado', 'aclaracion'],
  ['quiero dar de baja mi servicio porfa', 'cancelacion'],
  ['Hola, cuanto cuesta el paquete de 20 megas? me interesa contratar', 'contratacion'],
  ['me robaron la antena del techo 😡 que hago', 'suspension'],
  ['que horario tienen en la oficina de saltillo?', 'consulta'],
  ['pesimo servicio, ya es la tercera vez que les reporto y nadie viene, quiero levantar una queja', 'queja'],
  ['oigan hice mi pago en oxxo el lunes y no me aparece, me van a cortar?', 'aclaracion'],
  ['voy a cambiarme de casa, pueden pasar el servicio a mi nuevo domicilio?', 'contratacion'],
  ['No hay señal desde la mañana en la colonia valle verde', 'falla'],
  ['Buenas noches, me pueden mandar mi factura de octubre?', 'consulta'],
  ['quiero suspender temporalmente el servicio porque me voy 2 meses a estados unidos', 'suspension'],
  ['ya les pague y sigo sin servicio!!!', 'falla'],
  ['el modem tiene una luz roja parpadeando, es normal?', 'falla'],
  ['Hola! Tienen cobertura en la colonia Los Pinos de Ramos Arizpe?', 'contratacion'],
  ['me cobraron doble este mes', 'aclaracion'],
  ['cuál es mi saldo?', 'saldo'],
  ['Quisiera cancelar el servicio adicional de tv', 'cancelacion'],
  ['se va y viene el internet todo el dia, asi no puedo trabajar', 'falla'],
  ['gracias ya quedo 👍', 'consulta'],
  ['Les sugiero que pongan pago con tarjeta en la app', 'sugerencia'],
  ['Quiero saber qué datos personales tienen míos y que los borren', 'arco'],
  ['buenas, a que hora viene el tecnico? tengo el folio MON-2026-000123', 'consulta'],
  ['no me carga nada, ni whatsapp ni youtube', 'falla'],
  ['me quieren cobrar la reconexion y yo nunca fui dado de baja', 'aclaracion'],
  ['Ando sin internet desde el sábado y nadie me contesta en el telefono, esto es una burla', 'falla'],
  ['Buenas tardes, quiero contratar internet para mi negocio', 'contratacion'],
  ['cuanto tengo que pagar este mes y cuando es mi fecha de corte?', 'saldo'],
  ['me pueden dar de baja, ya no lo voy a ocupar', 'cancelacion'],
  ['la velocidad no es la que contrate, pague 50 megas y me llegan 5', 'falla'],
  ['voy a poner queja en profeco si no me resuelven lo del cobro', 'queja'],
  ['perdí el modem en la mudanza', 'suspension'],
  ['hola', 'consulta'],
  ['a donde puedo ir a pagar?', 'consulta'],
  ['el internet esta super lento en las noches', 'falla'],
  ['tengo un cargo de penalizacion que nadie me explico', 'aclaracion'],
  ['quisiera cambiar mi paquete a uno mas rapido', 'contratacion'],
];

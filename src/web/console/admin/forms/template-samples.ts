import type { TemplateParameter } from '../../../../channels/templates.ts';

/**
 * What each placeholder reads like in a message, for previews: realistic values, so an admin sees
 * spacing and punctuation as the customer will (`nombre`, `detalle` and `bonificacion` carry their
 * own leading space, as their senders give them).
 */
export function sampleValues(provider: {
  name: string;
  folioPrefix: string;
}): Record<TemplateParameter, string> {
  return {
    folio: `${provider.folioPrefix}-2026-000042-6`,
    nombre: ' Rosa',
    plazo: '12 de diciembre de 2026, 18:00 h',
    tipo: 'falla',
    proveedor: provider.name,
    codigo: '482913',
    estado: 'en proceso',
    monto: '$350.00 MXN',
    fecha: '10 de diciembre de 2026',
    zona: 'Col. Centro',
    eta: '10 de diciembre de 2026, 14:00 h',
    detalle: ' Cambiamos el equipo dañado de la torre.',
    referencia: 'SPEI 0099',
    bonificacion: ' Te bonificamos $120.00 MXN por los días sin servicio.',
    fecha_efectiva: '31 de diciembre de 2026',
    orden: 'OS-1042',
    ventana: '11 de diciembre de 2026, de 9:00 a 13:00 h',
    incidente: 'en reparación',
    estado_url: 'https://atiende.example/estado',
    encuesta_url: 'https://atiende.example/encuesta/7Q2M',
    mensaje: 'Texto que escribió el administrador.',
  };
}

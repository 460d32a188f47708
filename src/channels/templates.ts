import type { ProviderSettings } from '../settings/settings.service.ts';

/**
 * The values a template may name, as `{folio}` in a text or as a parameter of an approved WhatsApp
 * template: what Atiende knows of every case (folio, the customer's first name, the resolution deadline,
 * the request type, the provider), a verification code, and what a notice's sender adds (the case's new
 * status, an amount, a date, the zone of an outage and when service returns, a payment's reference, a
 * resolution's sentence on the credit it posted — empty when none, so one text serves both — and a
 * cancellation's effective date, and a field visit's order number and appointment window).
 */
export const TEMPLATE_PARAMETERS = [
  'folio',
  'nombre',
  'plazo',
  'tipo',
  'proveedor',
  'codigo',
  'estado',
  'monto',
  'fecha',
  'zona',
  'eta',
  /** What an outage's update says, with a leading space (empty when the update only changed its status). */
  'detalle',
  'referencia',
  'bonificacion',
  'fecha_efectiva',
  'orden',
  'ventana',
  /** The status of the outage a report was linked to, in words ("en reparación"). */
  'incidente',
  /** The public status page's address, for following an outage. */
  'estado_url',
  /** The satisfaction survey's page, for its link outside a chat window. */
  'encuesta_url',
  /** What an admin wrote to the customers (a breach of their data, a promotion), in their language. */
  'mensaje',
] as const;
export type TemplateParameter = (typeof TEMPLATE_PARAMETERS)[number];
export type TemplateValues = Partial<Record<TemplateParameter, string>>;

const PLACEHOLDER = /\{(\w+)\}/g;

/** The `{placeholder}` names a text uses, each once, in order. */
export const placeholdersOf = (text: string): string[] => [
  ...new Set(Array.from(text.matchAll(PLACEHOLDER), (m) => m[1] as string)),
];

/** Month names as dates are written for customers (es-MX). */
export const MONTHS_ES = [
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'octubre',
  'noviembre',
  'diciembre',
];

// Building a formatter costs far more than using one; every acknowledgement formats a deadline.
const formats = new Map<string, Intl.DateTimeFormat>();

/** A date as customers read it: "25 de noviembre de 2026, 10:02 h", in the provider's time zone. */
export function formatDateEs(instant: Date, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${Number(parts.day)} de ${MONTHS_ES[Number(parts.month) - 1]} de ${parts.year}, ${parts.hour}:${parts.minute} h`;
}

/**
 * Texts of notices added after providers wrote their profiles, used until the provider writes its own:
 * a customer whose payment was registered hears of it even on settings stored by an older version.
 */
export const DEFAULT_NOTICE_TEXTS: Readonly<Record<string, string>> = {
  codigo_cuenta:
    'Su código de verificación de {proveedor} es {codigo}. Vence en 10 minutos. Si usted no lo pidió, ignore este correo y no lo comparta.',
  pago_registrado: 'Registramos tu pago de {monto} del {fecha} en tu folio {folio}. ¡Gracias!',
  reconexion_en_curso:
    'Recibimos tu pago de {monto} y tu servicio quedará reconectado a más tardar el {fecha} (folio {folio}).',
  aviso_suspension:
    'Tu servicio tiene un saldo vencido de {monto}. Si no se cubre, podrá suspenderse a partir del {fecha}. Si ya pagaste, responde con tu comprobante (folio {folio}).',
  recordatorio_promesa:
    'Te recordamos tu promesa de pago de {monto} para el {fecha} (folio {folio}). Si ya pagaste, responde con tu comprobante.',
  cancelacion_registrada:
    'Registramos tu cancelación con el folio {folio}. Fecha efectiva: {fecha_efectiva}; después de esa fecha no se te cobrará nada.',
  compensacion_aprobada:
    'Sobre tu folio {folio}: se aprobó a tu favor un monto de {monto}, que verás en tu estado de cuenta a partir del {fecha}.',
  acuse_incidente:
    '¡Hola{nombre}! Recibimos tu reporte con el folio {folio}. Ya sabemos de la falla que afecta {zona} y la estamos atendiendo (estado: {incidente}). Restablecimiento estimado: {eta}. Sigue el avance en {estado_url}. Tu reporte quedará atendido a más tardar el {plazo}.',
  orden_agendada:
    'Tu visita técnica (orden {orden}, folio {folio}) quedó agendada para el {ventana}. Responde "confirmo" para confirmarla o dinos qué horario te acomoda mejor.',
  orden_confirmada:
    'Gracias, tu visita técnica (orden {orden}, folio {folio}) quedó confirmada para el {ventana}.',
  aviso_incidente:
    'Hola{nombre}, te compartimos noticias de la falla en {zona}: {estado}.{detalle} Hora estimada de restablecimiento: {eta}. Sigue el avance en {estado_url}. Tu folio es {folio}; no necesitas reportarla de nuevo.',
  aviso_vulneracion: '{mensaje}\n\nFolio: {folio}',
  mensaje_promocional: '{mensaje}',
  incidente_restablecido:
    'Hola{nombre}, el servicio en tu zona quedó restablecido el {fecha} y dimos por resuelto tu reporte (folio {folio}).{bonificacion} Si aún tienes problemas, responde a este mensaje y lo revisamos.',
};

/**
 * The text of a message template, most specific first: for this channel and request type, this channel,
 * this request type, then the general one. Templates live in the provider's settings; a notice they lack
 * falls back to its default text.
 */
export function templateText(
  settings: ProviderSettings,
  key: string,
  channel: string,
  requestType?: string,
): string | undefined {
  const keys = [
    ...(requestType ? [`${key}_${channel}_${requestType}`] : []),
    `${key}_${channel}`,
    ...(requestType ? [`${key}_${requestType}`] : []),
    key,
  ];
  for (const k of keys) {
    const text = settings.templates[k]?.['es-MX'];
    if (text) return text;
  }
  return DEFAULT_NOTICE_TEXTS[key];
}

/**
 * An approved WhatsApp template filled for a case: the parameters Meta substitutes, in order, and the
 * text the customer will read (its preview with `{{n}}` replaced), which is what the case shows.
 */
export function fillWhatsappTemplate(
  template: ProviderSettings['whatsappTemplates'][number],
  values: Readonly<Record<string, string | undefined>>,
): { template: { name: string; language: string; parameters: string[] }; body: string } {
  const parameters = template.parameters.map((p) => (values[p] ?? '').trim());
  return {
    template: { name: template.name, language: template.language, parameters },
    body: template.preview.replace(/\{\{(\d+)\}\}/g, (_m, n: string) => parameters[Number(n) - 1] ?? ''),
  };
}

/** Fills `{placeholder}`s; an unknown placeholder is left visible rather than silently dropped. */
export function renderTemplate(text: string, values: Readonly<Record<string, string | undefined>>): string {
  return text.replace(PLACEHOLDER, (match, name: string) => values[name] ?? match);
}

/** Text made safe to place inside HTML (e-mail bodies, printable receipts). */
export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

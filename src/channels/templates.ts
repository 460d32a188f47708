import type { ProviderSettings } from '../settings/settings.service.ts';

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
 * The text of a message template, most specific first: for this channel and request type, this channel,
 * this request type, then the general one. Templates live in the provider's settings.
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
  return undefined;
}

/**
 * An approved WhatsApp template filled for a case: the parameters Meta substitutes, in order, and the
 * text the customer will read (its preview with `{{n}}` replaced), which is what the case shows.
 */
export function fillWhatsappTemplate(
  template: ProviderSettings['whatsappTemplates'][number],
  values: Record<string, string>,
): { template: { name: string; language: string; parameters: string[] }; body: string } {
  const parameters = template.parameters.map((p) => (values[p] ?? '').trim());
  return {
    template: { name: template.name, language: template.language, parameters },
    body: template.preview.replace(/\{\{(\d+)\}\}/g, (_m, n: string) => parameters[Number(n) - 1] ?? ''),
  };
}

/** Fills `{placeholder}`s; an unknown placeholder is left visible rather than silently dropped. */
export function renderTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match);
}

/** Text made safe to place inside HTML (e-mail bodies, printable receipts). */
export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

import PDFDocument from 'pdfkit';
import { formatMxn } from '../accounts/money.ts';
import { formatDateEs } from '../channels/templates.ts';
import type { Evidence, EvidenceItem, EvidenceItemKind } from './evidence.service.ts';
import { named, t } from './spanish.ts';

const SECTIONS: Record<EvidenceItemKind, string> = {
  cliente: 'Identificación del cliente',
  caso: 'Datos de la solicitud',
  incidente: 'Incidente vinculado',
  evento: 'Historial del caso',
  mensaje: 'Mensajes con el cliente',
  adjunto: 'Archivos adjuntos',
  plazo: 'Plazos y su cumplimiento',
  compensacion: 'Bonificaciones y reembolsos',
};

const NO_INTERNAL_NOTES =
  'Este expediente no incluye las notas internas entre el personal del proveedor ni los registros de que se escribieron; incluye todos los mensajes enviados al cliente y recibidos de él.';
const HOW_TO_CHECK =
  'Cada elemento lleva la huella SHA-256 de su JSON canónico (claves ordenadas, sin espacios: RFC 8785) sobre sus campos kind, id, at y data, tal como aparecen en el archivo JSON de este expediente. La huella del manifiesto es la SHA-256 de las huellas de los elementos, en orden, cada una seguida de un salto de línea.';

const str = (value: unknown) => (typeof value === 'string' ? value : null);
const num = (value: unknown) => (typeof value === 'number' ? value : null);

/** A length of time in days, hours and minutes, as the pack states paused and late time. */
function durationEs(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const parts = [days ? `${days} d` : '', hours ? `${hours} h` : '', `${minutes % 60} min`];
  return parts.filter(Boolean).join(' ');
}

const targetEs = (target: unknown) => {
  const value = target as { amount?: number; unit?: string; clock?: string } | null;
  if (!value?.amount || !value.unit) return null;
  const unit = { minutes: 'minutos', hours: 'horas', days: 'días' }[value.unit] ?? value.unit;
  return `${value.amount} ${unit} ${value.clock === 'business' ? 'hábiles' : 'naturales'}`;
};

/**
 * The pack for PROFECO as a PDF in Spanish: the same items as the JSON, section by section, each with its
 * hash, and the manifest hash on the first page so the two files can be matched. Helvetica covers
 * Spanish accents and ñ; Courier keeps the hashes legible.
 */
export function evidencePdf(data: Evidence, provider: { timeZone: string }): Promise<Buffer> {
  const when = (at: unknown) => (typeof at === 'string' ? formatDateEs(new Date(at), provider.timeZone) : '');
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'LETTER',
      margin: 56,
      bufferPages: true,
      info: { Title: `Expediente del folio ${data.folio}`, Author: data.provider.legalName },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    const heading = (text: string) =>
      doc.moveDown().font('Helvetica-Bold').fontSize(14).text(text).moveDown(0.3);
    const line = (text: string) => doc.font('Helvetica').fontSize(10).text(text);
    const field = (name: string, value: string | number | null | undefined) => {
      if (value === null || value === undefined || value === '') return;
      doc.font('Helvetica-Bold').fontSize(10).text(`${name}: `, { continued: true });
      doc.font('Helvetica').text(String(value));
    };
    const hash = (sha256: string) => doc.font('Courier').fontSize(8).text(`SHA-256 ${sha256}`).moveDown(0.4);

    doc.font('Helvetica-Bold').fontSize(20).text('Expediente para conciliación');
    doc.moveDown(0.3);
    doc.font('Helvetica-Bold').fontSize(14).text(`Folio ${data.folio}`);
    doc.moveDown(0.5);
    field('Proveedor', `${data.provider.name} (${data.provider.legalName})`);
    field('Generado', when(data.generatedAt));
    field('Elementos', data.items.length);
    doc.moveDown(0.3);
    doc.font('Helvetica-Bold').fontSize(10).text('Huella del manifiesto (SHA-256):');
    doc.font('Courier').fontSize(9).text(data.manifestSha256);
    doc.moveDown(0.5);
    line(HOW_TO_CHECK);
    doc.moveDown(0.3);
    line(NO_INTERNAL_NOTES);

    const show: Record<EvidenceItemKind, (item: EvidenceItem) => void> = {
      cliente: ({ data: d }) => {
        field('Nombre', str(d.name));
        field('Número de cuenta', str(d.accountNumber));
      },
      caso: ({ data: d }) => {
        field('Folio', str(d.folio));
        field('Tipo', named('common:requestType', str(d.requestType)));
        field('Subtipo', str(d.subtype));
        field('Canal', named('common:channel', str(d.channel)));
        field('Estado', named('common:status', str(d.status)));
        field('Área', str(d.area));
        field('Asunto', str(d.subject));
        field('Recibida', when(d.createdAt));
        field('Inicio de la falla', when(d.failureStartedAt));
        field('Servicio restablecido', when(d.serviceRestoredAt));
        field('Resuelta', when(d.resolvedAt));
        field('Cerrada', when(d.closedAt));
      },
      incidente: ({ data: d }) => {
        field('Incidente', num(d.number));
        field('Estado', named('incidents.status', str(d.status)));
        field('Causa', named('incidents.causes', str(d.cause)));
        field('Aviso público', str(d.publicText));
        field('Inicio', when(d.startedAt));
        field('Restablecido', when(d.restoredAt));
      },
      evento: ({ at, data: d }) => {
        doc.font('Helvetica-Bold').fontSize(9).text(when(at));
        line(str(d.sentence) ?? '');
        if (str(d.note)) line(`Nota: ${str(d.note)}`);
        if (d.noteErased) line(t('timeline.noteErased'));
      },
      mensaje: ({ at, data: d }) => {
        const direction = d.direction === 'entrante' ? 'Del cliente' : 'Al cliente';
        doc
          .font('Helvetica-Bold')
          .fontSize(9)
          .text(
            `${direction} · ${str(d.author) ?? ''} · ${named('common:channel', str(d.channel))} · ${when(at)}`,
          );
        line(str(d.body) ?? '');
        const files = Array.isArray(d.attachments) ? d.attachments.length : 0;
        if (files > 0) line(`Archivos adjuntos: ${files}`);
      },
      adjunto: ({ data: d }) => {
        line(`${str(d.filename) ?? ''} · ${str(d.contentType) ?? ''} · ${num(d.size) ?? 0} bytes`);
        doc
          .font('Courier')
          .fontSize(8)
          .text(`Contenido SHA-256 ${str(d.sha256) ?? ''}`);
      },
      plazo: ({ data: d }) => {
        const kind = named('timeline.deadline', str(d.kind));
        doc.font('Helvetica-Bold').fontSize(10).text(`Plazo de ${kind}`);
        field('Meta', targetEs(d.target));
        field('Fuente de la política', str(d.source));
        field('Inicio', when(d.startedAt));
        field('Vence', when(d.dueAt));
        field('Atendido', when(d.metAt));
        field('Cancelado', when(d.cancelledAt));
        const paused = num(d.pausedMs) ?? 0;
        if (paused > 0 || d.pausedAt) field('Tiempo en pausa', durationEs(paused));
        if (d.pausedAt) field('En pausa desde', when(d.pausedAt));
        field('Estado', named('common:deadlineState', str(d.state)));
        const late = num(d.lateByMs);
        if (late) field('Retraso', durationEs(late));
      },
      compensacion: ({ data: d }) => {
        doc
          .font('Helvetica-Bold')
          .fontSize(10)
          .text(named('compensations.kindTitle', str(d.kind)));
        field('Estado', named('compensations.status', str(d.status)));
        field('Fórmula', str(d.explanation));
        const amount = (label: string, centavos: unknown) => {
          const value = num(centavos);
          if (value !== null) field(label, formatMxn(value));
        };
        amount('Calculado', d.computedCentavos);
        if (num(d.refundCentavos)) amount('Reembolso', d.refundCentavos);
        if (num(d.bonusCentavos)) amount('Bonificación adicional', d.bonusCentavos);
        amount('Aplicado', d.appliedCentavos);
        field('Fecha de aplicación', str(d.effectiveDate));
        field('Reembolsado', when(d.refundedAt));
      },
    };

    for (const [kind, title] of Object.entries(SECTIONS) as Array<[EvidenceItemKind, string]>) {
      const items = data.items.filter((i) => i.kind === kind);
      if (items.length === 0 && (kind === 'incidente' || kind === 'compensacion' || kind === 'adjunto'))
        continue;
      heading(title);
      if (items.length === 0) line('Ninguno.');
      for (const item of items) {
        show[kind](item);
        hash(item.sha256);
      }
    }

    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // The footer sits in the bottom margin; without lifting it, pdfkit would start a new page there.
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc
        .font('Helvetica')
        .fontSize(8)
        .text(
          `Folio ${data.folio} · manifiesto ${data.manifestSha256.slice(0, 16)}… · Página ${i - range.start + 1} de ${range.count}`,
          56,
          doc.page.height - 40,
          { width: doc.page.width - 112, align: 'center' },
        );
      doc.page.margins.bottom = bottom;
    }
    doc.end();
  });
}

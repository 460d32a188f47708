import { asc, eq } from 'drizzle-orm';
import PDFDocument from 'pdfkit';
import { formatPlainDateEs } from '../accounts/payment-rules.ts';
import type { RequestType } from '../cases/request-types.ts';
import { escapeHtml, formatDateEs } from '../channels/templates.ts';
import type { AppContext } from '../context.ts';
import { cancellations, cases, messages } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { deadlinesOf } from '../sla/deadlines.service.ts';
// The console's own words for request types, so the receipt and the agent name a request alike.
import common from '../web/shared/locales/es-MX.json' with { type: 'json' };

const CHANNEL_LABELS: Record<string, string> = {
  telefono: 'Teléfono',
  whatsapp: 'WhatsApp',
  email: 'Correo electrónico',
  portal: 'Portal de Internet',
  facebook: 'Facebook Messenger',
};

export interface Receipt {
  provider: string;
  legalName: string;
  folio: string;
  filedAt: string;
  requestType: string;
  channel: string;
  summary: string;
  deadline: string | null;
  /** A cancellation's effective date (its last day of service and of charges), and whether it was withdrawn. */
  cancellation?: { effectiveDate: string; withdrawn: boolean } | null;
  contacts: Array<{ name: string; display: string }>;
  regulators: { telecom: string; consumer: string };
}

/**
 * The written proof of a request the Carta de Derechos Mínimos gives every customer: folio, date and
 * time, type, channel, summary, deadline, and the provider's name and contact data.
 */
export async function receiptOf(
  deps: Pick<AppContext, 'db' | 'settings'>,
  caseId: string,
  now: Date,
): Promise<Receipt> {
  const tx = deps.db;
  const { settings } = await deps.settings.current(tx);
  const [kase] = await tx.select().from(cases).where(eq(cases.id, caseId));
  if (!kase) throw new AppError('case.not_found', { status: 404, detail: 'No such case' });
  const [first] = await tx
    .select({ body: messages.body })
    .from(messages)
    .where(eq(messages.caseId, caseId))
    .orderBy(asc(messages.createdAt))
    .limit(1);
  const due = (await deadlinesOf(deps, tx, [caseId], now)).get(caseId)?.resolucion?.dueAt;
  const [cancellation] = await tx
    .select({ effectiveDate: cancellations.effectiveDate, status: cancellations.status })
    .from(cancellations)
    .where(eq(cancellations.caseId, caseId));
  const zone = settings.provider.timeZone;
  const summary = (first?.body ?? kase.subject).replace(/\s+/g, ' ').trim();
  return {
    provider: settings.provider.name,
    legalName: settings.provider.legalName,
    folio: kase.folio,
    filedAt: formatDateEs(kase.createdAt, zone),
    requestType: common.requestType[kase.requestType as RequestType] ?? kase.requestType,
    channel: CHANNEL_LABELS[kase.channel] ?? kase.channel,
    summary: summary.length > 600 ? `${summary.slice(0, 597)}…` : summary,
    deadline: due ? formatDateEs(new Date(due), zone) : null,
    // A voided cancellation (the case was reclassified or discarded) was never the customer's: not shown.
    cancellation:
      cancellation && cancellation.status !== 'anulada'
        ? {
            effectiveDate: formatPlainDateEs(cancellation.effectiveDate),
            withdrawn: cancellation.status === 'retirada',
          }
        : null,
    contacts: settings.channels.map((c) => ({
      name: c.name,
      display: c.contactPoints.map((p) => p.display).join(', '),
    })),
    regulators: settings.provider.regulators,
  };
}

/**
 * "a la Procuraduría…", "al Instituto…": a regulator's name with the article Spanish needs after
 * "acudir a". Names of institutions are feminine when their head noun is (Comisión, Procuraduría,
 * Secretaría, Agencia, Autoridad…), which its ending tells; one already starting with an article is kept.
 */
export function toRegulator(name: string): string {
  const trimmed = name.trim();
  const first = trimmed.split(/\s+/)[0]?.toLowerCase() ?? '';
  if (['la', 'las', 'los'].includes(first)) return `a ${trimmed}`;
  if (first === 'el') return `al ${trimmed.slice(3)}`;
  const feminine = /(a|ión|dad|tad|tud|umbre)$/.test(first);
  return feminine ? `a la ${trimmed}` : `al ${trimmed}`;
}

/** What the customer can do when unhappy with the answer, with both regulators. */
const recourse = (r: Receipt) =>
  `Si no está conforme con la atención, puede acudir ${toRegulator(r.regulators.consumer)} o ${toRegulator(r.regulators.telecom)}.`;

const rows = (r: Receipt): Array<[string, string]> => [
  ['Folio', r.folio],
  ['Fecha y hora de la solicitud', r.filedAt],
  ['Tipo de solicitud', r.requestType],
  ['Medio de atención', r.channel],
  ['Resumen', r.summary],
  ['Plazo de atención', r.deadline ?? 'Su asesor se lo informará'],
  ...(r.cancellation
    ? [
        [
          'Fecha efectiva de la cancelación',
          r.cancellation.withdrawn
            ? `${r.cancellation.effectiveDate} (cancelación retirada por usted)`
            : `${r.cancellation.effectiveDate}; no se cobra nada después de esa fecha`,
        ] as [string, string],
      ]
    : []),
];

/** A printable HTML page of the receipt, self-contained (no scripts, inline styles). */
export function receiptHtml(r: Receipt): string {
  return `<!doctype html>
<html lang="es-MX">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acuse de recibo ${escapeHtml(r.folio)} — ${escapeHtml(r.provider)}</title>
<style>
  body { font-family: system-ui, sans-serif; color: #111; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; overflow-wrap: anywhere; }
  h1 { font-size: 1.4rem; margin-bottom: 0.2rem; }
  .folio { font-size: clamp(1.3rem, 7vw, 2rem); font-weight: 700; letter-spacing: 0.03em; margin: 1rem 0; white-space: nowrap; }
  dl { display: grid; grid-template-columns: 12rem minmax(0, 1fr); gap: 0.4rem 1rem; }
  dt { font-weight: 600; }
  dd { margin: 0; }
  ul { padding-left: 1.2rem; }
  footer { margin-top: 2rem; font-size: 0.9rem; color: #333; }
  /* On a phone each label goes above its value, so neither is squeezed into a narrow column. */
  @media (max-width: 32rem) {
    body { margin: 1rem auto; }
    dl { grid-template-columns: minmax(0, 1fr); gap: 0.1rem; }
    dd { margin-bottom: 0.6rem; }
  }
  @media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>Acuse de recibo</h1>
<p>${escapeHtml(r.provider)} (${escapeHtml(r.legalName)}) recibió su solicitud.</p>
<p class="folio">${escapeHtml(r.folio)}</p>
<dl>
${rows(r)
  .map(([k, v]) => `  <dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
  .join('\n')}
</dl>
<footer>
<p>Conserve este folio para dar seguimiento a su solicitud. Medios de atención:</p>
<ul>
${r.contacts.map((c) => `  <li>${escapeHtml(c.name)}: ${escapeHtml(c.display)}</li>`).join('\n')}
</ul>
<p>${escapeHtml(recourse(r))}</p>
</footer>
</body>
</html>
`;
}

/** The same receipt as a PDF (Helvetica covers Spanish accents and ñ). */
export function receiptPdf(r: Receipt): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'LETTER',
      margin: 56,
      info: { Title: `Acuse de recibo ${r.folio}`, Author: r.provider },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font('Helvetica-Bold').fontSize(18).text('Acuse de recibo');
    doc
      .font('Helvetica')
      .fontSize(11)
      .text(`${r.provider} (${r.legalName}) recibió su solicitud.`)
      .moveDown();
    doc.font('Helvetica-Bold').fontSize(24).text(r.folio).moveDown();
    for (const [label, value] of rows(r)) {
      doc.font('Helvetica-Bold').fontSize(11).text(label);
      doc.font('Helvetica').text(value).moveDown(0.5);
    }
    doc
      .moveDown()
      .font('Helvetica')
      .fontSize(10)
      .text('Conserve este folio para dar seguimiento a su solicitud. Medios de atención:');
    for (const c of r.contacts) doc.text(`• ${c.name}: ${c.display}`);
    doc.moveDown().text(recourse(r));
    doc.end();
  });
}

import PDFDocument from 'pdfkit';
import { formatDateEs } from '../channels/templates.ts';
// The console's own words for the domain's codes, so the export names them as agents and receipts do.
import consoleEn from '../web/console/locales/en.json' with { type: 'json' };
import consoleEs from '../web/console/locales/es-MX.json' with { type: 'json' };
import commonEn from '../web/shared/locales/en.json' with { type: 'json' };
import commonEs from '../web/shared/locales/es-MX.json' with { type: 'json' };
import type { AccessExport } from './access-export.ts';

const TEXTS = {
  es: {
    title: 'Sus datos personales',
    intro: (provider: string, at: string) =>
      `${provider} le entrega, por su solicitud de acceso (derechos ARCO), todo lo que guarda sobre usted al ${at}. La misma información va en el archivo JSON de esta entrega.`,
    page: (n: number, of: number) => `Página ${n} de ${of}`,
    none: 'Ninguno.',
    customer: 'Sus datos',
    name: 'Nombre',
    account: 'Número de cuenta',
    since: 'Registrado desde',
    merged: 'Registros unidos a este',
    contactPoints: 'Medios de contacto',
    services: 'Servicios',
    plan: 'Plan',
    zone: 'Zona',
    address: 'Domicilio de instalación',
    status: 'Estado',
    balance: 'Saldo',
    ledger: 'Movimientos',
    payments: 'Pagos registrados',
    promises: 'Promesas de pago',
    compensations: 'Bonificaciones y reembolsos',
    cancellations: 'Cancelaciones',
    suspensions: 'Suspensiones',
    cases: 'Solicitudes y sus mensajes',
    folio: 'Folio',
    fromYou: 'Usted',
    fromProvider: 'Proveedor',
    deadline: 'Plazo',
    met: 'atendido',
    attachments: 'Archivos adjuntos',
    consents: 'Consentimientos',
    surveys: 'Encuestas de satisfacción',
    granted: 'otorgado',
    refused: 'negado',
    representatives: 'Terceros autorizados por usted',
    actingFor: 'Autorizaciones en las que usted actúa por otra persona',
    scopeAll: 'todos los trámites',
    expires: 'vence',
    revoked: 'revocada',
    arco: 'Solicitudes de derechos ARCO',
    identityChecks: 'Verificaciones de identidad',
    conversations: 'Conversaciones de autoservicio',
    notices: 'Avisos recibidos',
    incident: 'Incidente',
  },
  en: {
    title: 'Your personal data',
    intro: (provider: string, at: string) =>
      `For your access request (ARCO rights), ${provider} gives you everything it holds about you as of ${at}. The same information is in this delivery's JSON file.`,
    page: (n: number, of: number) => `Page ${n} of ${of}`,
    none: 'None.',
    customer: 'Your details',
    name: 'Name',
    account: 'Account number',
    since: 'Registered since',
    merged: 'Records merged into this one',
    contactPoints: 'Contact points',
    services: 'Services',
    plan: 'Plan',
    zone: 'Zone',
    address: 'Installation address',
    status: 'Status',
    balance: 'Balance',
    ledger: 'Movements',
    payments: 'Payments registered',
    promises: 'Payment promises',
    compensations: 'Credits and refunds',
    cancellations: 'Cancellations',
    suspensions: 'Suspensions',
    cases: 'Requests and their messages',
    folio: 'Folio',
    fromYou: 'You',
    fromProvider: 'Provider',
    deadline: 'Deadline',
    met: 'met',
    attachments: 'Attachments',
    consents: 'Consents',
    surveys: 'Satisfaction surveys',
    granted: 'granted',
    refused: 'refused',
    representatives: 'Third parties you authorized',
    actingFor: 'Authorizations in which you act for someone else',
    scopeAll: 'every procedure',
    expires: 'expires',
    revoked: 'revoked',
    arco: 'ARCO rights requests',
    identityChecks: 'Identity checks',
    conversations: 'Self-service conversations',
    notices: 'Notices received',
    incident: 'Incident',
  },
} as const;

const formats = new Map<string, Intl.DateTimeFormat>();

function dateTimeIn(language: 'es' | 'en', timeZone: string) {
  if (language === 'es') return (at: string) => formatDateEs(new Date(at), timeZone);
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'long', timeStyle: 'short' });
    formats.set(timeZone, format);
  }
  const shown = format;
  return (at: string) => shown.format(new Date(at));
}

const label = (table: Record<string, string>, code: string) => table[code] ?? code;

/**
 * The access export as a readable PDF for the person: a heading per section, their messages in full,
 * page numbers; in English when the customer chose it. Helvetica covers Spanish accents and ñ.
 */
export function accessExportPdf(
  data: AccessExport,
  provider: { name: string; timeZone: string },
): Promise<Buffer> {
  const language = data.language === 'en' ? 'en' : 'es';
  const t = TEXTS[language];
  const common = language === 'en' ? commonEn : commonEs;
  const words = language === 'en' ? consoleEn : consoleEs;
  const when = dateTimeIn(language, provider.timeZone);
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'LETTER',
      margin: 56,
      bufferPages: true,
      info: { Title: t.title, Author: provider.name },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    const heading = (text: string) =>
      doc.moveDown().font('Helvetica-Bold').fontSize(14).text(text).moveDown(0.3);
    const subheading = (text: string) => doc.moveDown(0.5).font('Helvetica-Bold').fontSize(11).text(text);
    const line = (text: string) => doc.font('Helvetica').fontSize(10).text(text);
    const field = (name: string, value: string | number | null | undefined) => {
      if (value === null || value === undefined || value === '') return;
      doc.font('Helvetica-Bold').fontSize(10).text(`${name}: `, { continued: true });
      doc.font('Helvetica').text(String(value));
    };
    const list = <T>(items: readonly T[], show: (item: T) => string) => {
      if (items.length === 0) return line(t.none);
      for (const item of items) line(`• ${show(item)}`);
    };
    const folio = (value: string | null) => (value ? ` (${t.folio} ${value})` : '');

    doc.font('Helvetica-Bold').fontSize(20).text(t.title);
    doc.moveDown(0.5);
    line(t.intro(provider.name, when(data.generatedAt)));

    heading(t.customer);
    field(t.name, data.customer.name);
    field(t.account, data.customer.accountNumber);
    field(t.since, when(data.customer.createdAt));
    if (data.customer.mergedRecords.length > 0) {
      subheading(t.merged);
      list(data.customer.mergedRecords, (m) =>
        [m.name, m.accountNumber, when(m.createdAt)].filter(Boolean).join(' · '),
      );
    }

    heading(t.contactPoints);
    list(data.contactPoints, (p) => `${label(words.customer.kind, p.kind)}: ${p.address}`);

    heading(t.services);
    if (data.services.length === 0) line(t.none);
    for (const s of data.services) {
      subheading(s.plan ? s.plan.name : (s.externalRef ?? s.id));
      field(t.plan, s.plan?.name);
      field(t.zone, s.zone);
      field(t.address, s.installAddress);
      field(t.status, label(words.accounts.serviceStatus, s.status));
      field(t.balance, s.balance.formatted);
      subheading(t.ledger);
      list(
        s.ledger,
        (e) =>
          `${e.effectiveDate} · ${label(words.accounts.ledgerKind, e.kind)} · ${e.amount.formatted}${e.reference ? ` · ${e.reference}` : ''}${folio(e.caseFolio)}`,
      );
      if (s.payments.length > 0) {
        subheading(t.payments);
        list(
          s.payments,
          (p) =>
            `${p.paidOn} · ${label(words.payments.methods, p.method)} · ${p.amount.formatted} · ${p.status}${folio(p.caseFolio)}`,
        );
      }
      if (s.promises.length > 0) {
        subheading(t.promises);
        list(
          s.promises,
          (p) =>
            `${p.promisedFor} · ${p.amount.formatted} · ${label(words.payments.promiseStatus, p.status)}${folio(p.caseFolio)}`,
        );
      }
      if (s.compensations.length > 0) {
        subheading(t.compensations);
        list(
          s.compensations,
          (c) =>
            `${label(words.compensations.kind, c.kind)} · ${(c.applied ?? c.computed).formatted} · ${c.status} · ${c.explanation}${folio(c.caseFolio)}`,
        );
      }
      if (s.cancellations.length > 0) {
        subheading(t.cancellations);
        list(s.cancellations, (c) => `${c.scope} · ${c.effectiveDate} · ${c.status}${folio(c.caseFolio)}`);
      }
      if (s.suspensions.length > 0) {
        subheading(t.suspensions);
        list(
          s.suspensions,
          (x) =>
            `${label(words.accounts.suspensionReason, x.reason)} · ${when(x.startedAt)}${x.endedAt ? ` – ${when(x.endedAt)}` : ''}${folio(x.caseFolio)}`,
        );
      }
    }

    heading(t.cases);
    if (data.cases.length === 0) line(t.none);
    for (const c of data.cases) {
      subheading(`${t.folio} ${c.folio}`);
      line(
        [
          label(common.requestType, c.requestType),
          label(common.channel, c.channel),
          label(common.status, c.status),
          when(c.createdAt),
        ].join(' · '),
      );
      line(c.subject);
      for (const d of c.deadlines) {
        line(
          `${t.deadline} (${label(words.inbox.deadline.kind, d.kind)}): ${when(d.dueAt)}${d.metAt ? ` (${t.met} ${when(d.metAt)})` : ''}`,
        );
      }
      for (const m of c.messages) {
        doc.moveDown(0.3);
        doc
          .font('Helvetica-Bold')
          .fontSize(9)
          .text(`${m.kind === 'entrante' ? t.fromYou : t.fromProvider} · ${when(m.createdAt)}`);
        doc.font('Helvetica').fontSize(10).text(m.body);
        if (m.attachments.length > 0) line(`${t.attachments}: ${m.attachments.join(', ')}`);
      }
    }

    heading(t.attachments);
    list(
      data.attachments,
      (a) => `${a.filename} · ${a.contentType} · ${a.size} B · SHA-256 ${a.sha256}${folio(a.caseFolio)}`,
    );

    heading(t.consents);
    list(
      data.consents,
      (c) =>
        `${c.purpose}: ${c.granted ? t.granted : t.refused} · ${c.channel} · ${c.textVersion} · ${when(c.recordedAt)}`,
    );

    heading(t.surveys);
    list(
      data.surveys,
      (v) =>
        [v.channel, v.status, v.score === null ? null : `${v.score}/5`, v.comment, when(v.sentAt)]
          .filter(Boolean)
          .join(' · ') + folio(v.caseFolio),
    );

    const representative = (r: AccessExport['representatives']['named'][number]) =>
      [
        r.name,
        r.contact,
        r.scope ? r.scope.map((s) => label(common.requestType, s)).join(', ') : t.scopeAll,
        r.expiresAt ? `${t.expires} ${when(r.expiresAt)}` : null,
        r.revokedAt ? `${t.revoked} ${when(r.revokedAt)}` : null,
      ]
        .filter(Boolean)
        .join(' · ');
    heading(t.representatives);
    list(data.representatives.named, representative);
    if (data.representatives.actingFor.length > 0) {
      heading(t.actingFor);
      list(data.representatives.actingFor, representative);
    }

    heading(t.arco);
    list(data.arcoRequests, (a) => `${a.subtype} · ${a.status} · ${when(a.createdAt)}${folio(a.caseFolio)}`);

    heading(t.identityChecks);
    list(
      data.identityChecks,
      (i) => `${label(words.identity.method, i.method)} · ${when(i.checkedAt)}${folio(i.caseFolio)}`,
    );

    heading(t.conversations);
    if (data.conversations.length === 0) line(t.none);
    for (const c of data.conversations) {
      subheading(`${label(common.channel, c.channel)} · ${when(c.startedAt)}${folio(c.caseFolio)}`);
      for (const turn of c.turns)
        line(`${turn.kind === 'entrante' ? t.fromYou : t.fromProvider}: ${turn.body}`);
    }

    heading(t.notices);
    const notices = [
      ...data.notices.incidents.map(
        (n) => `${t.incident} ${n.incidentNumber} · ${when(n.sentAt)} · ${n.text}`,
      ),
      ...data.notices.breaches.map((b) => `${b.title} · ${when(b.sentAt)} · ${b.body}`),
    ];
    list(notices, (n) => n);

    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // The footer sits in the bottom margin; without lifting it, pdfkit would start a new page there.
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc
        .font('Helvetica')
        .fontSize(9)
        .text(t.page(i - range.start + 1, range.count), 56, doc.page.height - 40, {
          width: doc.page.width - 112,
          align: 'center',
        });
      doc.page.margins.bottom = bottom;
    }
    doc.end();
  });
}

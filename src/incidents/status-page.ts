import { formatDateEs } from '../channels/templates.ts';
import type { IncidentCause, IncidentStatus } from '../domain/vocabulary.ts';
import type { StatusResponse } from './incidents.schema.ts';

export const CAUSE_WORDS: Readonly<Record<IncidentCause, string>> = {
  energia: 'Falta de energía eléctrica',
  enlace: 'Falla en el enlace de red',
  equipo: 'Falla de un equipo de la red',
  clima: 'Condiciones del clima',
  vandalismo: 'Vandalismo o robo',
  mantenimiento: 'Mantenimiento',
  otro: 'Otra causa',
};

export const STATUS_WORDS: Readonly<Record<IncidentStatus, string>> = {
  abierto: 'Falla reportada',
  en_reparacion: 'En reparación',
  restablecido: 'Servicio restablecido',
  cerrado: 'Cerrado',
};

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML element content and quoted attributes. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

// Inline, because the page must load in one request on a slow phone connection, and the CSP allows inline
// styles but no inline scripts (the page has none). Colours keep a contrast of at least 4.5:1.
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f7f9}
header,main,footer{max-width:48rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0}
h2{font-size:1.25rem;margin:0 0 .25rem}
h3{font-size:1.05rem;margin:.75rem 0 .25rem}
section.zone{background:#fff;border:1px solid #d0d5dd;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
.includes,.meta,footer{color:#4a5361;font-size:.9rem}
.status{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-weight:600;font-size:.9rem}
.status-abierto{background:#fde2e1;color:#8a1c14}
.status-en_reparacion{background:#fff1c2;color:#6b4a00}
.status-restablecido{background:#d8f3dc;color:#1b5e20}
dl{margin:.5rem 0;display:grid;grid-template-columns:auto 1fr;gap:.1rem .75rem}
dt{font-weight:600}
dd{margin:0}
ol.updates{padding-left:1.25rem;margin:.25rem 0}
p.none{background:#fff;border:1px solid #d0d5dd;border-radius:.5rem;padding:1rem}
`;

const time = (iso: string, timeZone: string) =>
  `<time datetime="${escapeHtml(iso)}">${escapeHtml(formatDateEs(new Date(iso), timeZone))}</time>`;

type Zone = StatusResponse['zones'][number];
type Incident = Zone['incidents'][number];

function renderIncident(incident: Incident, timeZone: string): string {
  const facts = [
    ['Causa', escapeHtml(CAUSE_WORDS[incident.cause])],
    ['Inicio', time(incident.startedAt, timeZone)],
    incident.restoredAt
      ? ['Restablecido', time(incident.restoredAt, timeZone)]
      : ['Restablecimiento estimado', incident.eta ? time(incident.eta, timeZone) : 'Por confirmar'],
  ] as const;
  const updates = incident.updates
    .filter((u) => u.text !== '')
    .map((u) => `<li>${time(u.at, timeZone)}: ${escapeHtml(u.text)}</li>`)
    .join('');
  return `<article aria-labelledby="incidente-${incident.number}">
<h3 id="incidente-${incident.number}">Incidente ${incident.number} <span class="status status-${incident.status}">${escapeHtml(STATUS_WORDS[incident.status])}</span></h3>
<p>${escapeHtml(incident.publicText)}</p>
<dl>${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>
${updates ? `<h4 class="meta">Últimas actualizaciones</h4><ol class="updates">${updates}</ol>` : ''}
</article>`;
}

function renderZone(zone: Zone, timeZone: string): string {
  const id = `zona-${escapeHtml(zone.code)}`;
  return `<section class="zone" aria-labelledby="${id}">
<h2 id="${id}">${escapeHtml(zone.name)}</h2>
${zone.includes.length > 0 ? `<p class="includes">Incluye: ${zone.includes.map(escapeHtml).join(', ')}</p>` : ''}
${zone.incidents.map((i) => renderIncident(i, timeZone)).join('\n')}
</section>`;
}

/**
 * The public status page: every zone with an outage in force, in Spanish, readable on a small phone and
 * without scripts. Everything that came from a person or the settings is escaped.
 */
export function renderStatusPage(
  status: StatusResponse,
  provider: { name: string; timeZone: string },
): string {
  const body =
    status.zones.length === 0
      ? '<p class="none">No hay fallas reportadas en este momento. Si no tienes servicio, repórtalo en el portal.</p>'
      : status.zones.map((z) => renderZone(z, provider.timeZone)).join('\n');
  return `<!doctype html>
<html lang="es-MX">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Estado del servicio · ${escapeHtml(provider.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Estado del servicio de ${escapeHtml(provider.name)}</h1>
<p class="meta">Actualizado: ${time(status.generatedAt, provider.timeZone)}</p>
</header>
<main>
${body}
</main>
<footer><p><a href="/portal">Ir al portal de clientes</a></p></footer>
</body>
</html>
`;
}

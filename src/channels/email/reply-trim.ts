// Gmail, Apple Mail and Thunderbird put the attribution of the quoted message on one line ending in
// "escribió:" / "wrote:", and Gmail wraps it at 78 columns, so it may take up to three lines.
const ATTRIBUTION_START = /^\s*(?:El|En|On)\s/;
const ATTRIBUTION_END = /\b(?:escribi[óo]|wrote)\s*:\s*$/i;
const ATTRIBUTION_MAX_LINES = 3;

// Outlook's header block: "De:" / "From:" followed within a few lines by a date line and a Para/Asunto
// line. Both are required, so a letter-style "De: … / Asunto: …" heading by the customer is kept.
const OUTLOOK_FROM = /^\s*\*?(?:De|From)\s*:\*?\s*\S/;
const OUTLOOK_DATE = /^\s*\*?(?:Enviado|Sent|Fecha|Date)\s*:/;
const OUTLOOK_ADDRESSING = /^\s*\*?(?:Para|To|Asunto|Subject)\s*:/;
const OUTLOOK_BLOCK_LINES = 6;

const ORIGINAL_MESSAGE = /^\s*-{2,}\s*(?:Mensaje original|Original Message)\s*-{2,}\s*$/i;
const SIGNATURE_DELIMITER = /^--[ \t]*$/;
// At most four words after "Enviado desde mi", so a sentence such as "Enviado desde mi celular porque
// no tengo internet en casa" is kept as the customer's text.
const DEVICE_TAGLINE = /^\s*(?:Enviado desde mi|Sent from my)(?:\s+[^\s.,;:!?]+){1,4}\.?\s*$/i;
const APP_TAGLINES = [
  /^\s*(?:Obtener|Descargar|Get)\s+Outlook\s+(?:para|for)\s+(?:Android|iOS)\b/i,
  /^\s*(?:Enviado desde|Sent from)\s+(?:Outlook|Correo para Windows|Mail for Windows|Yahoo Mail)\b.{0,40}$/i,
];
// What clients draw between the reply and the quoted header block (Outlook's underscores, an <hr>).
const RULE = /^\s*[-_=*]{3,}\s*$/;
const QUOTED = /^\s*>/;

function attributionEndsAt(lines: string[], start: number): number | null {
  if (!ATTRIBUTION_START.test(lines[start] ?? '')) return null;
  let joined = '';
  for (let i = start; i < Math.min(lines.length, start + ATTRIBUTION_MAX_LINES); i++) {
    joined += ` ${lines[i]}`;
    // A date or time is always part of the attribution; requiring a digit spares "El módem … escribió:".
    if (ATTRIBUTION_END.test(lines[i] ?? '')) return /\d/.test(joined) ? i : null;
  }
  return null;
}

function isOutlookHeaderBlock(lines: string[], start: number): boolean {
  if (!OUTLOOK_FROM.test(lines[start] ?? '')) return false;
  const block = lines.slice(start + 1, start + 1 + OUTLOOK_BLOCK_LINES);
  return block.some((line) => OUTLOOK_DATE.test(line)) && block.some((line) => OUTLOOK_ADDRESSING.test(line));
}

function startsQuoteOrSignature(lines: string[], i: number): boolean {
  const line = lines[i] ?? '';
  return (
    attributionEndsAt(lines, i) !== null ||
    isOutlookHeaderBlock(lines, i) ||
    ORIGINAL_MESSAGE.test(line) ||
    SIGNATURE_DELIMITER.test(line) ||
    DEVICE_TAGLINE.test(line) ||
    APP_TAGLINES.some((pattern) => pattern.test(line))
  );
}

/** Index of the first line that belongs to the quote or signature, moved up over a rule drawn above it. */
function cutIndex(lines: string[]): number {
  const found = lines.findIndex((_, i) => startsQuoteOrSignature(lines, i));
  if (found === -1) return lines.length;
  let cut = found;
  while (cut > 0 && ((lines[cut - 1] ?? '').trim() === '' || RULE.test(lines[cut - 1] ?? ''))) cut--;
  return cut;
}

/**
 * The part of a reply the customer wrote: everything from the first quoted-message header (Gmail's
 * "El … escribió:", "On … wrote:", Outlook's "De: … Enviado: …", "-----Mensaje original-----"),
 * signature delimiter (`-- `) or phone tagline ("Enviado desde mi iPhone") on is dropped, and so are
 * `>`-quoted lines. Runs of blank lines are collapsed to one; the result may be empty.
 */
export function trimQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept = lines
    .slice(0, cutIndex(lines))
    .filter((line) => !QUOTED.test(line))
    .map((line) => line.trimEnd());
  const collapsed = kept.filter((line, i) => line !== '' || (i > 0 && kept[i - 1] !== ''));
  return collapsed.join('\n').trim();
}

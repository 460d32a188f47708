/** A cell of a chart's table: text as it reads, numbers plain (es-MX grouping is for the screen only). */
export type Cell = string | number | null;

// A spreadsheet runs a cell that starts with one of these as a formula; names come from agents and admins.
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * RFC 4180 text of a header and its rows. The byte-order mark makes Excel, which most supervisors open it
 * with, read the accents as UTF-8.
 */
export function toCsv(header: string[], rows: Cell[][]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

import ExcelJS from 'exceljs';
import { decimalPesos } from '../accounts/ledger-csv.ts';
import type { Cell, RegulatorReport, ReportColumn } from './regulator-report.ts';

/**
 * A text field quoted when it holds a separator, quote or line break (RFC 4180); one starting like a
 * formula gets a leading apostrophe, since a category or cause name is typed by an admin and a
 * spreadsheet would otherwise run it.
 */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const csvCell = (column: ReportColumn | undefined, value: Cell): string =>
  column?.kind === 'centavos' ? decimalPesos(Number(value)) : csvField(String(value));

/**
 * The report as one CSV: the header's label/value lines, then each section after a blank line, its
 * title and its column names first. UTF-8 with a byte-order mark (Excel otherwise reads Windows-1252 and
 * breaks accents), commas, CRLF lines.
 */
export function regulatorReportCsv(report: RegulatorReport): Buffer {
  const lines: string[] = report.header.map(([label, value]) => `${csvField(label)},${csvField(value)}`);
  for (const section of report.sections) {
    lines.push('');
    lines.push(csvField(section.title));
    lines.push(section.columns.map((c) => csvField(c.header)).join(','));
    for (const row of section.rows) lines.push(row.map((v, i) => csvCell(section.columns[i], v)).join(','));
  }
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** Excel's limit on a sheet's name is 31 characters, without `[]:*?/\`. */
const sheetName = (title: string) => title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

/**
 * The report as a workbook: a first sheet with the header, then one sheet per section with bold column
 * names, counts as whole numbers and amounts as pesos with two decimals (numbers, so they add up in a
 * spreadsheet), and widths that fit the names.
 */
export async function regulatorReportXlsx(report: RegulatorReport, generatedAt: Date): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Atiende';
  workbook.created = generatedAt;
  workbook.modified = generatedAt;

  const header = workbook.addWorksheet('Encabezado');
  header.columns = [{ width: 38 }, { width: 60 }];
  for (const [label, value] of report.header) header.addRow([label, value]);
  header.getColumn(1).font = { bold: true };

  for (const section of report.sections) {
    const sheet = workbook.addWorksheet(sheetName(section.title));
    sheet.columns = section.columns.map((c) => ({
      width: c.width,
      ...(c.kind === 'centavos' ? { style: { numFmt: '#,##0.00' } } : {}),
      ...(c.kind === 'count' ? { style: { numFmt: '0' } } : {}),
    }));
    sheet.addRow([section.title]).font = { bold: true, size: 12 };
    sheet.addRow(section.columns.map((c) => c.header)).font = { bold: true };
    for (const row of section.rows)
      sheet.addRow(
        row.map((value, i) => (section.columns[i]?.kind === 'centavos' ? Number(value) / 100 : value)),
      );
    sheet.views = [{ state: 'frozen', ySplit: 2 }];
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

import { normalizeContactAddress } from '../../customers/contact-points.ts';
import { SERVICE_STATUSES, type ServiceStatus } from '../../domain/vocabulary.ts';
import { AppError } from '../../http/errors.ts';
import { cleanText } from '../../text/clean-text.ts';
import { type MxnParseError, parseMxn } from '../money.ts';
import { type CustomerColumn, columnForHeader, comparable, REQUIRED_COLUMNS } from './columns.ts';
import { type CsvDelimiter, type CsvEncoding, csvRecords, decodeCsv, detectDelimiter } from './csv.ts';

/**
 * A customers file from the provider's billing system, checked row by row: each row becomes a typed
 * record or the list of everything wrong with it, so a dry run can show every problem at once.
 */

/** Longer than any real name, address or plan; a longer field is a column shifted or a paste gone wrong. */
export const MAX_FIELD_CHARS = 500;

/** One customer's service as the file states it. Blank optional fields are `null`. */
export interface CustomerImportRecord {
  line: number;
  accountNumber: string;
  name: string;
  /** E.164, as contact points store it. */
  phone: string | null;
  /** Lower case, as contact points store it. */
  email: string | null;
  plan: string | null;
  priceCentavos: number | null;
  zone: string | null;
  address: string | null;
  cutoffDay: number | null;
  /** Positive: the customer owes; negative: saldo a favor. A blank balance is zero. */
  balanceCentavos: number;
  /** `null` when the file does not say: the importer decides, the file is not guessed at. */
  status: ServiceStatus | null;
}

export const IMPORT_PROBLEM_CODES = [
  'empty_file',
  'missing_column',
  'duplicate_column',
  'missing_account',
  'duplicate_account',
  'missing_name',
  'invalid_phone',
  'invalid_email',
  'unknown_status',
  'invalid_cutoff_day',
  'invalid_price',
  'invalid_balance',
  'too_many_columns',
  'too_few_columns',
  'unbalanced_quote',
  'control_character',
  'field_too_long',
  // Found when the row is matched against the database, not when it is read.
  'contact_taken',
  'missing_cutoff_day',
  // A balance that rises on a service Atiende may no longer charge (see `refusedCharges`).
  'balance_after_cancellation',
  'balance_during_theft',
] as const;
export type ImportProblemCode = (typeof IMPORT_PROBLEM_CODES)[number];

export interface ImportProblem {
  /** The physical line the row starts on, the header being line 1 (as a text editor numbers them). */
  line: number;
  /** The column at fault, or null when the whole row (or file) is. */
  column: CustomerColumn | null;
  code: ImportProblemCode;
  /** For the person importing, in Spanish; it never repeats the field's value (it may be personal). */
  message: string;
}

export type CustomerRow =
  | { ok: true; record: CustomerImportRecord }
  | { ok: false; line: number; problems: ImportProblem[] };

export interface CustomersCsv {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  /** Headers that name no known column: their values are not imported, and a dry run should say so. */
  ignoredHeaders: string[];
  /** What makes the whole file unreadable; when there is any, `rows()` yields nothing. */
  fileProblems: ImportProblem[];
  /** The data rows in file order, blank lines skipped; each call reads the file again from the top. */
  rows(): Generator<CustomerRow, void, undefined>;
}

/**
 * The words billing systems use for each status, compared as `comparable` leaves them. Words that could
 * mean two statuses are left out, so they are reported rather than guessed: "inactivo" (suspended or
 * cancelled?), "pendiente" (of installation or of payment?).
 */
const STATUS_WORDS: Record<ServiceStatus, readonly string[]> = {
  activo: ['activo', 'activa', 'alta', 'vigente', 'active'],
  suspendido: ['suspendido', 'suspendida', 'suspension', 'cortado', 'cortada', 'suspended'],
  cancelado: ['cancelado', 'cancelada', 'cancelacion', 'baja', 'dado_baja', 'cancelled', 'canceled'],
  pendiente_instalacion: ['pendiente_instalacion', 'instalacion_pendiente', 'por_instalar'],
};
const STATUS_BY_WORD = new Map(
  SERVICE_STATUSES.flatMap((status) => STATUS_WORDS[status].map((word) => [word, status] as const)),
);

const MONEY_REASONS: Record<Exclude<MxnParseError, 'empty'>, string> = {
  malformed: 'no es una cantidad (ejemplo: 1,234.50)',
  ambiguous_separators: 'debe usar punto para decimales y coma para miles (ejemplo: 1,234.50)',
  too_many_decimals: 'tiene más de dos decimales',
  too_large: 'pasa de $100,000,000.00 MXN',
  negative: 'no puede ser negativo',
};

const MESSAGES = {
  missing_account: 'Falta el número de cuenta.',
  missing_name: 'Falta el nombre del cliente.',
  invalid_phone: 'El teléfono no es un número válido (10 dígitos, o con + y lada del país).',
  invalid_email: 'El correo electrónico no es válido.',
  unknown_status: 'Estatus desconocido: use activo, suspendido, cancelado o pendiente de instalación.',
  invalid_cutoff_day: 'El día de corte debe ser un número del 1 al 31.',
  unbalanced_quote: 'Comillas sin cerrar, o texto después de unas comillas de cierre.',
  control_character: 'El campo tiene caracteres de control (como NUL), que no se pueden guardar.',
  field_too_long: `El campo pasa de ${MAX_FIELD_CHARS} caracteres.`,
} as const;

const problem = (
  line: number,
  column: CustomerColumn | null,
  code: ImportProblemCode,
  message: string,
): ImportProblem => ({ line, column, code, message });

/** A customer's mailbox is never on a single-label host, though an agent's login may be (`@localhost`). */
const DOTTED_DOMAIN = /@[^@.]+(\.[^@.]+)+$/;

function normalizedContact(kind: 'phone' | 'email', value: string): string | undefined {
  try {
    const normalized = normalizeContactAddress(kind, value);
    return kind === 'email' && !DOTTED_DOMAIN.test(normalized) ? undefined : normalized;
  } catch (error) {
    if (error instanceof AppError) return undefined;
    throw error;
  }
}

type Fields = Partial<Record<CustomerColumn, string>>;

/** Checks one row's fields (whitespace already collapsed); `problems` collects what is wrong. */
function toRecord(line: number, fields: Fields, problems: ImportProblem[]): CustomerImportRecord {
  const orNull = (column: CustomerColumn) => fields[column] || null;
  const fail = (column: CustomerColumn, code: ImportProblemCode, message: string) =>
    problems.push(problem(line, column, code, message));

  // A field already refused (control characters, too long) is absent from `fields` but not missing.
  const refused = new Set(problems.map((p) => p.column));
  const accountNumber = fields.cuenta ?? '';
  if (accountNumber === '' && !refused.has('cuenta')) {
    fail('cuenta', 'missing_account', MESSAGES.missing_account);
  }
  const name = fields.nombre ?? '';
  if (name === '' && !refused.has('nombre')) fail('nombre', 'missing_name', MESSAGES.missing_name);

  const contact = (column: 'telefono' | 'correo', kind: 'phone' | 'email') => {
    const value = orNull(column);
    if (value === null) return null;
    const normalized = normalizedContact(kind, value);
    if (normalized !== undefined) return normalized;
    fail(column, kind === 'phone' ? 'invalid_phone' : 'invalid_email', MESSAGES[`invalid_${kind}`]);
    return null;
  };
  const phone = contact('telefono', 'phone');
  const email = contact('correo', 'email');

  const money = (column: 'precio' | 'saldo') => {
    const value = orNull(column);
    if (value === null) return null;
    const parsed = parseMxn(value, { allowNegative: column === 'saldo' });
    if (parsed.ok) return parsed.centavos;
    // A blank value never gets here, so the error is never 'empty'.
    const reason = MONEY_REASONS[parsed.error as Exclude<MxnParseError, 'empty'>];
    if (column === 'precio') fail(column, 'invalid_price', `El precio ${reason}.`);
    else fail(column, 'invalid_balance', `El saldo ${reason}.`);
    return null;
  };
  const priceCentavos = money('precio');
  const balanceCentavos = money('saldo') ?? 0;

  let cutoffDay: number | null = null;
  const cutoffText = orNull('dia_corte');
  if (cutoffText !== null) {
    const day = /^\d{1,2}$/.test(cutoffText) ? Number(cutoffText) : 0;
    if (day >= 1 && day <= 31) cutoffDay = day;
    else fail('dia_corte', 'invalid_cutoff_day', MESSAGES.invalid_cutoff_day);
  }

  let status: ServiceStatus | null = null;
  const statusText = orNull('estatus');
  if (statusText !== null) {
    status = STATUS_BY_WORD.get(comparable(statusText)) ?? null;
    if (status === null) fail('estatus', 'unknown_status', MESSAGES.unknown_status);
  }

  return {
    line,
    accountNumber,
    name,
    phone,
    email,
    plan: orNull('plan'),
    priceCentavos,
    zone: orNull('zona'),
    address: orNull('direccion'),
    cutoffDay,
    balanceCentavos,
    status,
  };
}

/**
 * Opens a customers file: decodes it, finds the delimiter and reads the header. The rows are read only
 * when `rows()` is iterated, holding no more than the decoded text and the account numbers seen.
 */
export function readCustomersCsv(bytes: Uint8Array): CustomersCsv {
  const { text, encoding } = decodeCsv(bytes);
  const delimiter = detectDelimiter(text);
  const records = () => csvRecords(text, delimiter, MAX_FIELD_CHARS);

  const fileProblems: ImportProblem[] = [];
  let header: { line: number; fields: string[] } | undefined;
  for (const record of records()) {
    if ('error' in record) {
      fileProblems.push(problem(record.line, null, 'unbalanced_quote', MESSAGES.unbalanced_quote));
      break;
    }
    if (record.fields.some((field) => field.trim() !== '')) {
      header = record;
      break;
    }
  }
  if (header === undefined && fileProblems.length === 0) {
    fileProblems.push(problem(1, null, 'empty_file', 'El archivo no tiene encabezado ni filas.'));
  }

  const headerLine = header?.line ?? 0;
  const columnAt = (header?.fields ?? []).map(columnForHeader);
  const ignoredHeaders = (header?.fields ?? []).filter(
    (label, i) => columnAt[i] === undefined && label.trim(),
  );
  const present = new Set<CustomerColumn>();
  for (const column of columnAt) {
    if (column === undefined) continue;
    if (present.has(column)) {
      fileProblems.push(
        problem(headerLine, column, 'duplicate_column', `La columna «${column}» aparece dos veces.`),
      );
    }
    present.add(column);
  }
  for (const column of header ? REQUIRED_COLUMNS : []) {
    if (!present.has(column)) {
      fileProblems.push(problem(headerLine, column, 'missing_column', `Falta la columna «${column}».`));
    }
  }

  function* rows(): Generator<CustomerRow, void, undefined> {
    if (fileProblems.length > 0) return;
    const firstLineOfAccount = new Map<string, number>();
    for (const record of records()) {
      const { line } = record;
      if (line <= headerLine) continue;
      if ('error' in record) {
        yield {
          ok: false,
          line,
          problems: [problem(line, null, 'unbalanced_quote', MESSAGES.unbalanced_quote)],
        };
        continue;
      }
      const values = record.fields.map((field) => field.replace(/\s+/g, ' ').trim());
      if (values.every((value) => value === '')) continue;
      // Even empty extra fields count: a shifted row whose last field was blank looks just like that.
      if (values.length !== columnAt.length) {
        const code = values.length > columnAt.length ? 'too_many_columns' : 'too_few_columns';
        const message = `La fila tiene ${values.length} columnas y el encabezado ${columnAt.length}.`;
        yield { ok: false, line, problems: [problem(line, null, code, message)] };
        continue;
      }

      const problems: ImportProblem[] = [];
      const fields: Fields = {};
      values.forEach((value, index) => {
        const column = columnAt[index];
        if (column === undefined) return;
        if (cleanText(value) !== value) {
          problems.push(problem(line, column, 'control_character', MESSAGES.control_character));
        } else if (value.length > MAX_FIELD_CHARS) {
          problems.push(problem(line, column, 'field_too_long', MESSAGES.field_too_long));
        } else {
          fields[column] = value;
        }
      });
      const customer = toRecord(line, fields, problems);
      if (customer.accountNumber !== '') {
        const first = firstLineOfAccount.get(customer.accountNumber);
        if (first === undefined) firstLineOfAccount.set(customer.accountNumber, line);
        else {
          problems.push(
            problem(
              line,
              'cuenta',
              'duplicate_account',
              `El número de cuenta ya aparece en la línea ${first}.`,
            ),
          );
        }
      }
      yield problems.length === 0 ? { ok: true, record: customer } : { ok: false, line, problems };
    }
  }

  return {
    encoding,
    delimiter,
    ignoredHeaders: ignoredHeaders.map((label) => label.trim()),
    fileProblems,
    rows,
  };
}

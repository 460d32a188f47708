/**
 * CSV as billing systems and spreadsheets export it (RFC 4180 and the usual departures from it), read
 * from the bytes of one file. Records come from a generator, one at a time, so an import can validate
 * and store them in batches without another copy of the file.
 */

export type CsvEncoding = 'utf-8' | 'windows-1252';
export type CsvDelimiter = ',' | ';';

/**
 * What Windows-1252 puts at bytes 0x80–0x9F (the WHATWG table: the five unassigned bytes stay C1
 * controls). Node 20.18.3 and later decode `windows-1252` as ISO-8859-1, which turns "–" and "“" into
 * invisible controls (nodejs/node#56542), so this range is mapped here.
 */
export const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else Windows-1252, what Excel writes for
 * "CSV" in a Spanish Windows. Text in Windows-1252 with accents is almost never valid UTF-8 by accident:
 * an accented letter is one byte there, and a lone byte ≥ 0x80 is invalid UTF-8.
 */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    const start = UTF8_BOM.every((byte, i) => bytes[i] === byte) ? UTF8_BOM.length : 0;
    const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start).toString(
      'latin1',
    );
    const text = latin1.replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80] as string);
    return { text, encoding: 'windows-1252' };
  }
}

/**
 * The delimiter is whichever of `,` and `;` the header line (outside quotes) has more of: a spreadsheet
 * in a locale with a decimal comma writes `;`, and the header has no amounts to confuse the count.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '\n') break;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

export type CsvRecord =
  /** `line` is the physical line (1-based) the record starts on; a quoted field may span more. */
  | { line: number; fields: string[] }
  /** A quote never closed, or text after a closing quote: the record is lost, the next line is read. */
  | { line: number; error: 'unbalanced_quote' };

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * The records of `text`: fields split on `delimiter`, quoted fields with doubled quotes and line breaks
 * inside, CRLF or LF line ends. A blank line is a record of one empty field; the caller skips it.
 *
 * A quote opened and never closed would swallow the rest of the file into one field. So a quoted field
 * that has run past a line break and `maxFieldChars` is taken for a stray quote, and so is a closing
 * quote followed by anything but a delimiter or line end: either way the record is reported broken and
 * reading resumes on the line after its first, so one bad row costs one row.
 */
export function* csvRecords(
  text: string,
  delimiter: CsvDelimiter,
  maxFieldChars: number,
): Generator<CsvRecord, void, undefined> {
  const separator = delimiter.charCodeAt(0);
  const end = text.length;
  let pos = 0;
  let line = 1;
  while (pos < end) {
    const recordStart = pos;
    const recordLine = line;
    const fields: string[] = [];
    let broken = false;
    record: for (;;) {
      if (text.charCodeAt(pos) === QUOTE) {
        pos++;
        const fieldStart = pos;
        let segment = pos;
        let value = '';
        let spansLines = false;
        for (;;) {
          if (pos >= end || (spansLines && pos - fieldStart > maxFieldChars)) {
            broken = true;
            break record;
          }
          const c = text.charCodeAt(pos);
          if (c === QUOTE) {
            if (text.charCodeAt(pos + 1) !== QUOTE) break;
            value += text.slice(segment, pos + 1);
            pos += 2;
            segment = pos;
            continue;
          }
          if (c === LF) {
            line++;
            spansLines = true;
          }
          pos++;
        }
        fields.push(value + text.slice(segment, pos));
        pos++;
      } else {
        let stop = pos;
        while (stop < end) {
          const c = text.charCodeAt(stop);
          if (c === separator || c === LF) break;
          stop++;
        }
        const crlf = stop < end && text.charCodeAt(stop) === LF && text.charCodeAt(stop - 1) === CR;
        fields.push(text.slice(pos, crlf ? stop - 1 : stop));
        pos = crlf ? stop - 1 : stop;
      }
      if (pos >= end) break;
      const c = text.charCodeAt(pos);
      if (c === separator) {
        pos++;
        continue;
      }
      const lineEnd = c === LF ? 1 : c === CR && text.charCodeAt(pos + 1) === LF ? 2 : 0;
      if (lineEnd === 0) {
        broken = true;
        break;
      }
      pos += lineEnd;
      line++;
      break;
    }
    if (broken) {
      yield { line: recordLine, error: 'unbalanced_quote' };
      const nextLine = text.indexOf('\n', recordStart);
      pos = nextLine < 0 ? end : nextLine + 1;
      line = recordLine + 1;
    } else {
      yield { line: recordLine, fields };
    }
  }
}

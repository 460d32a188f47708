import { describe, expect, it } from 'vitest';
import { type CsvRecord, csvRecords, decodeCsv, detectDelimiter, WINDOWS_1252_HIGH } from './csv.ts';

describe('decodeCsv', () => {
  const bytes = (...values: number[]) => Uint8Array.from(values);

  it.each([
    ['UTF-8', Buffer.from('cuenta,nombre\n1,Peña Núñez\n'), 'cuenta,nombre\n1,Peña Núñez\n', 'utf-8'],
    ['UTF-8 with a BOM', Buffer.from('\ufeffcuenta\n1\n'), 'cuenta\n1\n', 'utf-8'],
    ['plain ASCII', Buffer.from('cuenta\n1\n'), 'cuenta\n1\n', 'utf-8'],
    [
      'Windows-1252 accents',
      bytes(0x50, 0x65, 0xf1, 0x61, 0x20, 0xc1, 0x6e, 0x67, 0x65, 0x6c),
      'Peña Ángel',
      'windows-1252',
    ],
    [
      'Windows-1252 punctuation',
      bytes(0x93, 0x41, 0x94, 0x20, 0x96, 0x20, 0x80, 0x35),
      '“A” – €5',
      'windows-1252',
    ],
    ['an unassigned byte stays a control', bytes(0xe9, 0x81), 'é\u0081', 'windows-1252'],
    [
      'a BOM before invalid UTF-8',
      bytes(0xef, 0xbb, 0xbf, 0x4e, 0xfa, 0xf1, 0x65, 0x7a),
      'Núñez',
      'windows-1252',
    ],
  ])('%s', (_name, input, text, encoding) => {
    expect(decodeCsv(input)).toEqual({ text, encoding });
  });

  it('maps every byte 0x80–0x9F as the WHATWG Windows-1252 table does', () => {
    const all = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
    const { text } = decodeCsv(Uint8Array.from([0xe9, ...all]));
    expect(text).toBe(`é${WINDOWS_1252_HIGH}`);
    expect([...WINDOWS_1252_HIGH].filter((c) => c.charCodeAt(0) < 0xa0)).toEqual([
      '\u0081',
      '\u008d',
      '\u008f',
      '\u0090',
      '\u009d',
    ]);
  });

  it('reads a view into a larger buffer from its own offset', () => {
    const whole = Buffer.from([0x41, 0x42, 0xf1, 0x43, 0x44]);
    expect(decodeCsv(whole.subarray(1, 4))).toEqual({ text: 'BñC', encoding: 'windows-1252' });
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['cuenta,nombre,saldo\n', ','],
    ['cuenta;nombre;saldo\r\n1;Ana;1,234.50\n', ';'],
    ['cuenta\n1,2,3;4\n', ','],
    ['"cuenta;num",nombre\n', ','],
    ['cuenta;nombre,completo;saldo\n', ';'],
    ['', ','],
  ])('%j → %j', (text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });
});

describe('csvRecords', () => {
  const read = (text: string, delimiter: ',' | ';' = ',', max = 500) => [...csvRecords(text, delimiter, max)];
  const row = (line: number, ...fields: string[]): CsvRecord => ({ line, fields });
  const broken = (line: number): CsvRecord => ({ line, error: 'unbalanced_quote' });

  it.each<[string, string, CsvRecord[]]>([
    ['LF', 'a,b\n1,2\n', [row(1, 'a', 'b'), row(2, '1', '2')]],
    ['CRLF', 'a,b\r\n1,2\r\n', [row(1, 'a', 'b'), row(2, '1', '2')]],
    ['no final line end', 'a,b\n1,2', [row(1, 'a', 'b'), row(2, '1', '2')]],
    ['empty fields', ',a,,\n', [row(1, '', 'a', '', '')]],
    ['a delimiter at the very end', 'a,', [row(1, 'a', '')]],
    ['a blank line', 'a\n\nb\n', [row(1, 'a'), row(2, ''), row(3, 'b')]],
    ['a blank CRLF line', 'a\r\n\r\nb\r\n', [row(1, 'a'), row(2, ''), row(3, 'b')]],
    ['a quoted delimiter', '"Hidalgo 12, Centro",x\n', [row(1, 'Hidalgo 12, Centro', 'x')]],
    ['doubled quotes', '"Privada ""Los Pinos"" 4",x\n', [row(1, 'Privada "Los Pinos" 4', 'x')]],
    ['only a doubled quote', '"""",x\n', [row(1, '"', 'x')]],
    ['an empty quoted field', '"",x\n', [row(1, '', 'x')]],
    ['a quoted field at the end of the file', 'x,"y"', [row(1, 'x', 'y')]],
    ['a quoted field before CRLF', 'x,"y"\r\nz\r\n', [row(1, 'x', 'y'), row(2, 'z')]],
    [
      'line breaks inside quotes move the line count',
      'a,"Calle 1\nCol. Centro\r\nSaltillo"\nb,c\n',
      [row(1, 'a', 'Calle 1\nCol. Centro\r\nSaltillo'), row(4, 'b', 'c')],
    ],
    ['a quote inside an unquoted field is text', 'Juan "Güero" Peña,x\n', [row(1, 'Juan "Güero" Peña', 'x')]],
    ['a lone CR inside a field is text', 'a\rb,c\n', [row(1, 'a\rb', 'c')]],
    [
      'text after a closing quote breaks only that row',
      'a,b\n"x"y,z\nc,d\n',
      [row(1, 'a', 'b'), broken(2), row(3, 'c', 'd')],
    ],
    ['a quote never closed at the end of the file', 'a,b\nc,"unclosed\n', [row(1, 'a', 'b'), broken(2)]],
    [
      'a quote never closed, then closed by a later field, breaks only its row',
      'a,b\n1,"Hidalgo 12, Centro\n2,"Juárez 5, Centro",x\n3,y\n',
      [row(1, 'a', 'b'), broken(2), row(3, '2', 'Juárez 5, Centro', 'x'), row(4, '3', 'y')],
    ],
  ])('%s', (_name, text, records) => {
    expect(read(text)).toEqual(records);
  });

  it('splits a semicolon file on semicolons only', () => {
    expect(read('1;"Ana; Luis";1,234.50\n', ';')).toEqual([row(1, '1', 'Ana; Luis', '1,234.50')]);
  });

  it('gives up on a quoted field that runs past a line break and the length limit, losing one row', () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i},plain text without quotes`).join('\n');
    expect(read(`h\n1,"open\n${rows}\n`, ',', 50)).toEqual([
      row(1, 'h'),
      broken(2),
      ...Array.from({ length: 20 }, (_, i) => row(i + 3, String(i), 'plain text without quotes')),
    ]);
  });

  it('keeps a long quoted field on one line whole (the row check refuses it later)', () => {
    const long = 'x'.repeat(80);
    expect(read(`"${long}",y\n`, ',', 50)).toEqual([row(1, long, 'y')]);
  });

  it('reads 100,000 rows lazily: the first record comes before the rest are read', () => {
    const text = `h1,h2\n${'1,"a, b"\n'.repeat(100_000)}`;
    const records = csvRecords(text, ',', 500);
    expect(records.next().value).toEqual(row(1, 'h1', 'h2'));
    let count = 0;
    for (const record of records) if ('fields' in record && record.fields[1] === 'a, b') count++;
    expect(count).toBe(100_000);
  });
});

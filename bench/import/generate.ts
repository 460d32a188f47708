// Writes a customers CSV for the import's bench, and beside it FILE.expected.json with the line and code
// of each bad row (exactly 1 %):
//   npx tsx bench/import/generate.ts [rows=100000] [--encoding utf8|windows-1252] [--out FILE] [--seed N]
//                                    [--delimiter comma|semicolon] [--eol crlf|lf] [--bom]
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCustomersFile } from './customers-file.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    encoding: { type: 'string', default: 'utf8' },
    out: { type: 'string' },
    seed: { type: 'string', default: '1' },
    delimiter: { type: 'string', default: 'comma' },
    eol: { type: 'string', default: 'crlf' },
    bom: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const rows = Number(positionals[0] ?? 100_000);
const seed = Number(values.seed);
const { encoding, delimiter, eol } = values;
if (!Number.isSafeInteger(rows) || rows < 1) fail(`rows must be a positive integer: ${positionals[0]}`);
if (!Number.isSafeInteger(seed)) fail(`--seed must be an integer: ${values.seed}`);
if (encoding !== 'utf8' && encoding !== 'windows-1252') fail('--encoding is utf8 or windows-1252');
if (delimiter !== 'comma' && delimiter !== 'semicolon') fail('--delimiter is comma or semicolon');
if (eol !== 'crlf' && eol !== 'lf') fail('--eol is crlf or lf');

const out = values.out ?? path.join(tmpdir(), `atiende-clientes-${rows}-${encoding}.csv`);
const file = generateCustomersFile({
  rows,
  encoding,
  seed,
  delimiter: delimiter === 'comma' ? ',' : ';',
  eol: eol === 'crlf' ? '\r\n' : '\n',
  bom: values.bom,
});
writeFileSync(out, file.bytes);
const expected = { file: path.basename(out), rows, encoding, seed, badRows: file.badRows };
writeFileSync(`${out}.expected.json`, `${JSON.stringify(expected, null, 2)}\n`);
console.log(
  `${out}: ${rows.toLocaleString('en-US')} rows, ${(file.bytes.length / 1e6).toFixed(1)} MB, ` +
    `${file.badRows.length} bad (${out}.expected.json)`,
);

// A dry run of the customers import over a generated file: `npx tsx bench/import/run.ts [FILE]`
// (without FILE, 100,000 rows are generated in memory). Prints the time and memory it took and fails
// unless the problems found are exactly the bad rows listed in FILE.expected.json.
import { readFileSync } from 'node:fs';
import { readCustomersCsv } from '../../src/accounts/import/rows.ts';
import { type ExpectedBadRow, generateCustomersFile } from './customers-file.ts';

const path = process.argv[2];
const { bytes, badRows } = path
  ? {
      bytes: readFileSync(path),
      badRows: (JSON.parse(readFileSync(`${path}.expected.json`, 'utf8')) as { badRows: ExpectedBadRow[] })
        .badRows,
    }
  : generateCustomersFile({
      rows: 100_000,
      encoding: 'utf8',
      seed: 1,
      delimiter: ',',
      eol: '\r\n',
      bom: true,
    });

const heapBefore = process.memoryUsage().heapUsed;
const started = performance.now();
const file = readCustomersCsv(bytes);
let records = 0;
const found: ExpectedBadRow[] = [];
for (const row of file.rows()) {
  if (row.ok) records++;
  else for (const problem of row.problems) found.push({ line: problem.line, code: problem.code });
}
const elapsed = performance.now() - started;
const heapAfter = process.memoryUsage().heapUsed;

console.log(
  `${(bytes.length / 1e6).toFixed(1)} MB ${file.encoding}, '${file.delimiter}': ${records.toLocaleString('en-US')} ` +
    `records and ${found.length} problems in ${(elapsed / 1000).toFixed(2)} s ` +
    `(${Math.round(((records + found.length) / elapsed) * 1000).toLocaleString('en-US')} rows/s), ` +
    `heap ${((heapAfter - heapBefore) / 1e6).toFixed(0)} MB more`,
);

const key = (row: ExpectedBadRow) => `${row.line} ${row.code}`;
const expected = new Set(badRows.map(key));
const actual = new Set(found.map(key));
const missed = [...expected].filter((k) => !actual.has(k));
const extra = [...actual].filter((k) => !expected.has(k));
if (file.fileProblems.length > 0 || missed.length > 0 || extra.length > 0) {
  console.error({ fileProblems: file.fileProblems, missed: missed.slice(0, 20), extra: extra.slice(0, 20) });
  process.exit(1);
}
console.log(`the problems are exactly the ${badRows.length} bad rows expected`);

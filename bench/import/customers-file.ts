// A customers CSV as the provider's billing system might export it, for the import's tests and bench:
// realistic rows for a wireless ISP in Coahuila and Nuevo León, and exactly 1 % bad rows spread over the
// kinds of problem the import must report, with the line and code of each, so a dry run's report can
// be checked to list exactly them.

import { WINDOWS_1252_HIGH } from '../../src/accounts/import/csv.ts';
import type { ImportProblemCode } from '../../src/accounts/import/rows.ts';

export interface CustomersFileOptions {
  rows: number;
  encoding: 'utf8' | 'windows-1252';
  seed: number;
  delimiter: ',' | ';';
  eol: '\r\n' | '\n';
  /** A UTF-8 byte-order mark, as Excel's "CSV UTF-8" writes. */
  bom: boolean;
}

export interface ExpectedBadRow {
  line: number;
  code: ImportProblemCode;
}

export interface CustomersFile {
  bytes: Buffer;
  /** The bad rows in file order: one problem each. */
  badRows: ExpectedBadRow[];
}

/** Mulberry32: small, fast and the same on every machine, so a seed names one file. */
function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chance = (probability: number) => next() < probability;
  /** Picks by weight: `[[weight, value], …]`. */
  const weighted = <T>(table: readonly (readonly [number, T])[]): T => {
    let roll = next() * table.reduce((sum, [weight]) => sum + weight, 0);
    for (const [weight, value] of table) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return (table[table.length - 1] as readonly [number, T])[1];
  };
  return { int, pick, chance, weighted };
}
type Random = ReturnType<typeof randomSource>;

const FIRST_NAMES = [
  'María José',
  'José Luis',
  'Juan Carlos',
  'Ana Sofía',
  'Luis Ángel',
  'Jesús',
  'María Guadalupe',
  'Sofía',
  'Ximena',
  'Valentina',
  'Regina',
  'Santiago',
  'Emiliano',
  'Diego',
  'Mónica',
  'Verónica',
  'Héctor',
  'Rubén',
  'Ramón',
  'Tomás',
  'Inés',
  'Noé',
  'Raúl',
  'Efraín',
  'Yolanda',
  'Rocío',
  'Leticia',
  'Araceli',
  'Karla',
  'Ernesto',
  'Patricia',
  'Martín',
  'Adrián',
  'Fátima',
  'Begoña',
  'Iñaki',
  'Óscar',
  'Ángela',
  'Zoé',
  'Nicolás',
];
const SURNAMES = [
  'Garza',
  'Treviño',
  'González',
  'Rodríguez',
  'Martínez',
  'Hernández',
  'Villarreal',
  'Cantú',
  'Salinas',
  'Elizondo',
  'Flores',
  'de la Garza',
  'Guajardo',
  'Zambrano',
  'Valdés',
  'Dávila',
  'Aguirre',
  'Cárdenas',
  'Ibarra',
  'Farías',
  'Leal',
  'Muñoz',
  'Peña',
  'Núñez',
  'Ibáñez',
  'Zúñiga',
  'Saldaña',
  'Montaño',
  'Castañeda',
  'Ordóñez',
  'Espinoza',
  'Sánchez',
  'Pérez',
  'López',
  'Ramírez',
  'de León',
  'Múzquiz',
  'Recio',
];
const MAIL_DOMAINS = [
  'gmail.com',
  'hotmail.com',
  'outlook.com',
  'yahoo.com.mx',
  'live.com.mx',
  'prodigy.net.mx',
  'icloud.com',
];

// Illustrative plans: the reference provider publishes none in ../shared/domain.
const PLANS: readonly (readonly [number, { name: string; price: number }])[] = [
  [30, { name: 'Básico 10 Mbps', price: 35_000 }],
  [40, { name: 'Hogar 20 Mbps', price: 45_000 }],
  [22, { name: 'Plus 50 Mbps', price: 65_000 }],
  [8, { name: 'Negocio 100 Mbps', price: 120_000 }],
];

interface Town {
  name: string;
  state: string;
  areaCode: '81' | '844';
  zones: readonly string[];
  colonias: readonly string[];
  streets: readonly string[];
}
const TOWNS: readonly (readonly [number, Town])[] = [
  [
    30,
    {
      name: 'Saltillo',
      state: 'Coah.',
      areaCode: '844',
      zones: ['Torre Lomas de Lourdes', 'Torre Mirasierra', 'Sector Valle Real', 'Sector Centro'],
      colonias: [
        'Lourdes',
        'Mirasierra',
        'Valle Real',
        'República Oriente',
        'Bellavista',
        'Zona Centro',
        'Saltillo 2000',
      ],
      streets: [
        'Blvd. Venustiano Carranza',
        'Blvd. Nazario Ortiz Garza',
        'Calle Hidalgo',
        'Calle Victoria',
        'Calle Allende',
        'Av. Universidad',
      ],
    },
  ],
  [
    12,
    {
      name: 'Ramos Arizpe',
      state: 'Coah.',
      areaCode: '844',
      zones: ['Torre Parque Industrial', 'Sector Centro'],
      colonias: ['Centro', 'Analco', 'Manantiales del Valle'],
      streets: ['Blvd. Plan de Guadalupe', 'Calle Hidalgo', 'Calle Morelos'],
    },
  ],
  [
    6,
    {
      name: 'Arteaga',
      state: 'Coah.',
      areaCode: '844',
      zones: ['Torre San Antonio de las Alazanas', 'Sector Centro'],
      colonias: ['Centro', 'San Isidro', 'Los Lirios'],
      streets: ['Calle Juárez', 'Calle Zaragoza', 'Carretera a Los Lirios'],
    },
  ],
  [
    28,
    {
      name: 'Monterrey',
      state: 'N.L.',
      areaCode: '81',
      zones: ['Torre Cumbres', 'Torre Mitras', 'Sector Centro'],
      colonias: ['Cumbres', 'Mitras Centro', 'Centro', 'Contry', 'Obispado'],
      streets: [
        'Av. Gonzalitos',
        'Av. Constitución',
        'Calle Padre Mier',
        'Av. Ruiz Cortines',
        'Calle Zaragoza',
      ],
    },
  ],
  [
    12,
    {
      name: 'Santa Catarina',
      state: 'N.L.',
      areaCode: '81',
      zones: ['Torre La Huasteca', 'Sector Centro'],
      colonias: ['Centro', 'La Fama', 'Infonavit La Huasteca'],
      streets: ['Blvd. Díaz Ordaz', 'Calle Juárez', 'Av. Manuel Ordóñez'],
    },
  ],
  [
    12,
    {
      name: 'García',
      state: 'N.L.',
      areaCode: '81',
      zones: ['Torre Valle de Lincoln', 'Sector Centro'],
      colonias: ['Valle de Lincoln', 'Centro', 'Paseo de las Minas'],
      streets: ['Av. Lincoln', 'Calle Hidalgo', 'Calle Niños Héroes'],
    },
  ],
];

const STATUSES = [
  [70, 'Activo'],
  [8, 'activo'],
  [7, 'ACTIVO'],
  [4, 'Suspendido'],
  [2, 'SUSPENDIDO'],
  [2, 'Baja'],
  [2, 'Cancelado'],
  [2, 'Pendiente de instalación'],
  [1, 'pendiente_instalacion'],
  [2, ''],
] as const;
const CUTOFF_DAYS = [
  [25, '1'],
  [20, '5'],
  [15, '10'],
  [20, '15'],
  [10, '20'],
  [5, '28'],
  [3, '30'],
  [2, '31'],
] as const;

const asciiFold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function money(centavos: number, random: Random): string {
  const pesos = Math.floor(Math.abs(centavos) / 100).toString();
  const cents = String(Math.abs(centavos) % 100).padStart(2, '0');
  const grouped = pesos.replace(/\B(?=(\d{3})+$)/g, ',');
  const sign = centavos < 0 ? '-' : '';
  return random.pick([
    `${sign}${pesos}.${cents}`,
    `${sign}$${grouped}.${cents}`,
    `${sign}${grouped}.${cents}`,
  ]);
}

/**
 * The phone numbers and e-mail addresses already written: each belongs to one customer, as Atiende keeps
 * them, so a repeated one would be a problem the file did not plant.
 */
type Taken = Set<string>;

function phone(town: Town, random: Random, taken: Taken): string {
  // Ten digits: the area code, then a subscriber number that never starts with 0 or 1.
  const rest = 9 - town.areaCode.length;
  let digits: string;
  do {
    digits = `${town.areaCode}${2 + random.int(8)}${String(random.int(10 ** rest)).padStart(rest, '0')}`;
  } while (taken.has(digits));
  taken.add(digits);
  const [a, b, c] =
    town.areaCode === '81'
      ? [digits.slice(0, 2), digits.slice(2, 6), digits.slice(6)]
      : [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)];
  return random.pick([
    `${a} ${b} ${c}`,
    digits,
    `(${a}) ${b}-${c}`,
    `${a}-${b}-${c}`,
    `+52 ${a} ${b} ${c}`,
    `+52 1 ${a} ${b} ${c}`,
    `+52${digits}`,
    `044 ${a} ${b} ${c}`,
  ]);
}

function address(town: Town, random: Random): string {
  const street = random.pick(town.streets);
  const number = 100 + random.int(4900);
  const colonia = random.pick(town.colonias);
  const inside = random.chance(0.1) ? ` Int. ${1 + random.int(12)}` : '';
  const base = `${street} ${number}${inside}, Col. ${colonia}`;
  return random.weighted([
    [60, base],
    [25, `${base}, ${town.name}, ${town.state}`],
    [10, `Privada "${random.pick(['Los Pinos', 'Las Flores', 'El Mirador'])}" ${number}, Col. ${colonia}`],
    // Typed in a multi-line box of the billing system: the line break survives in a quoted field.
    [5, `${street} ${number}${inside}\nCol. ${colonia}, ${town.name}`],
  ]);
}

const COLUMNS = [
  'cuenta',
  'nombre',
  'telefono',
  'correo',
  'plan',
  'precio',
  'zona',
  'direccion',
  'dia_corte',
  'saldo',
  'estatus',
] as const;
type Row = Record<(typeof COLUMNS)[number], string>;
const HEADERS = [
  'Cuenta',
  'Nombre',
  'Teléfono',
  'Correo electrónico',
  'Plan',
  'Precio',
  'Zona',
  'Dirección',
  'Día de corte',
  'Saldo',
  'Estatus',
];

function goodRow(account: number, random: Random, taken: Taken): Row {
  const town = random.weighted(TOWNS);
  const first = random.pick(FIRST_NAMES);
  const last = `${random.pick(SURNAMES)} ${random.pick(SURNAMES)}`;
  const name = random.chance(0.1) ? `${first} ${last}`.toUpperCase() : `${first} ${last}`;
  const { name: plan, price } = random.weighted(PLANS);
  const mailbox = `${asciiFold(first.split(' ')[0] as string)}.${asciiFold(last.split(' ')[0] as string)}${random.chance(0.5) ? random.int(100) : ''}`;
  const domain = random.pick(MAIL_DOMAINS);
  const common = `${mailbox}@${domain}`.toLowerCase();
  const email = taken.has(common) ? `${mailbox}.${account}@${domain}` : `${mailbox}@${domain}`;
  taken.add(email.toLowerCase());
  const balance = random.weighted([
    [80, 0],
    [15, price * (1 + random.int(3))],
    [5, -(500 + random.int(30_000))],
  ]);
  return {
    cuenta: String(account),
    nombre: name,
    telefono: random.chance(0.92) ? phone(town, random, taken) : '',
    correo: random.chance(0.7) ? (random.chance(0.1) ? email.toUpperCase() : email) : '',
    plan,
    precio: random.pick([String(price / 100), money(price, random)]),
    zona: `${town.name} – ${random.pick(town.zones)}`,
    direccion: address(town, random),
    dia_corte: random.weighted(CUTOFF_DAYS),
    saldo: balance === 0 ? random.pick(['0', '0.00', '']) : money(balance, random),
    estatus: random.weighted(STATUSES),
  };
}

interface Spoiled {
  code: ImportProblemCode;
  /** Fields written as they are, unquoted, to break the row's structure. */
  raw?: Partial<Row>;
}

/** The address on one line, without quotes, ending in the delimiter and the town. */
const unquotedAddress = (row: Row, delimiter: string) =>
  `${row.direccion.replaceAll('\n', ' ').replaceAll('"', '')}${delimiter} ${row.zona.split(' – ')[0]}`;

/**
 * Each spoils a good row in one way only, for one code: the kinds of bad row the import must report,
 * those with two forms (columns or quotes; control characters or length) in both.
 */
const SPOILERS: readonly ((
  row: Row,
  random: Random,
  earlierAccounts: readonly string[],
  delimiter: string,
) => Spoiled)[] = [
  (row) => {
    row.cuenta = '';
    return { code: 'missing_account' };
  },
  (row, random, earlierAccounts) => {
    row.cuenta = random.pick(earlierAccounts);
    return { code: 'duplicate_account' };
  },
  (row, random) => {
    row.telefono = random.pick(['81 1234 567', '12345', '844 123', 'sin teléfono', '81-1234-56789']);
    return { code: 'invalid_phone' };
  },
  (row, random) => {
    row.correo = random.pick([
      'juan.garza@@gmail.com',
      'ana peña@hotmail.com',
      'luis.trevino.gmail.com',
      'maria@gmail',
      'x@.com',
    ]);
    return { code: 'invalid_email' };
  },
  (row, random) => {
    row.estatus = random.pick(['moroso', 'inactivo', 'En revisión', 'X', 'temporal']);
    return { code: 'unknown_status' };
  },
  (row, random) => {
    row.dia_corte = random.pick(['0', '32', 'quince', '15.5', '-5', '45']);
    return { code: 'invalid_cutoff_day' };
  },
  (row, random) => {
    row.precio = random.pick(['450,50', 'cuatrocientos', '350.505', '-350', '1.234,00', 'N/A']);
    return { code: 'invalid_price' };
  },
  (row, random) => {
    row.saldo = random.pick(['12,5', 'debe', '1.234,50', '100.999', '$$100', '9999999999']);
    return { code: 'invalid_balance' };
  },
  (row, random) => {
    row.nombre = random.pick(['', '   ']);
    return { code: 'missing_name' };
  },
  // The address, which has a delimiter in it, loses its quotes: an extra column.
  (row, _random, _earlier, delimiter) => ({
    code: 'too_many_columns',
    raw: { direccion: unquotedAddress(row, delimiter) },
  }),
  // …or its closing quote: a quote never closed.
  (row, _random, _earlier, delimiter) => ({
    code: 'unbalanced_quote',
    raw: { direccion: `"${unquotedAddress(row, delimiter)}` },
  }),
  (row, random) => {
    row.nombre = row.nombre.replace(' ', random.pick(['\u0000', '\u0007', '\u001b']));
    return { code: 'control_character' };
  },
  (row, random) => {
    // On one line: a long field spanning lines is taken for a quote never closed, and reported so.
    row.direccion = `${row.direccion.replaceAll('\n', ' ')} `.repeat(40).slice(0, 520 + random.int(300));
    return { code: 'field_too_long' };
  },
];

function encodeWindows1252(text: string): Buffer {
  const bytes = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const high = WINDOWS_1252_HIGH.indexOf(text[i] as string);
    bytes[i] = code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : high >= 0 ? 0x80 + high : 0x3f;
  }
  return bytes;
}

export function generateCustomersFile(options: CustomersFileOptions): CustomersFile {
  const random = randomSource(options.seed);
  const { delimiter, eol } = options;
  const quote = (value: string) =>
    value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

  // One bad row in each block of 100, at a random place in it; kinds dealt from a shuffled deck.
  const badCount = Math.floor(options.rows / 100);
  const badAt = new Map<number, number>();
  const deck = Array.from({ length: badCount }, (_, i) => i % SPOILERS.length);
  for (let i = deck.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [deck[i], deck[j]] = [deck[j] as number, deck[i] as number];
  }
  for (let block = 0; block < badCount; block++)
    badAt.set(block * 100 + 1 + random.int(99), deck[block] as number);

  const lines: string[] = [HEADERS.map(quote).join(delimiter)];
  const badRows: ExpectedBadRow[] = [];
  const goodAccounts: string[] = [];
  const taken: Taken = new Set();
  let line = 2;
  for (let index = 0; index < options.rows; index++) {
    const row = goodRow(100_001 + index, random, taken);
    const kind = badAt.get(index);
    const spoiled = kind === undefined ? undefined : SPOILERS[kind]?.(row, random, goodAccounts, delimiter);
    const text = COLUMNS.map((column) => spoiled?.raw?.[column] ?? quote(row[column])).join(delimiter);
    if (spoiled === undefined) goodAccounts.push(row.cuenta);
    else badRows.push({ line, code: spoiled.code });
    lines.push(text);
    line += 1 + (text.match(/\n/g)?.length ?? 0);
  }

  const text = `${options.bom && options.encoding === 'utf8' ? '\ufeff' : ''}${lines.join(eol)}${eol}`;
  const bytes = options.encoding === 'utf8' ? Buffer.from(text, 'utf8') : encodeWindows1252(text);
  return { bytes, badRows };
}

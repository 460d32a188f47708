import { describe, expect, it } from 'vitest';
import type { CustomerColumn } from './columns.ts';
import { type CustomerImportRecord, type ImportProblemCode, readCustomersCsv } from './rows.ts';

const HEADER = 'cuenta,nombre,telefono,correo,plan,precio,zona,direccion,dia_corte,saldo,estatus';

const GOOD: Record<CustomerColumn, string> = {
  cuenta: '10001',
  nombre: 'María José Garza Treviño',
  telefono: '81 1234 5678',
  correo: 'MJ.Garza@Gmail.com',
  plan: 'Hogar 20 Mbps',
  precio: '450.00',
  zona: 'Saltillo – Torre Lomas',
  direccion: 'Calle Hidalgo 123, Col. Centro',
  dia_corte: '15',
  saldo: '0',
  estatus: 'Activo',
};

const GOOD_RECORD: CustomerImportRecord = {
  line: 2,
  accountNumber: '10001',
  name: 'María José Garza Treviño',
  phone: '+528112345678',
  email: 'mj.garza@gmail.com',
  plan: 'Hogar 20 Mbps',
  priceCentavos: 45_000,
  zone: 'Saltillo – Torre Lomas',
  address: 'Calle Hidalgo 123, Col. Centro',
  cutoffDay: 15,
  balanceCentavos: 0,
  status: 'activo',
};

const quote = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const line = (over: Partial<Record<CustomerColumn, string>> = {}) =>
  Object.values({ ...GOOD, ...over })
    .map(quote)
    .join(',');

const read = (text: string | Uint8Array) => {
  const file = readCustomersCsv(typeof text === 'string' ? Buffer.from(text) : text);
  return { ...file, rows: [...file.rows()] };
};
const onlyRow = (over: Partial<Record<CustomerColumn, string>>) => {
  const [row] = read(`${HEADER}\n${line(over)}\n`).rows;
  return row;
};
const codes = (over: Partial<Record<CustomerColumn, string>>) => {
  const row = onlyRow(over);
  return row?.ok === false ? row.problems.map((p) => [p.column, p.code]) : [];
};

describe('a customers row', () => {
  it('becomes a typed record', () => {
    expect(onlyRow({})).toEqual({ ok: true, record: GOOD_RECORD });
  });

  it('leaves blank optional fields null, and a blank balance zero', () => {
    const blank = { telefono: '', correo: '', plan: '', precio: '', zona: '', direccion: '' };
    expect(onlyRow({ ...blank, dia_corte: '', saldo: '', estatus: '' })).toEqual({
      ok: true,
      record: {
        ...GOOD_RECORD,
        phone: null,
        email: null,
        plan: null,
        priceCentavos: null,
        zone: null,
        address: null,
        cutoffDay: null,
        balanceCentavos: 0,
        status: null,
      },
    });
  });

  it('collapses whitespace, line breaks in quoted addresses included', () => {
    const row = onlyRow({ nombre: '  María   José\tGarza ', direccion: 'Calle Hidalgo 123,\r\nCol. Centro' });
    expect(row).toMatchObject({
      ok: true,
      record: { name: 'María José Garza', address: 'Calle Hidalgo 123, Col. Centro' },
    });
  });

  it.each([
    ['81 1234 5678', '+528112345678'],
    ['(844) 688 7331', '+528446887331'],
    ['844-688-7331', '+528446887331'],
    ['+52 844 688 7331', '+528446887331'],
    ['+52 1 81 4774 6333', '+528147746333'],
    ['044 81 4774 6333', '+528147746333'],
    ['045 844 688 7331', '+528446887331'],
    ['+1 956 555 0123', '+19565550123'],
  ])('reads the phone %j as %s', (telefono, phone) => {
    expect(onlyRow({ telefono })).toMatchObject({ ok: true, record: { phone } });
  });

  it.each([
    ['activo', 'activo'],
    ['Activa', 'activo'],
    ['ACTIVO', 'activo'],
    ['Alta', 'activo'],
    ['SUSPENDIDO', 'suspendido'],
    ['Suspensión', 'suspendido'],
    ['cortado', 'suspendido'],
    ['Cancelado', 'cancelado'],
    ['baja', 'cancelado'],
    ['Dado de baja', 'cancelado'],
    ['pendiente_instalacion', 'pendiente_instalacion'],
    ['Pendiente de instalación', 'pendiente_instalacion'],
    ['POR INSTALAR', 'pendiente_instalacion'],
  ])('reads the status %j as %s', (estatus, status) => {
    expect(onlyRow({ estatus })).toMatchObject({ ok: true, record: { status } });
  });

  it.each([
    ['$1,234.50', '-150.00', 123_450, -15_000],
    ['350', '$700', 35_000, 70_000],
    ['0', '-$0.29', 0, -29],
  ])('reads price %j and balance %j', (precio, saldo, priceCentavos, balanceCentavos) => {
    expect(onlyRow({ precio, saldo })).toMatchObject({
      ok: true,
      record: { priceCentavos, balanceCentavos },
    });
  });

  it.each(['1', '05', '28', '31'])('reads the cut-off day %j', (dia_corte) => {
    expect(onlyRow({ dia_corte })).toMatchObject({ ok: true, record: { cutoffDay: Number(dia_corte) } });
  });

  it.each<[string, Partial<Record<CustomerColumn, string>>, [CustomerColumn | null, ImportProblemCode][]]>([
    ['no account', { cuenta: '' }, [['cuenta', 'missing_account']]],
    ['only spaces for an account', { cuenta: '   ' }, [['cuenta', 'missing_account']]],
    ['no name', { nombre: '' }, [['nombre', 'missing_name']]],
    ['a phone too short', { telefono: '81 1234 567' }, [['telefono', 'invalid_phone']]],
    ['a phone in words', { telefono: 'no tiene' }, [['telefono', 'invalid_phone']]],
    ['a phone too long', { telefono: '81 1234 5678 9' }, [['telefono', 'invalid_phone']]],
    ['an e-mail without @', { correo: 'juan.gmail.com' }, [['correo', 'invalid_email']]],
    ['an e-mail with two @', { correo: 'juan@@gmail.com' }, [['correo', 'invalid_email']]],
    ['an e-mail with a space', { correo: 'juan perez@gmail.com' }, [['correo', 'invalid_email']]],
    ['an e-mail without a dotted domain', { correo: 'juan@gmail' }, [['correo', 'invalid_email']]],
    ['an unknown status', { estatus: 'moroso' }, [['estatus', 'unknown_status']]],
    ['"inactivo", which could be two statuses', { estatus: 'inactivo' }, [['estatus', 'unknown_status']]],
    ['"pendiente", which could be two statuses', { estatus: 'Pendiente' }, [['estatus', 'unknown_status']]],
    ['cut-off day 0', { dia_corte: '0' }, [['dia_corte', 'invalid_cutoff_day']]],
    ['cut-off day 32', { dia_corte: '32' }, [['dia_corte', 'invalid_cutoff_day']]],
    ['cut-off day in words', { dia_corte: 'quince' }, [['dia_corte', 'invalid_cutoff_day']]],
    ['cut-off day with decimals', { dia_corte: '15.0' }, [['dia_corte', 'invalid_cutoff_day']]],
    ['a negative cut-off day', { dia_corte: '-1' }, [['dia_corte', 'invalid_cutoff_day']]],
    ['a price with a decimal comma', { precio: '450,50' }, [['precio', 'invalid_price']]],
    ['a negative price', { precio: '-450' }, [['precio', 'invalid_price']]],
    ['a price in words', { precio: 'cuatrocientos' }, [['precio', 'invalid_price']]],
    ['a balance with three decimals', { saldo: '100.999' }, [['saldo', 'invalid_balance']]],
    ['a balance in European format', { saldo: '1.234,50' }, [['saldo', 'invalid_balance']]],
    ['an absurd balance', { saldo: '999999999999' }, [['saldo', 'invalid_balance']]],
    ['a NUL in the name', { nombre: 'Juan\u0000 Pérez' }, [['nombre', 'control_character']]],
    ['a bell in the address', { direccion: 'Hidalgo\u0007 12' }, [['direccion', 'control_character']]],
    ['a C1 control in the plan', { plan: 'Hogar\u0085' }, [['plan', 'control_character']]],
    ['an address too long', { direccion: 'x'.repeat(501) }, [['direccion', 'field_too_long']]],
    ['an account too long', { cuenta: '9'.repeat(501) }, [['cuenta', 'field_too_long']]],
    [
      'several problems at once',
      { nombre: '', telefono: '123', dia_corte: '40', estatus: '?' },
      [
        ['nombre', 'missing_name'],
        ['telefono', 'invalid_phone'],
        ['dia_corte', 'invalid_cutoff_day'],
        ['estatus', 'unknown_status'],
      ],
    ],
  ])('refuses %s', (_name, over, expected) => {
    expect(codes(over)).toEqual(expected);
  });

  it('accepts an address of exactly the longest length', () => {
    expect(onlyRow({ direccion: 'x'.repeat(500) })).toMatchObject({ ok: true });
  });

  it('gives each problem its line, column, code and a Spanish message without the value', () => {
    const row = onlyRow({ precio: '450,50' });
    expect(row).toEqual({
      ok: false,
      line: 2,
      problems: [
        {
          line: 2,
          column: 'precio',
          code: 'invalid_price',
          message: 'El precio debe usar punto para decimales y coma para miles (ejemplo: 1,234.50).',
        },
      ],
    });
  });
});

describe('a customers file', () => {
  it('refuses a second row with the same account, naming the first line', () => {
    const { rows } = read(
      `${HEADER}\n${line()}\n${line({ nombre: 'Otro' })}\n${line({ cuenta: '10002' })}\n`,
    );
    expect(rows.map((row) => (row.ok ? 'ok' : row.problems.map((p) => `${p.code} ${p.message}`)))).toEqual([
      'ok',
      ['duplicate_account El número de cuenta ya aparece en la línea 2.'],
      'ok',
    ]);
  });

  it('counts lines as an editor does: blank lines and line breaks in quotes included', () => {
    const text = [
      HEADER,
      '',
      line({ cuenta: '1', direccion: 'Calle 1\nCol. Centro\nSaltillo' }),
      line({ cuenta: '2', telefono: 'x' }),
      ',,,,,,,,,,',
      line({ cuenta: '3', correo: 'x' }),
    ].join('\r\n');
    const { rows } = read(text);
    expect(rows.map((row) => (row.ok ? row.record.line : row.problems.map((p) => [p.line, p.code])))).toEqual(
      [3, [[6, 'invalid_phone']], [[8, 'invalid_email']]],
    );
  });

  it.each([
    [`${line({ cuenta: '1' })},extra`, 'too_many_columns'],
    [
      line({ cuenta: '1', direccion: 'Hidalgo 12, Centro' }).replace(
        '"Hidalgo 12, Centro"',
        'Hidalgo 12, Centro',
      ),
      'too_many_columns',
    ],
    ['1,Ana,8112345678', 'too_few_columns'],
    [
      line({ cuenta: '1' }).replace('"Calle Hidalgo 123, Col. Centro"', '"Calle Hidalgo 123, Col. Centro'),
      'unbalanced_quote',
    ],
  ])('refuses the whole row %j as %s, and reads the next one', (bad, code) => {
    const { rows } = read(`${HEADER}\n${bad}\n${line({ cuenta: '2' })}\n`);
    expect(rows).toEqual([
      { ok: false, line: 2, problems: [expect.objectContaining({ line: 2, column: null, code })] },
      { ok: true, record: { ...GOOD_RECORD, accountNumber: '2', line: 3 } },
    ]);
  });

  it('refuses empty fields after the last column: a row shifted by one with a blank last field looks so', () => {
    const shifted = line({ direccion: 'Hidalgo 12, Centro', estatus: '' }).replace(
      '"Hidalgo 12, Centro"',
      'Hidalgo 12, Centro',
    );
    expect(read(`${HEADER}\n${shifted}\n`).rows).toEqual([
      { ok: false, line: 2, problems: [expect.objectContaining({ code: 'too_many_columns' })] },
    ]);
  });

  it('accepts trailing delimiters when the header has them too', () => {
    expect(read(`${HEADER},\n${line()},\n`).rows).toEqual([{ ok: true, record: GOOD_RECORD }]);
  });

  it.each([
    ['Cuenta,Nombre,Teléfono,CORREO ELECTRONICO,Plan,Precio,Zona,Dirección,Día de corte,Saldo,Status'],
    [
      'No. de cuenta,Nombre completo,Celular,E-mail,Paquete,Mensualidad,Sector,Domicilio,Fecha de corte,Saldo inicial,Estatus',
    ],
    ['NUMERO_CUENTA,TITULAR,MOVIL,EMAIL,PLAN,TARIFA,TORRE,DIRECCION,DIA_CORTE,ADEUDO,SITUACION'],
  ])('knows the columns by other names: %s', (header) => {
    expect(read(`${header}\n${line()}\n`)).toMatchObject({
      fileProblems: [],
      rows: [{ ok: true, record: GOOD_RECORD }],
    });
  });

  it('reads columns in any order, ignoring unknown ones but naming them', () => {
    const file = read('Estado,Nombre,Notas,Cuenta\nCoahuila,Ana Peña,cliente antiguo,77\n');
    expect(file.ignoredHeaders).toEqual(['Estado', 'Notas']);
    expect(file.rows).toEqual([
      {
        ok: true,
        record: {
          line: 2,
          accountNumber: '77',
          name: 'Ana Peña',
          phone: null,
          email: null,
          plan: null,
          priceCentavos: null,
          zone: null,
          address: null,
          cutoffDay: null,
          balanceCentavos: 0,
          status: null,
        },
      },
    ]);
  });

  it('reads a Windows-1252 file with semicolons and CRLF', () => {
    const text = `Cuenta;Nombre;Zona;Saldo\r\n5;José Ñúñez Peña;Arteaga – Torre “Los Lirios”;1,234.50\r\n`;
    const bytes = Buffer.from(
      [...text].map((c) => ({ '–': 0x96, '“': 0x93, '”': 0x94 })[c] ?? c.charCodeAt(0)),
    );
    const file = read(bytes);
    expect(file).toMatchObject({ encoding: 'windows-1252', delimiter: ';', fileProblems: [] });
    expect(file.rows).toMatchObject([
      {
        ok: true,
        record: { name: 'José Ñúñez Peña', zone: 'Arteaga – Torre “Los Lirios”', balanceCentavos: 123_450 },
      },
    ]);
  });

  it('reads a UTF-8 file with a BOM', () => {
    const file = read(Buffer.from(`\ufeff${HEADER}\n${line()}\n`));
    expect(file).toMatchObject({
      encoding: 'utf-8',
      delimiter: ',',
      rows: [{ ok: true, record: GOOD_RECORD }],
    });
  });

  it.each([
    ['', [[1, null, 'empty_file']]],
    ['\n\n', [[1, null, 'empty_file']]],
    ['nombre,telefono\nAna,8112345678\n', [[1, 'cuenta', 'missing_column']]],
    [
      'foo,bar\n',
      [
        [1, 'cuenta', 'missing_column'],
        [1, 'nombre', 'missing_column'],
      ],
    ],
    ['cuenta,nombre,Número de cuenta\n', [[1, 'cuenta', 'duplicate_column']]],
    ['\ncuenta,"nombre\n', [[2, null, 'unbalanced_quote']]],
  ])('refuses the file %j as a whole', (text, expected) => {
    const file = read(text);
    expect(file.fileProblems.map((p) => [p.line, p.column, p.code])).toEqual(expected);
    expect(file.rows).toEqual([]);
  });

  it('reads the rows again from the top on each call', () => {
    const file = readCustomersCsv(Buffer.from(`${HEADER}\n${line()}\n${line({ cuenta: '2' })}\n`));
    const first = [...file.rows()];
    expect([...file.rows()]).toEqual(first);
    expect(first.every((row) => row.ok)).toBe(true);
  });
});

/**
 * The columns of a customers file, by the names billing systems and people give them. A header is
 * compared without case, accents, punctuation or connecting words, so "Día de corte", "DIA_CORTE" and
 * "dia de  corte" are the same column.
 */

export const CUSTOMER_COLUMNS = [
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
export type CustomerColumn = (typeof CUSTOMER_COLUMNS)[number];

/** Without an account number a row cannot be matched later, and without a name an agent cannot greet. */
export const REQUIRED_COLUMNS: readonly CustomerColumn[] = ['cuenta', 'nombre'];

const CONNECTORS = new Set(['de', 'del', 'el', 'la']);

/** "Número de Cuenta" → "numero_cuenta": lower case, no accents, words joined by `_`, connectors gone. */
export function comparable(label: string): string {
  return label
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '' && !CONNECTORS.has(word))
    .join('_');
}

// "estado" is left out on purpose: in a Mexican address it is the state (Coahuila, Nuevo León).
// "cliente" alone is left out too: some systems use it for the number, others for the name.
const ALIASES: Record<CustomerColumn, readonly string[]> = {
  cuenta: [
    'cuenta',
    'numero_cuenta',
    'no_cuenta',
    'num_cuenta',
    'numero_cliente',
    'no_cliente',
    'num_cliente',
    'id_cliente',
    'clave_cliente',
    'account',
    'account_number',
  ],
  nombre: ['nombre', 'nombre_completo', 'nombre_cliente', 'titular', 'name'],
  telefono: [
    'telefono',
    'tel',
    'celular',
    'movil',
    'telefono_celular',
    'telefono_movil',
    'whatsapp',
    'phone',
  ],
  correo: ['correo', 'correo_electronico', 'email', 'e_mail', 'mail'],
  plan: ['plan', 'paquete', 'plan_contratado'],
  precio: ['precio', 'precio_mensual', 'mensualidad', 'tarifa', 'renta', 'renta_mensual', 'price'],
  zona: ['zona', 'sector', 'torre', 'nodo', 'zone'],
  direccion: ['direccion', 'domicilio', 'address'],
  dia_corte: ['dia_corte', 'corte', 'fecha_corte', 'cutoff_day'],
  saldo: ['saldo', 'saldo_inicial', 'saldo_actual', 'adeudo', 'balance'],
  estatus: ['estatus', 'status', 'estatus_servicio', 'estado_servicio', 'situacion'],
};

const COLUMN_BY_ALIAS = new Map<string, CustomerColumn>(
  CUSTOMER_COLUMNS.flatMap((column) => ALIASES[column].map((alias) => [alias, column] as const)),
);

export function columnForHeader(header: string): CustomerColumn | undefined {
  return COLUMN_BY_ALIAS.get(comparable(header));
}

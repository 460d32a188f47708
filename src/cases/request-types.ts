/** Request types a customer can raise, as the provider's Código de Prácticas Comerciales lists them. */
export const REQUEST_TYPES = [
  'duda',
  'consulta',
  'aclaracion',
  'queja',
  'falla',
  'sugerencia',
  'contratacion',
  'saldo',
  'cancelacion',
  'suspension',
  'arco',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

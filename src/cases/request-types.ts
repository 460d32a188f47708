import { REQUEST_TYPES, type RequestType } from '../domain/vocabulary.ts';

/** Request types a customer can raise, as the provider's Código de Prácticas Comerciales lists them. */
export { REQUEST_TYPES, type RequestType };

/** How customers read each type in Spanish (es-MX), e.g. in acknowledgements: "tu solicitud de {tipo}". */
export const REQUEST_TYPE_LABELS_ES: Record<RequestType, string> = {
  duda: 'duda',
  consulta: 'consulta',
  aclaracion: 'aclaración',
  queja: 'queja',
  falla: 'reporte de falla',
  sugerencia: 'sugerencia',
  contratacion: 'contratación',
  saldo: 'consulta de saldo',
  cancelacion: 'cancelación',
  suspension: 'suspensión',
  arco: 'derechos ARCO',
};

/** The request type a customer picked (a button or list reply's code), if it names one. */
export const asRequestType = (code: string | undefined): RequestType | undefined => {
  const wanted = code?.toLowerCase();
  return REQUEST_TYPES.find((t) => t === wanted);
};

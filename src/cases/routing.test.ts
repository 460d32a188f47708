import { describe, expect, it } from 'vitest';
import { EXAMPLE_PROFILE_PATH } from '../config/env.ts';
import { readProfileFile } from '../config/profile.ts';
import type { RequestType } from './request-types.ts';
import { routeToArea } from './routing.ts';

describe('routing rules of the example profile', async () => {
  const { routingRules } = await readProfileFile(EXAMPLE_PROFILE_PATH);

  it.each<[RequestType, string, string]>([
    ['falla', 'No tengo internet desde ayer', 'soporte_tecnico'],
    ['aclaracion', 'Me cobraron dos veces', 'facturacion_cobranza'],
    ['saldo', '¿Cuánto debo?', 'facturacion_cobranza'],
    ['contratacion', 'Quiero el plan de 50 megas', 'ventas_contrataciones'],
    ['cancelacion', 'Quiero dar de baja', 'cancelaciones'],
    ['suspension', 'Me robaron la antena', 'cancelaciones'],
    ['queja', 'Pésima atención', 'atencion_quejas'],
    ['arco', 'Quiero acceder a mis datos', 'atencion_quejas'],
    ['consulta', 'Tengo una duda de mi FACTURA', 'facturacion_cobranza'],
    ['duda', 'la señal está muy lenta', 'soporte_tecnico'],
    ['duda', 'la SENAL se cae', 'soporte_tecnico'],
    ['sugerencia', 'Deberían abrir los domingos', 'atencion_quejas'],
  ])('%s "%s" → %s', (requestType, text, area) => {
    expect(routeToArea(routingRules, { requestType, text })).toBe(area);
  });

  it('returns undefined when no rule matches', () => {
    expect(
      routeToArea([{ requestTypes: ['falla'], keywords: [], area: 'x' }], { requestType: 'duda', text: '' }),
    ).toBe(undefined);
  });
});

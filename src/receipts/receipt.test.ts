import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, launchBrowser } from '../test/chromium.ts';
import { type Receipt, receiptHtml, toRegulator } from './receipt.ts';

const RECEIPT: Receipt = {
  provider: 'Monet Móvil',
  legalName: 'Monet Móvil Telecomunicaciones del Noreste, S.A. de C.V.',
  folio: 'MON-2026-000382-3',
  filedAt: '4 de mayo de 2026, 10:15',
  requestType: 'Queja',
  channel: 'Portal de Internet',
  summary:
    'Me cobraron dos veces la mensualidad de noviembre y nadie me da razón; escribí a facturacion.cobranza.monterrey@monet.example.com sin respuesta.',
  deadline: '14 de mayo de 2026, 18:00',
  contacts: [
    { name: 'Correo electrónico', display: 'atencion.clientes.monterrey@monetmovil.example.com.mx' },
    { name: 'Teléfono', display: '(844) 688 7331, (81) 4774 6333' },
  ],
  regulators: {
    telecom: 'Comisión Reguladora de Telecomunicaciones (CRT)',
    consumer: 'Procuraduría Federal del Consumidor (PROFECO)',
  },
};

describe('the written receipt', () => {
  it('names the regulators with the article Spanish needs after "acudir a"', () => {
    expect(toRegulator('Procuraduría Federal del Consumidor (PROFECO)')).toBe(
      'a la Procuraduría Federal del Consumidor (PROFECO)',
    );
    expect(toRegulator('Comisión Reguladora de Telecomunicaciones (CRT)')).toBe(
      'a la Comisión Reguladora de Telecomunicaciones (CRT)',
    );
    expect(toRegulator('Instituto Federal de Telecomunicaciones')).toBe(
      'al Instituto Federal de Telecomunicaciones',
    );
    expect(toRegulator('El Instituto Federal de Telecomunicaciones')).toBe(
      'al Instituto Federal de Telecomunicaciones',
    );
    expect(toRegulator('La Procuraduría')).toBe('a La Procuraduría');
    expect(receiptHtml(RECEIPT)).toContain(
      'Si no está conforme con la atención, puede acudir a la Procuraduría Federal del Consumidor (PROFECO) o a la Comisión Reguladora de Telecomunicaciones (CRT).',
    );
  });
});

const describeChromium = existsSync(CHROMIUM_PATH) ? describe : describe.skip;

describeChromium('the HTML receipt on a phone [browser]', () => {
  it.each([360, 1024])('fits %i px without scrolling sideways', async (width) => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      await page.setContent(receiptHtml(RECEIPT));
      const sizes = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
        widest: Math.max(
          ...[...document.body.querySelectorAll('*')].map((e) => e.getBoundingClientRect().right),
        ),
      }));
      expect(sizes.scroll).toBeLessThanOrEqual(sizes.client);
      expect(sizes.widest).toBeLessThanOrEqual(width);
      if (width === 360) {
        // Labels go above their values: the value starts at the label's left edge, not beside it.
        const [label, value] = await page.evaluate(() =>
          [document.querySelector('dt'), document.querySelector('dd')].map(
            (e) => e?.getBoundingClientRect().left,
          ),
        );
        expect(value).toBe(label);
      }
    } finally {
      await browser.close();
    }
  });
});

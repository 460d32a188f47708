import { AxeBuilder } from '@axe-core/playwright';
import { beforeAll, expect, it } from 'vitest';
import { loginOverHttp } from '../../src/test/processes.ts';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';
import { adminApi } from './servers.ts';

// A 1×1 PNG: the photo of the OXXO ticket.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** A day `days` before today in Monterrey, as the provider dates charges and notices. */
const daysAgo = (days: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Monterrey' }).format(
    new Date(Date.now() - days * 86_400_000),
  );

describeBrowser('a payment registered on a suspended service', () => {
  const app = portalUnderTest();
  let agent: { email: string; password: string };
  let folio: string;
  let serviceId: string;

  beforeAll(async () => {
    const admin = await adminApi(app.url);
    agent = await admin.createAgent('agent', 'Marta Salinas', ['facturacion_cobranza']);
    const headers = await loginOverHttp(app.url);
    const call = async <T>(method: string, url: string, body?: unknown) => {
      const response = await fetch(`${app.url}/api/v1${url}`, {
        method,
        headers,
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    // A customer cut off for not paying November, who calls to say she paid at OXXO.
    const kase = await call<{ folio: string; customer: { id: string } }>('POST', '/cases', {
      requestType: 'saldo',
      channel: 'telefono',
      contact: { kind: 'whatsapp', address: '+528119876543' },
      customerName: 'Guadalupe Ibarra',
      description: 'Ya pagué en OXXO y sigo sin internet.',
    });
    folio = kase.folio;
    const service = await call<{ id: string }>('POST', `/customers/${kase.customer.id}/services`, {
      cutoffDay: 10,
      installAddress: 'Av. Morelos 1450, Col. Centro',
    });
    serviceId = service.id;
    await call('POST', `/services/${serviceId}/ledger`, {
      kind: 'cargo',
      amountCentavos: 35_000,
      effectiveDate: daysAgo(70),
      reference: 'Mensualidad de noviembre',
    });
    // Cut off by the non-payment rules: a charge long past due, a notice four days ago, a supervisor's confirmation.
    await call('POST', `/services/${serviceId}/suspension-notices`, {
      noticedOn: daysAgo(4),
      outcome: 'entregado',
    });
    await call('POST', '/suspensions/confirm', { serviceIds: [serviceId] });
  }, 240_000);

  it('registers the payment with the receipt photo, shows the reconnection clock on the case, and records a promise', async () => {
    const { context, page } = await openPage(app.browser, { width: 1366, height: 900, language: 'es-MX' });
    await page.goto(`${app.url}/`);
    await page.getByLabel(/Correo electrónico|E-mail/).fill(agent.email);
    await page.getByLabel(/Contraseña|Password/).fill(agent.password);
    await page.getByRole('button', { name: /^(Iniciar sesión|Sign in)$/ }).click();
    await page.getByRole('heading', { name: /^(Bandeja|Inbox)$/, level: 1 }).waitFor();
    await page.goto(`${app.url}/app/cases/${folio}`);
    await page.getByRole('heading', { name: `Folio ${folio}` }).waitFor();

    const panel = page.getByTestId('case-payments');
    await panel.getByRole('button', { name: 'Registrar pago' }).click();
    const form = panel.getByRole('form', { name: 'Registrar pago' });
    const axe = await new AxeBuilder({ page })
      .include('[data-testid="case-payments"]')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);
    await form.getByLabel('Servicio').selectOption(serviceId);
    await form.getByLabel('Monto (MXN)').fill('350.00');
    await form.getByLabel('Forma de pago').selectOption('oxxo');
    await form.getByLabel('Referencia o folio del comprobante').fill('OXXO 4417 0092');
    await form.getByLabel('Foto del comprobante').setInputFiles({
      name: 'ticket-oxxo.png',
      mimeType: 'image/png',
      buffer: Buffer.from(PNG, 'base64'),
    });
    await form.getByRole('button', { name: 'Guardar' }).click();

    await panel.getByTestId('payment').getByText('$350.00 MXN').waitFor();
    expect(await panel.getByTestId('payment-status').textContent()).toBe('Confirmado');
    const receipt = panel.getByRole('link', { name: 'Ver comprobante' });
    const href = (await receipt.getAttribute('href')) ?? '';
    expect(await page.evaluate(async (url) => (await fetch(url)).headers.get('content-type'), href)).toBe(
      'image/png',
    );

    const clock = page.getByTestId(`reconnection-${serviceId}`);
    await clock.waitFor();
    expect(await clock.textContent()).toMatch(/Vence en (1 d|4[78] h|2 d)/);
    expect(await page.getByTestId('reconnection-clocks').textContent()).toContain('Reconexión');
    // The case's timeline tells what happened, in words.
    await page.getByTestId('timeline').getByText('registró un pago de $350.00 MXN (OXXO)').waitFor();
    await page
      .getByTestId('timeline')
      .getByText(/corre el plazo de reconexión de 48 h/)
      .waitFor();
    await screenshot(page, 'case-payment-reconnection');

    // Next month's bill: the customer promises to pay it within three days.
    const promisedFor = new Date(Date.now() + 3 * 86_400_000).toLocaleDateString('en-CA', {
      timeZone: 'America/Monterrey',
    });
    await panel.getByRole('button', { name: 'Promesa de pago' }).click();
    const promise = panel.getByRole('form', { name: 'Promesa de pago' });
    await promise.getByLabel('Monto (MXN)').fill('350');
    await promise.getByLabel('Pagará a más tardar el').fill(promisedFor);
    await promise.getByRole('button', { name: 'Guardar' }).click();
    expect(await panel.getByTestId('promise').textContent()).toBe(
      `Promesa de $350.00 MXN para el ${promisedFor} · Vigente`,
    );
    await context.close();
  }, 120_000);
});

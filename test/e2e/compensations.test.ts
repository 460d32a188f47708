import { AxeBuilder } from '@axe-core/playwright';
import { beforeAll, expect, it } from 'vitest';
import { loginOverHttp } from '../../src/test/processes.ts';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';
import { adminApi } from './servers.ts';

/** A day `days` before today in Monterrey, as the provider dates charges. */
const daysAgo = (days: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Monterrey' }).format(
    new Date(Date.now() - days * 86_400_000),
  );

describeBrowser('an improper charge refunded from the case page', () => {
  const app = portalUnderTest();
  let agent: { email: string; password: string };
  let folio: string;
  let chargeId: number;

  beforeAll(async () => {
    const admin = await adminApi(app.url);
    agent = await admin.createAgent('agent', 'Marta Salinas', ['facturacion_cobranza']);
    const asAdmin = await loginOverHttp(app.url);
    const asAgent = await loginOverHttp(app.url, agent);
    const call = async <T>(headers: Record<string, string>, method: string, url: string, body?: unknown) => {
      const response = await fetch(`${app.url}/api/v1${url}`, {
        method,
        headers,
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    const kase = await call<{ folio: string; customer: { id: string } }>(asAgent, 'POST', '/cases', {
      requestType: 'aclaracion',
      subtype: 'cargo_indebido',
      channel: 'telefono',
      contact: { kind: 'whatsapp', address: '+528119876540' },
      customerName: 'Guadalupe Ibarra',
      description: 'Me cobraron una renta de módem que no tengo.',
    });
    folio = kase.folio;
    const service = await call<{ id: string }>(asAdmin, 'POST', `/customers/${kase.customer.id}/services`, {
      cutoffDay: 10,
      installAddress: 'Av. Morelos 1450, Col. Centro',
    });
    const charge = await call<{ id: number }>(asAdmin, 'POST', `/services/${service.id}/ledger`, {
      kind: 'cargo',
      amountCentavos: 35_000,
      effectiveDate: daysAgo(5),
      reference: 'Renta de módem',
    });
    chargeId = charge.id;
    await call(asAgent, 'POST', `/cases/${folio}/status`, { status: 'en_proceso' });
  }, 240_000);

  it('resolves with the amount, shows the refund and its deadline, and records it paid back', async () => {
    const { context, page } = await openPage(app.browser, { width: 1366, height: 900, language: 'es-MX' });
    await page.goto(`${app.url}/`);
    await page.getByLabel(/Correo electrónico|E-mail/).fill(agent.email);
    await page.getByLabel(/Contraseña|Password/).fill(agent.password);
    await page.getByRole('button', { name: /^(Iniciar sesión|Sign in)$/ }).click();
    await page.getByRole('heading', { name: /^(Bandeja|Inbox)$/, level: 1 }).waitFor();
    await page.goto(`${app.url}/app/cases/${folio}`);
    await page.getByRole('heading', { name: `Folio ${folio}` }).waitFor();

    await page.getByLabel('Nuevo estado').selectOption('resuelto');
    await page.getByLabel('Cargo indebido a reembolsar (MXN)').fill('350');
    await page.getByLabel(/^Número del cargo en el estado de cuenta/).fill(String(chargeId));
    await page.getByRole('button', { name: 'Cambiar estado' }).click();

    const panel = page.getByTestId('case-compensations');
    const item = panel.getByTestId('compensation');
    await item.getByText('Reembolso de cargo indebido').waitFor();
    expect(await item.getByTestId('compensation-status').textContent()).toBe('Aplicada');
    expect(await item.textContent()).toContain('Aplicado: $420.00 MXN');
    await item.getByText(/^Devolver a más tardar el/).waitFor();
    const axe = await new AxeBuilder({ page })
      .include('[data-testid="case-compensations"]')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);

    await item.getByRole('button', { name: 'Reembolso hecho' }).click();
    const form = item.getByRole('form', { name: 'Reembolso hecho' });
    await form.getByLabel('Medio').selectOption('spei');
    await form.getByLabel('Referencia').fill('SPEI 0099');
    await form.getByRole('button', { name: 'Registrar reembolso' }).click();
    await item.getByText(/^Devuelto el/).waitFor();
    await page
      .getByTestId('timeline')
      .getByText('registró que se devolvieron $350.00 MXN al cliente')
      .waitFor();
    await screenshot(page, 'case-improper-charge-refund');
    await context.close();
  }, 120_000);
});

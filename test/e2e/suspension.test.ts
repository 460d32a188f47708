import { AxeBuilder } from '@axe-core/playwright';
import { expect, it } from 'vitest';
import { TEST_ADMIN } from '../../src/test/app.ts';
import { loginOverHttp } from '../../src/test/processes.ts';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';

/** A day `days` after today in Monterrey, as the provider dates a suspension's end. */
const daysFromNow = (days: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Monterrey' }).format(
    new Date(Date.now() + days * 86_400_000),
  );

describeBrowser('a suspension the customer asks for', () => {
  const app = portalUnderTest();

  it('suspends the case’s service until a date within the limits, shows it, and reactivates it early', async () => {
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
    const plan = await call<{ id: number }>('POST', '/plans', {
      code: 'FIBRA-200',
      name: 'Fibra 200 Mbps',
      monthlyPriceCentavos: 45_000,
    });
    const customer = await call<{ id: string }>('POST', '/customers', {
      name: 'Sofía Treviño',
      contactPoints: [{ kind: 'email', address: 'sofia.trevino@example.test' }],
    });
    const service = await call<{ id: string }>('POST', `/customers/${customer.id}/services`, {
      externalRef: 'SRV-4410',
      planId: plan.id,
      cutoffDay: 10,
    });
    const kase = await call<{ folio: string }>('POST', '/cases', {
      requestType: 'suspension',
      channel: 'telefono',
      customerId: customer.id,
      serviceId: service.id,
      description: 'Me voy tres semanas; suspendan el servicio mientras tanto.',
    });

    const { context, page } = await openPage(app.browser, { width: 1366, height: 900, language: 'es-MX' });
    await page.goto(`${app.url}/`);
    await page.getByLabel('Correo electrónico').fill(TEST_ADMIN.email);
    await page.getByLabel('Contraseña', { exact: true }).fill(TEST_ADMIN.password);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    await page.goto(`${app.url}/app/cases/${kase.folio}`);
    const panel = page.getByTestId('case-suspension');
    await panel.getByRole('heading', { name: 'Suspensión del servicio' }).waitFor();
    const axe = await new AxeBuilder({ page })
      .include('[data-testid="case-suspension"]')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);

    const until = daysFromNow(10);
    await panel.getByLabel('Fecha de reactivación').fill(until);
    await panel.getByRole('button', { name: 'Suspender hasta esa fecha' }).click();
    await panel.getByText('Servicio suspendido.').waitFor();
    // The confirmation shows before the panel's reload: wait for the status it brings.
    await panel
      .getByTestId('suspension-service-status')
      .filter({ hasText: /^\s*Suspendido \(a solicitud del cliente\)\s*$/ })
      .waitFor();
    await panel
      .getByTestId('suspension-reactivate-on')
      .filter({ hasText: new RegExp(`^\\s*${until}\\s*$`) })
      .waitFor();
    await page
      .getByTestId('timeline')
      .getByText(`suspendió el servicio (a solicitud del cliente) hasta el ${until}`)
      .waitFor();
    await screenshot(page, 'case-suspension-requested');

    await panel.getByRole('button', { name: 'Reactivar el servicio' }).click();
    await panel.getByText('Servicio reactivado.').waitFor();
    await panel.getByTestId('suspension-service-status').getByText('Activo', { exact: true }).waitFor();
    await context.close();
  }, 120_000);
});

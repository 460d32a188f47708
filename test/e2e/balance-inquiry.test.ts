import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { TEST_ADMIN } from '../../src/test/app.ts';
import { loginOverHttp } from '../../src/test/processes.ts';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';

async function violations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations.map((v) => ({ rule: v.id, where: v.nodes.map((n) => n.target.join(' ')) }));
}

async function asAdmin(baseUrl: string) {
  const headers = await loginOverHttp(baseUrl, TEST_ADMIN);
  return async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}/api/v1${url}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
}

describeBrowser('the balance inquiry in the console', () => {
  const server = portalUnderTest();

  it('shows each service with status, plan, zone, balance, cut-off, amount due and movements; a saldo case first of all', async () => {
    const call = await asAdmin(server.url);
    // The server runs on the real clock: entries are dated on the provider's today.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Monterrey' }).format(new Date());
    const daysAgo = (days: number) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Monterrey' }).format(
        new Date(Date.now() - days * 86_400_000),
      );
    const plan = await call<{ id: number }>('POST', '/plans', {
      code: 'FIBRA-100',
      name: 'Fibra 100 Mbps',
      monthlyPriceCentavos: 49_900,
      technology: 'fibra',
    });
    const zone = await call<{ id: number }>('POST', '/zones', { code: 'NODO-CUMBRES', name: 'Nodo Cumbres' });
    const customer = await call<{ id: string }>('POST', '/customers', {
      name: 'Patricia Leal Cantú',
      accountNumber: '700800900',
      contactPoints: [{ kind: 'phone', address: '8114567890' }],
    });
    const service = await call<{ id: string }>('POST', `/customers/${customer.id}/services`, {
      externalRef: 'SRV-700800900',
      planId: plan.id,
      zoneId: zone.id,
      cutoffDay: 28,
    });
    await call('POST', `/services/${service.id}/ledger`, {
      kind: 'cargo',
      amountCentavos: 49_900,
      effectiveDate: daysAgo(70),
      reference: 'Mensualidad',
    });
    await call('POST', `/services/${service.id}/ledger`, {
      kind: 'bonificacion',
      amountCentavos: -10_000,
      effectiveDate: today,
      reference: 'Falla en el nodo',
    });
    // Cut off by the non-payment rules: a charge long past due, a notice four days ago, a supervisor's confirmation.
    await call('POST', `/services/${service.id}/suspension-notices`, {
      noticedOn: daysAgo(4),
      outcome: 'entregado',
    });
    await call('POST', '/suspensions/confirm', { serviceIds: [service.id] });
    await call('POST', `/customers/${customer.id}/services`, {
      externalRef: 'SRV-700800901',
      cutoffDay: 15,
      status: 'pendiente_instalacion',
    });
    const kase = await call<{ folio: string }>('POST', '/cases', {
      requestType: 'saldo',
      channel: 'telefono',
      customerId: customer.id,
      serviceId: service.id,
      description: '¿Cuánto debo?',
    });

    const { context, page } = await openPage(server.browser, { width: 1366, height: 900 });
    await page.goto(`${server.url}/`);
    await page.getByLabel('Correo electrónico').fill(TEST_ADMIN.email);
    await page.getByLabel('Contraseña', { exact: true }).fill(TEST_ADMIN.password);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();

    await page.goto(`${server.url}/app/cases/${kase.folio}`);
    const account = page.getByRole('region', { name: 'Servicios y saldo' });
    await account.getByText('Consulta de saldo: dile al cliente su saldo').waitFor();
    const summary = account.getByRole('article', { name: 'SRV-700800900' });
    await summary.getByText('Suspendido (falta de pago)').waitFor();
    await summary.getByText('Fibra 100 Mbps · $499.00 MXN').waitFor();
    await summary.getByText('Nodo Cumbres').waitFor();
    await summary.getByText('Próxima fecha de corte').waitFor();
    // Balance and amount due are both $399.00: nothing else is scheduled before the cut-off.
    expect(await summary.getByText('$399.00 MXN', { exact: true }).count()).toBe(2);
    await summary.getByText('-$100.00 MXN').waitFor();
    await summary.getByText('Falla en el nodo', { exact: false }).waitFor();
    // On a saldo case the account comes before who the customer is.
    const order = await page.evaluate(() => {
      const a = document.querySelector('.account-summary');
      const c = document.getElementById('customer-heading');
      return a && c ? a.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
    });
    expect(order).toBeGreaterThan(0);
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'balance-inquiry-case-1366');

    // A movement posted elsewhere shows without reloading the page.
    await call('POST', `/services/${service.id}/ledger`, {
      kind: 'ajuste',
      amountCentavos: -9_900,
      effectiveDate: today,
      reference: 'Ajuste de tarifa',
    });
    await summary.getByText('Ajuste de tarifa', { exact: false }).waitFor();
    expect(await summary.getByText('$300.00 MXN', { exact: true }).count()).toBe(2);

    // The reply starts from the figures, in the customer's Spanish, for the agent to read over and send.
    await summary.getByRole('button', { name: 'Responder con este saldo' }).click();
    const reply = await page.locator('#composer-body').inputValue();
    expect(reply).toContain('SRV-700800900');
    expect(reply).toContain('es de $300.00 MXN');
    expect(reply).toContain('el monto a pagar para esa fecha es de $300.00 MXN');

    // The case names the service it is about; the agent can name the other one instead.
    await summary.getByText('Es el servicio de este caso').waitFor();
    const other = account.getByRole('article', { name: 'SRV-700800901' });
    await other.getByText('Pendiente de instalación').waitFor();
    await other.getByText('Sin plan').waitFor();
    await other.getByRole('button', { name: 'Indicar como servicio del caso' }).click();
    await other.getByText('Es el servicio de este caso').waitFor();
    await summary.getByRole('button', { name: 'Indicar como servicio del caso' }).waitFor();
    await page.getByText('Administrador indicó el servicio del caso').waitFor();

    await page.goto(`${server.url}/app/customers/${customer.id}`);
    await page.getByRole('heading', { name: 'Patricia Leal Cantú', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Servicios y saldo' }).getByText('Nodo Cumbres').waitFor();
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'balance-inquiry-customer-360');
    await context.close();
  }, 240_000);
});

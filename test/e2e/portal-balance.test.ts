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
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ rule: v.id, where: v.nodes.map((n) => n.target.join(' ')) }));
}

describeBrowser('the caller verified on a call, then the balance in the portal with account and PIN', () => {
  const server = portalUnderTest();

  it('lets the agent record the check and set the PIN, and the customer see only their balance and rights with it', async () => {
    const headers = await loginOverHttp(server.url, TEST_ADMIN);
    const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${server.url}/api/v1${url}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Monterrey' }).format(new Date());
    const plan = await call<{ id: number }>('POST', '/plans', {
      code: 'HOGAR-20',
      name: 'Hogar 20 Mbps',
      monthlyPriceCentavos: 35_000,
    });
    const customer = await call<{ id: string }>('POST', '/customers', {
      name: 'Rosa Garza Treviño',
      accountNumber: '500600700',
      contactPoints: [{ kind: 'phone', address: '8113456789' }],
    });
    const service = await call<{ id: string }>('POST', `/customers/${customer.id}/services`, {
      externalRef: 'SRV-500600700',
      planId: plan.id,
      cutoffDay: 28,
    });
    await call('POST', `/services/${service.id}/ledger`, {
      kind: 'cargo',
      amountCentavos: 35_000,
      effectiveDate: today,
      reference: 'Mensualidad',
    });
    // A second service, signed a month ago and installed only now: its refund waits for a supervisor.
    const daysAgo = (days: number) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Monterrey' }).format(
        new Date(Date.now() - days * 86_400_000),
      );
    const shop = await call<{ id: string }>('POST', `/customers/${customer.id}/services`, {
      externalRef: 'SRV-500600701',
      planId: plan.id,
      cutoffDay: 28,
      status: 'pendiente_instalacion',
    });
    const contract = await call<{ folio: string }>('POST', '/cases', {
      requestType: 'contratacion',
      channel: 'telefono',
      customerId: customer.id,
      description: 'Contrata internet para su local',
    });
    await call('POST', `/cases/${contract.folio}/contract-signing`, {
      serviceId: shop.id,
      signedOn: daysAgo(30),
    });
    await call('POST', `/cases/${contract.folio}/payments`, {
      serviceId: shop.id,
      amountCentavos: 50_000,
      paidOn: daysAgo(30),
      method: 'efectivo',
      reference: 'Instalación',
    });
    const installed = await call<{ late: boolean; compensation: { status: string } | null }>(
      'POST',
      `/cases/${contract.folio}/installation`,
      { installedAt: new Date(Date.now() - 60_000).toISOString() },
    );
    expect([installed.late, installed.compensation?.status]).toEqual([true, 'por_aprobar']);
    const kase = await call<{ folio: string }>('POST', '/cases', {
      requestType: 'saldo',
      channel: 'telefono',
      customerId: customer.id,
      description: 'Quiere un PIN para consultar su saldo en el portal',
    });

    const agent = await openPage(server.browser, { width: 1366, height: 900 });
    const console = agent.page;
    await console.goto(`${server.url}/`);
    await console.getByLabel('Correo electrónico').fill(TEST_ADMIN.email);
    await console.getByLabel('Contraseña', { exact: true }).fill(TEST_ADMIN.password);
    await console.getByRole('button', { name: 'Iniciar sesión' }).click();
    await console.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    await console.goto(`${server.url}/app/cases/${kase.folio}`);
    const verify = console.getByTestId('verify-caller');
    await verify.getByText('Aún no se verifica la identidad en este caso.').waitFor();
    await verify.getByLabel('Datos de la cuenta').check();
    await verify.getByRole('button', { name: 'Registrar verificación' }).click();
    await verify
      .getByTestId('identity-check')
      .getByText('con los datos de su cuenta', { exact: false })
      .waitFor();
    await verify.getByLabel('PIN nuevo (4 a 6 dígitos)').fill('1234');
    await verify.getByRole('button', { name: 'Registrar PIN' }).click();
    await verify.getByText('Ese PIN no se permite', { exact: false }).waitFor();
    await verify.getByLabel('PIN nuevo (4 a 6 dígitos)').fill('582046');
    await verify.getByRole('button', { name: 'Registrar PIN' }).click();
    await verify.getByText('PIN registrado.', { exact: false }).waitFor();
    await console
      .getByText('verificó la identidad del cliente con los datos de su cuenta', { exact: false })
      .waitFor();
    await screenshot(console, 'console-verify-caller');
    await agent.context.close();

    const { context, page } = await openPage(server.browser, { width: 360, height: 800 });
    const found: Record<string, Awaited<ReturnType<typeof violations>>> = {};
    await page.goto(`${server.url}/portal/balance`);
    await page.getByRole('heading', { name: 'Consultar mi saldo', level: 1 }).waitFor();
    found.form = await violations(page);
    await page.locator('#balance-account').fill('500600700');
    await page.locator('#balance-pin').fill('582047');
    await page.getByRole('button', { name: 'Consultar saldo' }).click();
    await page.getByText('El número de cuenta o el PIN no son correctos.').waitFor();
    found.wrong = await violations(page);
    await page.locator('#balance-pin').fill('582046');
    await page.getByRole('button', { name: 'Consultar saldo' }).click();
    const statement = page.getByTestId('balance');
    const serviceCard = (reference: string) =>
      statement
        .locator('article')
        .filter({ has: page.getByRole('heading', { name: `Servicio ${reference}` }) });
    const home = serviceCard('SRV-500600700');
    await home.waitFor();
    expect(await home.getByTestId('balance-amount').textContent()).toBe('$350.00 MXN');
    expect(await home.getByTestId('balance-due').textContent()).toBe('$350.00 MXN');
    await home.getByText('Mensualidad').waitFor();
    await home.getByText('Hogar 20 Mbps').waitFor();
    await home.getByText('No hay bonificaciones ni reembolsos para este servicio.').waitFor();
    const local = serviceCard('SRV-500600701');
    expect(await local.getByTestId('balance-amount').textContent()).toBe('-$500.00 MXN');
    await local.getByText('Activo', { exact: true }).waitFor();
    await local.getByText('Contrato firmado el', { exact: false }).waitFor();
    await local.getByText('Instalado el', { exact: false }).waitFor();
    const refund = local.getByTestId('compensation');
    await refund.getByText('Reembolso por instalación fuera de plazo', { exact: false }).waitFor();
    await refund.getByText('en revisión', { exact: false }).waitFor();
    expect(await refund.getByTestId('compensation-amount').textContent()).toBe(
      'Monto calculado: $600.00 MXN, pendiente de aprobación por un supervisor',
    );
    await refund.getByText('Devolución: $500.00 MXN').waitFor();
    await refund.getByText('Bonificación adicional: $100.00 MXN').waitFor();
    await refund.getByText('+ 20 % ($100.00 MXN) = $600.00 MXN', { exact: false }).waitFor();
    await refund.getByText('Se le devolverá a más tardar el', { exact: false }).waitFor();
    found.statement = await violations(page);
    await screenshot(page, 'portal-balance-360');
    await screenshot(page, 'portal-rights-360');
    await page.setViewportSize({ width: 1366, height: 900 });
    found.wide = await violations(page);
    await screenshot(page, 'portal-rights-1366');
    expect(found).toEqual({ form: [], wrong: [], statement: [], wide: [] });
    await context.close();
  }, 180_000);
});

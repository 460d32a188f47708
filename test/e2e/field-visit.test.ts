import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePostgres } from '../../src/test/databases.ts';
import { loginOverHttp } from '../../src/test/processes.ts';
import { describeBrowser, launchBrowser, openPage, screenshot } from './browser.ts';
import { ensureWebBuild } from './build.ts';
import { type Servers, startServers } from './servers.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

async function violations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations.map((v) => ({
    rule: v.id,
    help: v.help,
    where: v.nodes.map((n) => n.target.join(' ')),
  }));
}

describePostgres('a technician’s day on the phone', () => {
  describeBrowser('a visit recorded with its photo at 360 px', () => {
    let servers: Servers;
    let browser: Browser;
    let url: string;
    const tecnico = { email: `tecnico.${Date.now()}@example.test`, password: 'a long enough password' };
    let day = '';
    let number = 0;

    beforeAll(async () => {
      await ensureWebBuild();
      servers = await startServers(1);
      url = servers.processes[0]?.url ?? '';
      const headers = await loginOverHttp(url);
      const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
        const response = await fetch(`${url}/api/v1${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
        return (await response.json()) as T;
      };
      const technician = await call<{ id: string }>('POST', '/agents', {
        ...tecnico,
        name: 'Tomás Reyes',
        role: 'tecnico',
      });
      const customer = await call<{ id: string }>('POST', '/customers', {
        name: 'Rosa Martínez Garza',
        accountNumber: `CAMPO-${Date.now()}`,
        contactPoints: [{ kind: 'phone', address: '(81) 2345 6789' }],
      });
      const service = await call<{ id: string }>('POST', `/customers/${customer.id}/services`, {
        externalRef: `SRV-CAMPO-${Date.now()}`,
        status: 'activo',
        cutoffDay: 10,
        installAddress: 'Calle Hidalgo 123, Col. Centro, Monterrey',
      });
      const kase = await call<{ folio: string }>('POST', '/cases', {
        requestType: 'falla',
        channel: 'telefono',
        customerId: customer.id,
        serviceId: service.id,
        description: 'Sin internet desde la mañana',
      });
      const order = await call<{ id: string; number: number }>(
        'POST',
        `/cases/${kase.folio}/service-orders`,
        {
          kind: 'reparacion',
          technicianAgentId: technician.id,
        },
      );
      number = order.number;
      const start = new Date(Date.now() + 30 * 60_000);
      await call('POST', `/service-orders/${order.id}/schedule`, {
        windowStart: start.toISOString(),
        windowEnd: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
      });
      const settings = await call<{ deadlines: { businessCalendar: { zone: string } } }>('GET', '/settings');
      day = new Intl.DateTimeFormat('en-CA', { timeZone: settings.deadlines.businessCalendar.zone }).format(
        start,
      );
      browser = await launchBrowser();
    }, 240_000);

    afterAll(async () => {
      await browser?.close();
      await servers?.stop();
    });

    it('logs in, sees the day list, opens the order and records it realizada with a photo', async () => {
      const { page } = await openPage(browser, { width: 360, height: 800 });
      await page.goto(`${url}/`);
      await page.getByLabel('Correo electrónico').fill(tecnico.email);
      await page.getByLabel('Contraseña').fill(tecnico.password);
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page.getByRole('heading', { name: 'Mi día', level: 1 }).waitFor();
      // Nothing of the desk is offered to a technician.
      expect(await page.getByRole('link', { name: 'Bandeja' }).count()).toBe(0);
      await page.getByLabel('Fecha').fill(day);
      const item = page.getByRole('button', { name: new RegExp(`Orden ${number} · reparación`) });
      await item.waitFor();
      expect(await violations(page)).toEqual([]);
      await screenshot(page, 'field-day-360');

      await item.click();
      await page.getByRole('heading', { name: `Orden ${number} · reparación`, level: 1 }).waitFor();
      await page.getByText('Calle Hidalgo 123, Col. Centro, Monterrey').waitFor();
      await page.getByLabel('realizada').check();
      await page.getByLabel('Notas').fill('Cambié el conector del módem; quedó navegando.');
      await page.getByLabel(/Foto de evidencia/).setInputFiles({
        name: 'evidencia.png',
        mimeType: 'image/png',
        buffer: PNG,
      });
      expect(await violations(page)).toEqual([]);
      await screenshot(page, 'field-visit-form-360');
      await page.getByRole('button', { name: 'Registrar resultado' }).click();
      await page.getByRole('status').filter({ hasText: 'Resultado registrado: realizada.' }).waitFor();
      await page.getByText('Realizada').first().waitFor();
      expect(await violations(page)).toEqual([]);
      await screenshot(page, 'field-visit-recorded-360');
    });
  });
});

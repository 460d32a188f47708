import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { loginOverHttp } from '../../src/test/processes.ts';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';
import { adminApi } from './servers.ts';

/** Serious and critical WCAG 2.1 A/AA violations on the page as it stands, in a readable form. */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ rule: v.id, help: v.help, where: v.nodes.map((n) => n.target.join(' ')) }));
}

describeBrowser('an outage from declaration to restoration, as the public status page tells it', () => {
  const server = portalUnderTest();

  it('a supervisor declares an incident, posts an update and restores it; /estado shows each step at 360 px', async () => {
    const admin = await adminApi(server.url);
    const supervisor = await admin.createAgent('supervisor', 'Sofía Ramírez', ['soporte_tecnico']);
    const headers = await loginOverHttp(server.url);
    const zone = async (body: Record<string, unknown>) => {
      const response = await fetch(`${server.url}/api/v1/zones`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { id: number };
    };
    const norte = await zone({ code: 'NTE', name: 'Torre Norte' });
    await zone({ code: 'NTE-CEN', name: 'Col. Centro', parentId: norte.id });

    const { page: status } = await openPage(server.browser, { width: 360, height: 800 });
    // A distinct address each step: the page may be kept 15 s by the browser, as the crowd's would.
    const publicPage = async (name: string, expected: string[]) => {
      await status.goto(`${server.url}/estado?paso=${name}`);
      for (const text of expected) await status.getByText(text, { exact: false }).first().waitFor();
      expect(await seriousViolations(status)).toEqual([]);
      await screenshot(status, name);
    };
    await publicPage('status-page-empty', ['No hay fallas reportadas']);

    const { page } = await openPage(server.browser);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Correo electrónico').fill(supervisor.email);
    await page.getByLabel('Contraseña').fill(supervisor.password);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Incidentes' }).click();
    await page.getByRole('heading', { name: 'Incidentes', level: 1 }).waitFor();
    await page.getByLabel('Zonas afectadas').selectOption({ label: 'Torre Norte' });
    await page.getByLabel('Causa').selectOption('energia');
    await page
      .getByLabel('Texto para clientes')
      .fill('Sin energía en la Torre Norte; la CFE ya trabaja en la zona.');
    await page.getByRole('button', { name: 'Declarar incidente' }).click();
    await page.getByText('Incidente 1 declarado.').waitFor();
    await screenshot(page, 'console-incident-declared');
    await publicPage('status-page-declared', [
      'Torre Norte',
      'Incluye: Col. Centro',
      'Incidente 1',
      'Falla reportada',
      'Falta de energía eléctrica',
    ]);

    // An agent's side: a failure report on the case page is linked to the incident by hand.
    const opened = await fetch(`${server.url}/api/v1/cases`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        requestType: 'falla',
        channel: 'telefono',
        contact: { kind: 'phone', address: '81 2000 0001' },
        description: 'Sin internet desde hace dos horas en la colonia Centro',
      }),
    });
    const { folio } = (await opened.json()) as { folio: string };
    await page.goto(`${server.url}/app/cases/${encodeURIComponent(folio)}`);
    const link = page.getByTestId('case-incident');
    await link.getByLabel('Incidente en curso').selectOption({ label: 'Incidente 1 — Torre Norte' });
    await link.getByRole('button', { name: 'Vincular' }).click();
    await link.getByText('Vinculado al incidente 1 (Abierto).').waitFor();
    await page.getByTestId('timeline').getByText('vinculó el caso al incidente 1').waitFor();
    await screenshot(page, 'console-case-incident-linked');

    await page.getByRole('navigation').getByRole('link', { name: 'Incidentes' }).click();
    await page.getByRole('link', { name: 'Incidente 1' }).click();
    await page.getByRole('heading', { name: /Incidente 1/, level: 1 }).waitFor();
    await page.getByLabel('Texto para clientes').fill('Una cuadrilla ya trabaja en el sitio.');
    await page.getByLabel('Nuevo estado').selectOption('en_reparacion');
    await page.getByRole('button', { name: 'Publicar' }).click();
    await page.getByTestId('incident-status').getByText('En reparación', { exact: true }).waitFor();
    await screenshot(page, 'console-incident-repairing');
    await publicPage('status-page-repairing', ['En reparación', 'Una cuadrilla ya trabaja en el sitio.']);

    await page.getByLabel('Nuevo estado').selectOption('restablecido');
    await page.getByLabel('Texto para clientes').fill('El servicio quedó restablecido.');
    await page.getByRole('button', { name: 'Publicar' }).click();
    await page.getByTestId('incident-status').getByText('Restablecido', { exact: true }).waitFor();
    await screenshot(page, 'console-incident-restored');
    await publicPage('status-page-restored', ['Servicio restablecido', 'El servicio quedó restablecido.']);
  });
  it('five failure reports from one zone propose an incident; the supervisor accepts it, updates and restores it, and the reports are resolved', async () => {
    const admin = await adminApi(server.url);
    const supervisor = await admin.createAgent('supervisor', 'Ramiro Treviño', ['soporte_tecnico']);
    const headers = await loginOverHttp(server.url);
    const api = async <T>(method: string, route: string, body?: unknown, contentType?: string) => {
      const response = await fetch(`${server.url}/api/v1${route}`, {
        method,
        headers: contentType ? { ...headers, 'content-type': contentType } : headers,
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      expect(response.ok, `${method} ${route}: ${text}`).toBe(true);
      return (text ? JSON.parse(text) : undefined) as T;
    };
    await api('POST', '/zones', { code: 'ORI', name: 'Torre Oriente' });
    const phones = ['8130000101', '8130000102', '8130000103', '8130000104', '8130000105'];
    const csv = [
      'cuenta,nombre,telefono,plan,precio,zona,dia_corte,estatus',
      ...phones.map((phone, i) => `ORI-${i},Cliente Oriente ${i},${phone},Plan 20 Mbps,399.00,ORI,15,activo`),
    ].join('\n');
    const started = await api<{ id: string }>(
      'POST',
      '/imports/customers?dryRun=false&filename=oriente.csv',
      csv,
      'text/csv',
    );
    await expect
      .poll(async () => (await api<{ status: string }>('GET', `/imports/customers/${started.id}`)).status, {
        timeout: 30_000,
      })
      .toBe('terminada');
    const folios: string[] = [];
    for (const phone of phones) {
      const opened = await api<{ folio: string }>('POST', '/cases', {
        requestType: 'falla',
        channel: 'telefono',
        contact: { kind: 'phone', address: phone },
        description: 'Sin internet desde hace media hora',
      });
      folios.push(opened.folio);
    }

    const { page } = await openPage(server.browser);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Correo electrónico').fill(supervisor.email);
    await page.getByLabel('Contraseña').fill(supervisor.password);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Incidentes' }).click();
    const proposal = page.getByTestId('incident-proposal').filter({ hasText: 'Torre Oriente' });
    await proposal.getByText('5 reportes', { exact: false }).first().waitFor();
    for (const folio of folios) await proposal.getByRole('link', { name: folio }).waitFor();
    await screenshot(page, 'console-incident-proposed');
    await proposal.getByLabel('Causa').selectOption('enlace');
    await proposal
      .getByLabel('Texto para clientes')
      .fill('Se cayó el enlace de la Torre Oriente; ya lo revisamos.');
    await proposal.getByRole('button', { name: /Aceptar propuesta/ }).click();
    await page.getByText(/Se declaró el incidente \d+ y se vincularon 5 reportes\./).waitFor();
    await screenshot(page, 'console-proposal-accepted');

    const { page: status } = await openPage(server.browser, { width: 360, height: 800 });
    const publicPage = async (name: string, expected: string[]) => {
      await status.goto(`${server.url}/estado?paso=${name}`);
      for (const text of expected) await status.getByText(text, { exact: false }).first().waitFor();
      await screenshot(status, name);
    };
    await publicPage('status-page-proposal-accepted', [
      'Torre Oriente',
      'Se cayó el enlace de la Torre Oriente',
    ]);

    await page
      .getByRole('link', { name: /Incidente \d+/ })
      .filter({ hasText: /Incidente/ })
      .first()
      .waitFor();
    const incidents = await api<Array<{ id: string; number: number; zones: Array<{ code: string }> }>>(
      'GET',
      '/incidents',
    );
    const incident = incidents.find((i) => i.zones.some((z) => z.code === 'ORI'));
    expect(incident).toBeDefined();
    await page.getByRole('link', { name: `Incidente ${incident?.number}`, exact: true }).click();
    await page
      .getByRole('heading', { name: new RegExp(`Incidente ${incident?.number}`), level: 1 })
      .waitFor();
    await page.getByLabel('Texto para clientes').fill('El técnico ya reemplaza el radio del enlace.');
    await page.getByLabel('Nuevo estado').selectOption('en_reparacion');
    await page.getByRole('button', { name: 'Publicar' }).click();
    await page.getByTestId('incident-status').getByText('En reparación', { exact: true }).waitFor();
    await publicPage('status-page-proposal-repairing', ['En reparación', 'El técnico ya reemplaza el radio']);

    await page.getByLabel('Nuevo estado').selectOption('restablecido');
    await page.getByLabel('Texto para clientes').fill('El enlace quedó restablecido.');
    await page.getByRole('button', { name: 'Publicar' }).click();
    await page.getByTestId('incident-status').getByText('Restablecido', { exact: true }).waitFor();
    await publicPage('status-page-proposal-restored', [
      'Servicio restablecido',
      'El enlace quedó restablecido.',
    ]);
    for (const folio of folios) {
      await expect
        .poll(
          async () => (await api<{ status: string }>('GET', `/cases/${encodeURIComponent(folio)}`)).status,
          {
            timeout: 30_000,
          },
        )
        .toBe('resuelto');
    }
  });
});

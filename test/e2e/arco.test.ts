import { expect, it } from 'vitest';
import { TEST_ADMIN } from '../../src/test/app.ts';
import { loginOverHttp } from '../../src/test/processes.ts';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';
import { adminApi } from './servers.ts';

describeBrowser('ARCO rights in the console', () => {
  const server = portalUnderTest();

  it('a supervisor registers a rectificación, records the identity check, grants it and carries it out; the customer’s name changes', async () => {
    const admin = await adminApi(server.url);
    const supervisor = await admin.createAgent('supervisor', 'Marisol Garza', ['atencion_quejas']);
    const headers = await loginOverHttp(server.url, TEST_ADMIN);
    const call = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${server.url}/api/v1${route}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      expect(response.ok, `${method} ${route}: ${text}`).toBe(true);
      return JSON.parse(text) as T;
    };
    const customer = await call<{ id: string }>('POST', '/customers', {
      name: 'Rosa Elena Treviño Garza',
      accountNumber: 'ARCO-E2E-1',
      contactPoints: [{ kind: 'phone', address: '8114445566' }],
    });
    await call('POST', `/customers/${customer.id}/representatives`, {
      name: 'Jesús Treviño Garza',
      contact: '8119876543',
    });

    const { page } = await openPage(server.browser);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Correo electrónico').fill(supervisor.email);
    await page.getByLabel('Contraseña').fill(supervisor.password);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Derechos ARCO' }).click();
    await page.getByRole('heading', { name: 'Derechos ARCO', level: 1 }).waitFor();

    await page.getByLabel('Buscar cliente por').selectOption('phone');
    await page.getByLabel('Dato del cliente').fill('81 1444 5566');
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.getByRole('option', { name: /Rosa Elena Treviño Garza/ }).waitFor({ state: 'attached' });
    await page.getByLabel('Derecho que ejerce').selectOption('rectificacion');
    await page.getByLabel('Lo que pide la persona').fill('Mi apellido materno está mal escrito.');
    await page.getByLabel('Nombre correcto').fill('Rosa Elena Treviño de León');
    await page.getByRole('button', { name: 'Registrar solicitud' }).click();

    await page.getByRole('heading', { name: /^Rectificación · /, level: 1 }).waitFor();
    await page.getByTestId('arco-figures').getByText('sin confirmar', { exact: false }).waitFor();
    await page.getByTestId('arco-status').getByText('Recibida', { exact: true }).waitFor();
    await page
      .getByTestId('arco-corrections')
      .getByText('Nombre correcto: Rosa Elena Treviño de León')
      .waitFor();
    await screenshot(page, 'console-arco-received');

    await page.getByLabel('Cómo se comprobó').selectOption('representante_autorizado');
    await page.getByLabel('Representante', { exact: true }).selectOption({ label: 'Jesús Treviño Garza' });
    await page.getByRole('button', { name: 'Registrar comprobación' }).click();
    await page.getByText(/^Comprobada el /).waitFor();

    await page.getByLabel('Respuesta', { exact: true }).selectOption('procedente');
    await page.getByRole('button', { name: 'Registrar respuesta' }).click();
    await page.getByTestId('arco-status').getByText('Procedente, por ejecutar').waitFor();
    await page
      .getByTestId('arco-corrections')
      .getByText('Nombre correcto: Rosa Elena Treviño de León')
      .waitFor();
    await screenshot(page, 'console-arco-granted');

    await page.getByRole('button', { name: 'Ejecutar solicitud' }).click();
    await page.getByTestId('arco-status').getByText('Ejecutada', { exact: true }).waitFor();
    expect((await call<{ name: string }>('GET', `/customers/${customer.id}`)).name).toBe(
      'Rosa Elena Treviño de León',
    );

    await page.getByRole('link', { name: 'Volver a Derechos ARCO' }).click();
    await page.getByLabel('Estado').selectOption('ejecutada');
    const row = page.getByTestId('arco-requests').getByRole('row').filter({ hasText: 'Rectificación' });
    await row.getByText('Ejecutada', { exact: true }).waitFor();
    await screenshot(page, 'console-arco-list');
  });

  it('an arco case opened without a request becomes one from its case page; an agent of the area cannot answer it', async () => {
    const admin = await adminApi(server.url);
    const agent = await admin.createAgent('agent', 'Lucía Salinas', ['atencion_quejas']);
    const headers = await loginOverHttp(server.url, TEST_ADMIN);
    const opened = await fetch(`${server.url}/api/v1/cases`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        requestType: 'arco',
        channel: 'telefono',
        contact: { kind: 'phone', address: '81 2333 4455' },
        description: 'Quiero saber qué datos personales míos tienen.',
      }),
    });
    expect(opened.status).toBe(201);
    const { folio } = (await opened.json()) as { folio: string };

    const { page } = await openPage(server.browser);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Correo electrónico').fill(agent.email);
    await page.getByLabel('Contraseña').fill(agent.password);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    await page.goto(`${server.url}/app/cases/${encodeURIComponent(folio)}`);
    const panel = page.getByTestId('case-arco');
    await panel.getByLabel('Derecho que ejerce').selectOption('acceso');
    await panel.getByRole('button', { name: 'Hacer solicitud ARCO' }).click();
    await panel.getByRole('link', { name: 'Acceso: Recibida' }).click();
    await page.getByRole('heading', { name: `Acceso · ${folio}`, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Registrar comprobación' }).waitFor();
    await page
      .getByText('Solo los supervisores del área o un administrador responden y ejecutan la solicitud.')
      .waitFor();
    expect(await page.getByRole('button', { name: 'Registrar respuesta' }).count()).toBe(0);
    await screenshot(page, 'console-arco-agent');
  });
});

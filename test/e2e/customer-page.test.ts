import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { TEST_ADMIN } from '../../src/test/app.ts';
import { loginOverHttp } from '../../src/test/processes.ts';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';
import { adminApi } from './servers.ts';

/** Every WCAG 2.1 A/AA violation on the page as it stands, in a readable form. */
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

async function logIn(page: Page, baseUrl: string, credentials: { email: string; password: string }) {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Correo electrónico').fill(credentials.email);
  await page.getByLabel('Contraseña', { exact: true }).fill(credentials.password);
  await page.getByRole('button', { name: 'Iniciar sesión' }).click();
  await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
}

/** The API as the test admin, for setting the scene. */
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

const LONG_EMAIL = 'rosa.elena.trevino.garza.facturacion.empresarial@constructora-del-norte-monterrey.com.mx';

describeBrowser('the customer page', () => {
  const server = portalUnderTest();

  it('shows contact points, representatives and every case; edits are offered only to who may make them; a duplicate is merged', async () => {
    const call = await asAdmin(server.url);
    const customer = await call<{ id: string }>('POST', '/customers', {
      name: 'Rosa Elena Treviño Garza',
      accountNumber: '100200300',
      contactPoints: [
        { kind: 'phone', address: '8112345678' },
        { kind: 'email', address: LONG_EMAIL },
      ],
    });
    const folios: string[] = [];
    for (const [requestType, description] of [
      ['falla', 'Sin servicio desde ayer por la tarde.'],
      ['aclaracion', 'Me cobraron dos veces la mensualidad de marzo.'],
      ['queja', 'El técnico no llegó a la cita.'],
    ] as const) {
      const kase = await call<{ folio: string }>('POST', '/cases', {
        requestType,
        channel: 'telefono',
        customerId: customer.id,
        description,
      });
      folios.push(kase.folio);
    }
    await call('POST', `/customers/${customer.id}/representatives`, {
      name: 'Jesús Treviño Garza',
      contact: '8119876543',
      scope: ['falla', 'aclaracion'],
    });
    // The same person, registered again from a WhatsApp message as a prospect.
    const duplicate = await call<{ id: string }>('POST', '/customers', {
      name: 'Rosa Treviño',
      contactPoints: [{ kind: 'whatsapp', address: '5218187654321' }],
    });
    const duplicateCase = await call<{ folio: string }>('POST', '/cases', {
      requestType: 'consulta',
      channel: 'whatsapp',
      customerId: duplicate.id,
      description: '¿Cuánto cuesta subir a 50 megas?',
    });

    // An agent of an area none of her cases is in reads the customer but is offered no change.
    const admin = await adminApi(server.url);
    const cases = await call<{ items: Array<{ area: { code: string } }> }>(
      'GET',
      `/cases?customerId=${customer.id}`,
    );
    const serving = new Set(cases.items.map((c) => c.area.code));
    const outsider = admin.areas.find((area) => !serving.has(area.code));
    if (!outsider) throw new Error('every area serves this customer; the test needs one that does not');
    const agent = await admin.createAgent('agent', 'Marta Leal', [outsider.code]);
    const reader = await openPage(server.browser);
    await logIn(reader.page, server.url, agent);
    await reader.page.goto(`${server.url}/app/customers/${customer.id}`);
    await reader.page.getByRole('heading', { name: 'Rosa Elena Treviño Garza', level: 1 }).waitFor();
    await reader.page.getByText('Solo los asesores de un área que atiende alguno de sus casos').waitFor();
    expect(await reader.page.getByRole('button', { name: /Quitar/ }).count()).toBe(0);
    expect(await reader.page.getByRole('button', { name: 'Agregar medio de contacto' }).count()).toBe(0);
    expect(await reader.page.getByRole('button', { name: /Revocar/ }).count()).toBe(0);
    expect(await reader.page.getByRole('heading', { name: 'Fusionar un duplicado' }).count()).toBe(0);
    await reader.context.close();

    const { context, page } = await openPage(server.browser, { width: 1366, height: 768 });
    await logIn(page, server.url, TEST_ADMIN);
    // From a case, the customer panel leads to the customer page.
    await page.goto(`${server.url}/app/cases/${folios[0]}`);
    await page.getByRole('link', { name: 'Rosa Elena Treviño Garza' }).click();
    await page.getByRole('heading', { name: 'Rosa Elena Treviño Garza', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/customers/${customer.id}`);
    await page.getByText('Cuenta 100200300').waitFor();

    const contacts = page.getByRole('region', { name: 'Medios de contacto' });
    await contacts.locator('.customer-page__address', { hasText: '(81) 1234 5678' }).waitFor();
    await contacts.locator('.customer-page__address', { hasText: LONG_EMAIL }).waitFor();
    const representatives = page.getByRole('region', { name: 'Representantes autorizados' });
    await representatives.locator('.customer-page__rep-name', { hasText: 'Jesús Treviño Garza' }).waitFor();
    await representatives.getByText('Reporte de falla, Aclaración').waitFor();
    const caseList = page.getByRole('region', { name: 'Casos' });
    for (const folio of folios) await caseList.getByRole('link', { name: folio }).waitFor();
    expect(await caseList.getByRole('row').count()).toBe(1 + folios.length);
    await caseList.getByText('Reporte de falla').waitFor();

    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'customer-1366');

    // Adding a contact point, and revoking a representative with a reason.
    await contacts.getByLabel('Tipo').selectOption('whatsapp');
    await contacts.getByLabel(/Teléfono, correo o identificador/).fill('81 2222 3333');
    await contacts.getByRole('button', { name: 'Agregar medio de contacto' }).click();
    await page.getByRole('status').getByText('Se agregó (81) 2222 3333.').waitFor();
    await contacts.locator('.customer-page__address', { hasText: '(81) 2222 3333' }).waitFor();
    await representatives.getByRole('button', { name: 'Revocar Jesús Treviño Garza' }).click();
    await representatives.getByRole('button', { name: 'Revocar autorización' }).click();
    await representatives.getByText('Escriba el motivo.').waitFor();
    await representatives.getByLabel('Motivo para revocar a Jesús Treviño Garza').fill('Lo pidió la titular');
    await representatives.getByRole('button', { name: 'Revocar autorización' }).click();
    await representatives.getByText(/Revocada el .* · Lo pidió la titular/).waitFor();
    await representatives.getByRole('button', { name: 'Agregar representante' }).click();
    await representatives.getByRole('button', { name: 'Guardar representante' }).click();
    await representatives.getByText('Escriba el nombre del representante.').waitFor();
    await representatives.getByLabel(/^Nombre completo/).fill('María Garza Leal');
    expect(await representatives.getByText('Escriba el nombre del representante.').count()).toBe(0);
    await representatives.getByLabel(/^Cómo contactarlo/).fill('maria.garza@example.com');
    await representatives.getByRole('button', { name: 'Guardar representante' }).click();
    await page.getByRole('status').getByText('Se agregó a María Garza Leal como representante.').waitFor();

    // Merging the duplicate: found by its number written another way, with what moves spelled out.
    const merge = page.getByRole('region', { name: 'Fusionar un duplicado' });
    await merge.getByLabel(/número de cuenta del duplicado/).fill('+52 (81) 8765-4321');
    await merge.getByRole('button', { name: 'Buscar duplicado' }).click();
    await merge.getByRole('button', { name: 'Elegir Rosa Treviño' }).click();
    await merge
      .getByRole('heading', { name: '¿Fusionar Rosa Treviño en Rosa Elena Treviño Garza?' })
      .waitFor();
    await merge.getByText('1 medio de contacto').waitFor();
    await merge.getByText('1 caso', { exact: true }).waitFor();
    await merge.getByText('0 representantes autorizados').waitFor();
    expect(await violations(page)).toEqual([]);
    await merge.getByRole('button', { name: 'Sí, fusionar' }).click();
    await page
      .getByRole('status')
      .getByText('Se fusionó Rosa Treviño en Rosa Elena Treviño Garza.')
      .waitFor();
    await caseList.getByRole('link', { name: duplicateCase.folio }).waitFor();
    await contacts.locator('.customer-page__address', { hasText: '(81) 8765 4321' }).waitFor();

    // The duplicate's address now leads here.
    await page.goto(`${server.url}/app/customers/${duplicate.id}`);
    await page.getByRole('heading', { name: 'Rosa Elena Treviño Garza', level: 1 }).waitFor();
    await page.waitForURL(`${server.url}/app/customers/${customer.id}`);

    // On a phone: readable, nothing wider than the screen, still no violations.
    await page.setViewportSize({ width: 360, height: 800 });
    await page.getByRole('region', { name: 'Casos' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    // The case list fits too: folio, status and deadline without scrolling sideways.
    const wrap = page.getByRole('region', { name: 'Casos' }).locator('.table-wrap');
    expect(await wrap.evaluate((el) => el.scrollWidth - el.clientWidth)).toBe(0);
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'customer-360');

    // English.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('region', { name: 'Authorized representatives' }).waitFor();
    await page.getByRole('region', { name: 'Merge a duplicate' }).waitFor();
    expect(await violations(page)).toEqual([]);
    await context.close();
  }, 240_000);
});

import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TEST_ADMIN } from '../../src/test/app.ts';
import { describePostgres } from '../../src/test/databases.ts';
import { describeBrowser, launchBrowser, openPage, screenshot } from './browser.ts';
import { ensureWebBuild } from './build.ts';
import { adminApi, type Servers, startServers } from './servers.ts';

const CUSTOMER_PHONE = '(81) 2345 6789';

async function logIn(
  page: Page,
  baseUrl: string,
  credentials: { email: string; password: string },
  screenshotAs?: string,
) {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Correo electrónico').fill(credentials.email);
  if (screenshotAs) await screenshot(page, screenshotAs);
  await page.getByLabel('Contraseña').fill(credentials.password);
  await page.getByRole('button', { name: 'Iniciar sesión' }).click();
  await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
}

/** Marks the page so a later check can tell it was never reloaded (the mark would be gone). */
const markPage = (page: Page) => page.evaluate(() => Object.assign(window, { atiendeNoReload: true }));
const stillSamePage = (page: Page) => page.evaluate(() => 'atiendeNoReload' in window);

describePostgres('the whole journey across two server processes', () => {
  describeBrowser('customer portal on one process, agent console on the other', () => {
    let servers: Servers;
    let portalUrl: string;
    let consoleUrl: string;
    let browser: Browser;
    let agent: { email: string; password: string };
    let supervisor: { email: string; password: string };

    beforeAll(async () => {
      await ensureWebBuild();
      servers = await startServers(2);
      const [portalServer, consoleServer] = servers.processes;
      portalUrl = portalServer?.url ?? '';
      consoleUrl = consoleServer?.url ?? '';
      const admin = await adminApi(consoleUrl);
      agent = await admin.createAgent('agent', 'Ana Torres', ['atencion_quejas']);
      supervisor = await admin.createAgent('supervisor', 'Sofía Ramírez', [
        'atencion_quejas',
        'facturacion_cobranza',
      ]);
      browser = await launchBrowser();
    }, 240_000);

    afterAll(async () => {
      await browser?.close();
      await servers?.stop();
    });

    it('files a complaint on the portal, the agent sees it live and replies, the customer reads the reply, a supervisor transfers it', async () => {
      const agentSide = await openPage(browser);
      const agentPage = agentSide.page;
      await logIn(agentPage, consoleUrl, agent, 'console-login');
      await agentPage.getByRole('button', { name: 'Todos' }).click();
      await agentPage.getByText(/\d+ casos?/).waitFor();
      await screenshot(agentPage, 'console-inbox-before');
      await markPage(agentPage);

      const customerSide = await openPage(browser, { width: 360, height: 800 });
      const customer = customerSide.page;
      await customer.goto(`${portalUrl}/portal`);
      await customer.getByRole('heading', { name: 'Atención a clientes de Monet Móvil' }).waitFor();
      await customer.locator('.channel').first().waitFor();
      await screenshot(customer, 'journey-portal-home');
      await customer.getByRole('main').getByRole('link', { name: 'Levantar una solicitud' }).click();
      await customer.getByLabel('Tipo de solicitud').selectOption('queja');
      await customer
        .getByLabel('Describa su solicitud')
        .fill('Me cobraron dos veces la mensualidad de noviembre y nadie me da razón.');
      await customer.getByLabel('Nombre completo').fill('Laura Méndez');
      await customer.getByLabel('Teléfono', { exact: true }).fill(CUSTOMER_PHONE);
      await screenshot(customer, 'journey-portal-form');
      await customer.getByRole('button', { name: 'Enviar solicitud' }).click();
      const folio = ((await customer.getByTestId('folio').textContent()) ?? '').trim();
      expect(folio).toMatch(/^MON-\d{4}-\d{6}-\d$/);
      await expect
        .poll(() => customer.getByRole('heading', { level: 1 }).textContent())
        .toBe('Su solicitud quedó registrada');
      await screenshot(customer, 'journey-portal-folio');
      const [download] = await Promise.all([
        customer.waitForEvent('download'),
        customer.getByRole('button', { name: 'Descargar acuse (PDF)' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`acuse-${folio}.pdf`);
      expect(
        readFileSync(await download.path())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');

      // The agent's inbox, open all along, shows the new case through the live stream.
      const row = agentPage.locator(`tr[data-folio="${folio}"]`);
      await row.waitFor();
      expect(await stillSamePage(agentPage)).toBe(true);
      expect(await row.textContent()).toContain('Laura Méndez');
      expect(await row.textContent()).toContain('Queja');
      await screenshot(agentPage, 'console-inbox-live');

      await row.getByRole('link', { name: folio }).click();
      await agentPage.getByRole('heading', { name: `Folio ${folio}` }).waitFor();
      await agentPage.getByTestId('timeline').getByText('Me cobraron dos veces').waitFor();
      const reply = 'Hola Laura, ya revisamos el cargo doble; la bonificación se verá en su siguiente corte.';
      await agentPage.getByLabel('Mensaje', { exact: true }).fill(reply);
      await agentPage.getByRole('button', { name: 'Enviar respuesta' }).click();
      await agentPage.getByTestId('timeline').getByText(reply).waitFor();
      await screenshot(agentPage, 'console-case-replied');

      // The customer looks the folio up with the phone number given, and reads the reply.
      await customer.getByRole('button', { name: 'Ver mi solicitud' }).click();
      await customer.getByRole('heading', { name: `Folio ${folio}` }).waitFor();
      await customer.getByText(reply).waitFor();
      await screenshot(customer, 'journey-portal-case-reply');

      const lookupSide = await openPage(browser, { width: 360, height: 800 });
      await lookupSide.page.goto(`${portalUrl}/portal/lookup`);
      await lookupSide.page.getByLabel('Folio').fill(folio);
      await lookupSide.page.getByLabel('Teléfono o correo electrónico').fill('8123456789');
      await lookupSide.page.getByRole('button', { name: 'Consultar' }).click();
      await lookupSide.page.getByText(reply).waitFor();
      await lookupSide.context.close();

      // A supervisor of the area turns the case over to billing, with a reason the timeline keeps.
      const supervisorSide = await openPage(browser);
      const supervisorPage = supervisorSide.page;
      await logIn(supervisorPage, consoleUrl, supervisor);
      await supervisorPage.goto(`${consoleUrl}/app/cases/${folio}`);
      await supervisorPage.getByRole('heading', { name: `Folio ${folio}` }).waitFor();
      await supervisorPage.getByRole('button', { name: 'Turnar a otra área' }).click();
      const dialog = supervisorPage.getByRole('dialog');
      await dialog.getByLabel('Área destino').selectOption({ label: 'Facturación y cobranza' });
      const reason = 'Es un cargo duplicado: lo resuelve Facturación.';
      await dialog.getByLabel('Motivo').fill(reason);
      await screenshot(supervisorPage, 'console-transfer-dialog');
      await dialog.getByRole('button', { name: 'Turnar', exact: true }).click();
      const timeline = supervisorPage.getByTestId('timeline');
      await timeline
        .getByText('Sofía Ramírez turnó el caso de Atención a quejas a Facturación y cobranza')
        .waitFor();
      await timeline.getByText(`Motivo: ${reason}`).waitFor();
      expect(await supervisorPage.getByTestId('case-area').textContent()).toBe('Facturación y cobranza');
      await screenshot(supervisorPage, 'console-case-transferred');

      // The agent still on the case sees the transfer arrive without reloading.
      await agentPage.getByTestId('timeline').getByText(`Motivo: ${reason}`).waitFor();
      expect(await stillSamePage(agentPage)).toBe(true);

      await Promise.all([
        agentSide.context.close(),
        customerSide.context.close(),
        supervisorSide.context.close(),
      ]);
    }, 180_000);

    it('registers a phone call, reads out the folio, then notes and resolves it with a cause', async () => {
      const { context, page } = await openPage(browser);
      await logIn(page, consoleUrl, agent);
      await page.getByRole('link', { name: 'Registrar llamada' }).click();
      await page.getByLabel('Número de quien llama').fill('(81) 5555 0101');
      await page.getByRole('button', { name: 'Buscar cliente' }).click();
      await page.getByTestId('caller-match').getByText('Número nuevo').waitFor();
      await page.getByLabel('Nombre de quien llama').fill('Pedro Salas');
      await page.getByLabel('Tipo de solicitud').selectOption('queja');
      await page
        .getByLabel('Lo que dijo el cliente')
        .fill('Se queja de que el técnico no llegó a la cita del martes.');
      await screenshot(page, 'console-call-form');
      await page.getByRole('button', { name: 'Registrar y obtener folio' }).click();
      const folio = ((await page.getByTestId('folio').textContent()) ?? '').trim();
      expect(folio).toMatch(/^MON-\d{4}-\d{6}-\d$/);
      expect(await page.getByTestId('receipt-status').textContent()).toContain(
        'no se envió comprobante escrito',
      );
      await screenshot(page, 'console-call-folio');

      await page.getByRole('link', { name: 'Abrir el caso' }).click();
      await page.getByRole('heading', { name: `Folio ${folio}` }).waitFor();
      const timeline = page.getByTestId('timeline');
      await timeline.getByText('el técnico no llegó a la cita').waitFor();

      // Alt+N opens an internal note; Ctrl+Enter saves it.
      await page.keyboard.press('Alt+KeyN');
      await page.keyboard.type('Cliente molesto: ofrecer visita prioritaria.');
      await page.keyboard.press('Control+Enter');
      await timeline.getByText('Cliente molesto: ofrecer visita prioritaria.').waitFor();
      await timeline.getByText('Nota interna').first().waitFor();

      await page.getByLabel('Nuevo estado').selectOption('en_proceso');
      await page.getByRole('button', { name: 'Cambiar estado' }).click();
      await expect.poll(() => page.getByTestId('case-status').textContent()).toBe('En proceso');
      await page.getByLabel('Nuevo estado').selectOption('resuelto');
      await page.getByRole('button', { name: 'Cambiar estado' }).click();
      await page.getByText('Elija la causa para resolver este caso.').waitFor();
      await page.getByLabel('Causa (código)').selectOption({ label: 'Atribuible al proveedor' });
      await page.getByRole('button', { name: 'Cambiar estado' }).click();
      await expect.poll(() => page.getByTestId('case-status').textContent()).toBe('Resuelto');
      await timeline.getByText('Ana Torres cambió el estado de «En proceso» a «Resuelto»').waitFor();
      await timeline.getByText('Causa: Atribuible al proveedor').waitFor();
      await screenshot(page, 'console-case-resolved');
      await context.close();
    }, 120_000);

    it('lets an admin create an agent, deactivate them, and see the channels’ status', async () => {
      const { context, page } = await openPage(browser);
      await logIn(page, consoleUrl, TEST_ADMIN);
      await page.getByRole('link', { name: 'Administración' }).click();
      await page.getByRole('heading', { name: 'Administración', level: 1 }).waitFor();
      await page.getByRole('rowheader', { name: 'WhatsApp' }).waitFor();
      await screenshot(page, 'console-admin-channels');

      await page.getByRole('link', { name: 'Asesores' }).click();
      const form = page.getByRole('form', { name: 'Nuevo asesor(a)' });
      await form.getByLabel('Nombre').fill('Iván Cantú');
      await form.getByLabel('Correo').fill('ivan.cantu@example.test');
      await form.getByLabel('Contraseña inicial').fill('una contraseña bastante larga');
      await form.getByLabel('Rol').selectOption('supervisor');
      await form.getByLabel('Cancelaciones').check();
      await form.getByRole('button', { name: 'Crear asesor(a)' }).click();
      const row = page.getByRole('row', { name: /Iván Cantú/ });
      await row.waitFor();
      expect(await row.textContent()).toContain('Cancelaciones');
      expect(await row.textContent()).toContain('Supervisor(a)');

      await row.getByRole('button', { name: 'Editar Iván Cantú' }).click();
      await page
        .getByRole('form', { name: 'Editar Iván Cantú' })
        .getByRole('button', { name: 'Desactivar' })
        .click();
      await expect.poll(async () => (await row.getByRole('cell').nth(4).textContent())?.trim()).toBe('No');
      await screenshot(page, 'console-admin-agents');
      await context.close();
    }, 120_000);
  });
});

import { expect, it } from 'vitest';
import { generateCustomersFile } from '../../bench/import/customers-file.ts';
import { TEST_ADMIN } from '../../src/test/app.ts';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';

describeBrowser('the customers import page', () => {
  const server = portalUnderTest();

  it('an admin checks a CSV (dry run), then imports it, watching the progress reach 100 % and the counts', async () => {
    const file = generateCustomersFile({
      rows: 1_500,
      encoding: 'windows-1252',
      seed: 11,
      delimiter: ';',
      eol: '\r\n',
      bom: false,
    });
    const { context, page } = await openPage(server.browser);
    try {
      await page.goto(`${server.url}/`);
      await page.getByLabel('Correo electrónico').fill(TEST_ADMIN.email);
      await page.getByLabel('Contraseña', { exact: true }).fill(TEST_ADMIN.password);
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
      await page.goto(`${server.url}/app/admin/import`);
      await page.getByRole('link', { name: 'Importar clientes' }).waitFor();

      await page.getByLabel('Archivo CSV').setInputFiles({
        name: 'clientes-facturacion.csv',
        mimeType: 'text/csv',
        buffer: file.bytes,
      });
      const dryRun = page.getByLabel(/Solo revisar/);
      expect(await dryRun.isChecked()).toBe(true);
      await page.getByRole('button', { name: 'Revisar archivo' }).click();
      await page.getByRole('heading', { name: 'clientes-facturacion.csv: Terminada' }).waitFor();
      await page.getByText('1500 de 1500 filas (100 %)').waitFor();
      expect(
        await page.getByRole('progressbar', { name: 'Progreso de la importación' }).getAttribute('value'),
      ).toBe('100');
      await page.getByText(/Simulacro terminado/).waitFor();
      expect(await page.locator('[data-count="creado"]').textContent()).toBe('1485');
      expect(await page.locator('[data-count="rechazado"]').textContent()).toBe('15');
      await page.getByRole('heading', { name: 'Problemas (15)' }).waitFor();
      expect(await page.locator('tbody tr').count()).toBe(15);
      const firstLine = await page.locator('tbody tr th').first().textContent();
      expect(Number(firstLine)).toBe(file.badRows[0]?.line);
      await screenshot(page, 'import-dry-run');

      await dryRun.uncheck();
      await page.getByRole('button', { name: 'Importar', exact: true }).click();
      await page.getByText('Importación terminada.').waitFor();
      await page.getByText('1500 de 1500 filas (100 %)').waitFor();
      expect(await page.locator('[data-count="creado"]').textContent()).toBe('1485');
      const report = await page.getByRole('link', { name: /Descargar reporte/ }).getAttribute('href');
      const download = await page.request.get(`${server.url}${report}`);
      expect((await download.text()).trim().split('\r\n')).toHaveLength(16);
      await screenshot(page, 'import-done');
    } finally {
      await context.close();
    }
  }, 120_000);
});

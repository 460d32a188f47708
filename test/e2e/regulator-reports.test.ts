import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { TEST_ADMIN } from '../../src/test/app.ts';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';

/** The last finished month where the provider is (the reference profile's Monterrey). */
function lastMonth(): string {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Monterrey',
    year: 'numeric',
    month: '2-digit',
  }).format();
  const [year = 0, month = 1] = today.split('-').map(Number);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

describeBrowser('the regulator reports page', () => {
  const server = portalUnderTest();

  it('an admin generates last month’s report, downloads it with the hash shown, and cannot generate it twice', async () => {
    const period = lastMonth();
    const { context, page } = await openPage(server.browser);
    try {
      await page.goto(`${server.url}/`);
      await page.getByLabel('Correo electrónico').fill(TEST_ADMIN.email);
      await page.getByLabel('Contraseña', { exact: true }).fill(TEST_ADMIN.password);
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
      await page.goto(`${server.url}/app/admin/regulator-reports`);
      await page.getByRole('link', { name: 'Reportes al regulador' }).waitFor();
      await page.getByText('Aún no hay reportes archivados.').waitFor();

      expect(await page.getByLabel('Mes', { exact: true }).inputValue()).toBe(period);
      await page.getByRole('button', { name: 'Generar' }).click();
      await page.getByText(`Se generó el reporte de ${period}.`).waitFor();
      const row = page.getByRole('row', { name: new RegExp(period) });
      await row.waitFor();
      await screenshot(page, 'regulator-reports');

      const link = page.getByRole('link', { name: `Descargar el reporte de ${period} en Excel` });
      const download = await page.request.get(`${server.url}${await link.getAttribute('href')}`);
      expect(download.status()).toBe(200);
      const bytes = await download.body();
      const hash = createHash('sha256').update(bytes).digest('hex');
      expect(download.headers()['x-content-sha256']).toBe(hash);
      await row.getByText(hash).waitFor();

      await page.getByRole('button', { name: 'Generar' }).click();
      await page.getByText(/ya se generó/).waitFor();
    } finally {
      await context.close();
    }
  }, 180_000);
});

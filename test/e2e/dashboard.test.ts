import { readFileSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { loginOverHttp } from '../../src/test/processes.ts';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';
import { adminApi } from './servers.ts';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ rule: v.id, help: v.help, where: v.nodes.map((n) => n.target.join(' ')) }));
}

/** "Casos en el periodo: 1,234" → 1234 (es-MX groups thousands with a comma). */
const totalOf = async (page: Page) => {
  const text = (await page.getByTestId('dashboard-total').textContent()) ?? '';
  const match = /Casos en el periodo: ([\d,]+)/.exec(text);
  return match?.[1] ? Number(match[1].replaceAll(',', '')) : Number.NaN;
};

describeBrowser('the supervisors’ dashboard', () => {
  const server = portalUnderTest();

  it('counts a new case within 2 s of its creation, downloads the chart as CSV and PNG, and keeps its filters in the address', async () => {
    const admin = await adminApi(server.url);
    const supervisor = await admin.createAgent(
      'supervisor',
      'Teresa Garza',
      admin.areas.map((a) => a.code),
    );
    const headers = await loginOverHttp(server.url);

    const { page } = await openPage(server.browser);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Correo electrónico').fill(supervisor.email);
    await page.getByLabel('Contraseña').fill(supervisor.password);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Tablero' }).click();
    await page.getByRole('heading', { name: 'Tablero', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Casos por canal', level: 2 }).waitFor();
    await expect.poll(() => totalOf(page)).not.toBeNaN();
    const before = await totalOf(page);

    const opened = await fetch(`${server.url}/api/v1/cases`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        requestType: 'falla',
        channel: 'telefono',
        contact: { kind: 'phone', address: '81 2000 0101' },
        description: 'Sin internet desde la mañana',
      }),
    });
    expect(opened.status).toBe(201);
    await page
      .getByTestId('dashboard-total')
      .getByText(`Casos en el periodo: ${before + 1}`)
      .waitFor({ timeout: 2_000 });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'console-dashboard');

    const chart = page.getByTestId('dashboard-volume-channel');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      chart.getByRole('button', { name: 'Descargar CSV: Casos por canal' }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/^casos-por-canal-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync(await csv.path(), 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Periodo,Canal,Casos');
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows.reduce((total, row) => total + Number(row[2]), 0)).toBe(before + 1);
    expect(rows.some((row) => row[1] === 'Teléfono' && Number(row[2]) >= 1)).toBe(true);

    const [png] = await Promise.all([
      page.waitForEvent('download'),
      chart.getByRole('button', { name: 'Descargar PNG: Casos por canal' }).click(),
    ]);
    expect(png.suggestedFilename()).toMatch(/^casos-por-canal-.*\.png$/);
    expect(
      readFileSync(await png.path())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    // A filter narrows every chart and is kept in the address, so a reload or a shared link shows the same.
    await page.getByLabel('Canal', { exact: true }).selectOption('whatsapp');
    await expect.poll(() => new URL(page.url()).searchParams.get('channel')).toBe('whatsapp');
    await page.getByTestId('dashboard-total').getByText('Casos en el periodo: 0').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Tablero', level: 1 }).waitFor();
    expect(await page.getByLabel('Canal', { exact: true }).inputValue()).toBe('whatsapp');
    await page.getByTestId('dashboard-total').getByText('Casos en el periodo: 0').waitFor();
  });

  it('is not offered to agents', async () => {
    const admin = await adminApi(server.url);
    const agent = await admin.createAgent('agent', 'Luis Cantú', ['soporte_tecnico']);
    const { page } = await openPage(server.browser);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Correo electrónico').fill(agent.email);
    await page.getByLabel('Contraseña').fill(agent.password);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Tablero' }).count()).toBe(0);
    await page.goto(`${server.url}/app/dashboard`);
    await page.getByText('No tiene permiso').first().waitFor();
  });
});

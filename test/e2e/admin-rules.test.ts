import { expect, it } from 'vitest';
import { TEST_ADMIN } from '../../src/test/app.ts';
import { loginOverHttp } from '../../src/test/processes.ts';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';

const MESSAGE = 'Quiero mover la antena al otro lado de la casa';

describeBrowser('routing rules, canned replies and the change history in the console', () => {
  const server = portalUnderTest();

  it('an admin sends "antena" to another area, tries a message, saves; a case lands there and the history shows it', async () => {
    const { context, page } = await openPage(server.browser);
    try {
      await page.goto(`${server.url}/`);
      await page.getByLabel('Correo electrónico').fill(TEST_ADMIN.email);
      await page.getByLabel('Contraseña', { exact: true }).fill(TEST_ADMIN.password);
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
      await page.goto(`${server.url}/app/admin/rules`);
      await page.getByRole('heading', { name: 'Reglas de canalización' }).waitFor();

      await page.getByRole('button', { name: 'Agregar regla al inicio' }).first().click();
      const rule = page.getByTestId('routing-rule-0');
      await rule.getByLabel('Palabras clave').fill('antena');
      await rule.getByLabel('Área', { exact: true }).selectOption({ label: 'Ventas y contrataciones' });

      // Tried before saving: the draft decides.
      await page.getByLabel('Mensaje del cliente').fill(MESSAGE);
      await page.getByRole('button', { name: 'Probar', exact: true }).click();
      await expect
        .poll(() => page.getByTestId('try-area').textContent())
        .toBe('Ventas y contrataciones (regla de canalización 1)');
      expect(await page.getByTestId('try-result').textContent()).toContain(
        'Ninguna coincide: queda como consulta',
      );
      await screenshot(page, 'admin-rules-try');

      await page.getByRole('button', { name: 'Guardar reglas de canalización' }).click();
      await page.getByText('Cambios guardados.').waitFor();

      const headers = await loginOverHttp(server.url, TEST_ADMIN);
      const opened = await fetch(`${server.url}/api/v1/cases`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          requestType: 'consulta',
          channel: 'telefono',
          contact: { kind: 'phone', address: '81 2444 5566' },
          description: MESSAGE,
        }),
      });
      expect(opened.status).toBe(201);
      expect(((await opened.json()) as { area: { code: string } }).area.code).toBe('ventas_contrataciones');

      await page.getByRole('link', { name: 'Perfil e historial' }).click();
      await page.getByRole('heading', { name: 'Historial de cambios' }).waitFor();
      const latest = page.getByTestId('settings-history').locator('> li').first();
      const keywords = latest.getByRole('row', { name: /routingRules\[0\]\.keywords\[0\]/ });
      await keywords.waitFor();
      expect(await keywords.locator('td').allTextContents()).toEqual(['(sin valor)', 'antena']);
      const area = latest.getByRole('row', { name: /routingRules\[0\]\.area/ });
      expect(await area.locator('td').allTextContents()).toEqual([
        'soporte_tecnico',
        'ventas_contrataciones',
      ]);
      await screenshot(page, 'admin-profile-history');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('an admin downloads the profile, pastes it back edited, sees the one difference and applies it', async () => {
    const { context, page } = await openPage(server.browser);
    try {
      await page.goto(`${server.url}/`);
      await page.getByLabel('Correo electrónico').fill(TEST_ADMIN.email);
      await page.getByLabel('Contraseña', { exact: true }).fill(TEST_ADMIN.password);
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
      await page.goto(`${server.url}/app/admin/profile`);
      const href = await page.getByRole('link', { name: 'Descargar perfil (YAML)' }).getAttribute('href');
      const exported = await (await page.request.get(`${server.url}${href}`)).text();
      expect(exported).toContain('reopenWindowDays: 7');

      await page
        .getByLabel('Contenido del perfil')
        .fill(exported.replace('reopenWindowDays: 7', 'reopenWindowDays: 10'));
      await page.getByRole('button', { name: 'Ver diferencias' }).click();
      await page.getByRole('heading', { name: '1 cambio por aplicar' }).waitFor();
      const row = page.getByRole('row', { name: /cases\.reopenWindowDays/ });
      expect(await row.locator('td').allTextContents()).toEqual(['7', '10']);
      await screenshot(page, 'admin-profile-preview');
      await page.getByRole('button', { name: 'Aplicar' }).click();
      await page.getByText('Perfil aplicado: 1 cambio.').waitFor();
      const history = page.getByTestId('settings-history').locator('> li').first();
      await history.getByRole('row', { name: /cases\.reopenWindowDays/ }).waitFor();
    } finally {
      await context.close();
    }
  }, 120_000);

  it('an admin adds a canned reply for an area and sees it filled with sample values', async () => {
    const { context, page } = await openPage(server.browser);
    try {
      await page.goto(`${server.url}/`);
      await page.getByLabel('Correo electrónico').fill(TEST_ADMIN.email);
      await page.getByLabel('Contraseña', { exact: true }).fill(TEST_ADMIN.password);
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
      await page.goto(`${server.url}/app/admin/canned-replies`);
      await page.getByLabel('Área', { exact: true }).first().selectOption({ label: 'Soporte técnico' });
      await page.getByTestId('canned-reinicio').waitFor();
      await page.getByRole('button', { name: 'Agregar respuesta' }).click();
      const added = page.locator('fieldset[data-testid^="canned-respuesta_"]');
      await added.getByLabel('Título (español)').fill('Revisar la antena');
      await added.getByLabel('Texto «tú» (español)').fill('Hola{nombre}, revisa tu antena; folio {folio}.');
      await added
        .getByLabel('Texto «usted» (español)')
        .fill('Estimado(a) cliente{nombre}: revise su antena; folio {folio}.');
      expect(await added.locator('.template-preview').textContent()).toContain(
        'Hola Ana, revisa tu antena; folio MON-2026-000123-7.',
      );
      await page.getByRole('button', { name: 'Guardar respuestas' }).click();
      await page.getByText('Cambios guardados.').waitFor();

      const headers = await loginOverHttp(server.url, TEST_ADMIN);
      const replies = (await (
        await fetch(`${server.url}/api/v1/canned-replies?area=soporte_tecnico`, { headers })
      ).json()) as Array<{ title: { es: string } }>;
      expect(replies.map((r) => r.title.es)).toContain('Revisar la antena');

      // The case page's reply box offers it, filled from the case.
      const opened = await fetch(`${server.url}/api/v1/cases`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          requestType: 'falla',
          channel: 'telefono',
          contact: { kind: 'phone', address: '81 2555 6677' },
          description: 'No hay señal desde ayer en la tarde.',
        }),
      });
      const { folio } = (await opened.json()) as { folio: string };
      await page.goto(`${server.url}/app/cases/${encodeURIComponent(folio)}`);
      await page.getByLabel('Respuestas rápidas').selectOption({ label: 'Revisar la antena' });
      await expect
        .poll(() => page.locator('#composer-body').inputValue())
        .toBe(`Estimado(a) cliente: revise su antena; folio ${folio}.`);
    } finally {
      await context.close();
    }
  }, 120_000);
});

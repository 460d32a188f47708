import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { TEST_ADMIN } from '../../src/test/app.ts';
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
}

describeBrowser('a password reset by an admin, and the forced change', () => {
  const server = portalUnderTest();

  it('admin resets an agent → the agent logs in → must choose a new password → a weak one is refused → a strong one leads to the inbox', async () => {
    const admin = await adminApi(server.url);
    const agent = await admin.createAgent('agent', 'Marta Leal', ['atencion_quejas']);

    const adminSide = await openPage(server.browser);
    await logIn(adminSide.page, server.url, TEST_ADMIN);
    await adminSide.page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    await adminSide.page.goto(`${server.url}/app/admin/agents`);
    await adminSide.page
      .getByRole('row', { name: /Marta Leal/ })
      .getByRole('button', { name: 'Editar Marta Leal' })
      .click();
    await adminSide.page.getByRole('button', { name: 'Restablecer contraseña' }).click();
    await adminSide.page.getByRole('button', { name: 'Sí, restablecer' }).click();
    const shown = adminSide.page.getByTestId('temporary-password');
    await shown.waitFor();
    const temporary = ((await shown.textContent()) ?? '').trim();
    expect(temporary).toMatch(/^\S{20}$/);
    await screenshot(adminSide.page, 'console-admin-password-reset');
    await adminSide.context.close();

    const { context, page } = await openPage(server.browser);
    await logIn(page, server.url, { email: agent.email, password: temporary });
    await page.getByRole('heading', { name: 'Elija una contraseña nueva', level: 1 }).waitFor();
    // Nothing but the change is offered.
    expect(await page.getByRole('link', { name: 'Bandeja' }).count()).toBe(0);
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'console-password-forced-1366');

    await page.getByLabel('Contraseña temporal').fill(temporary);
    await page.getByLabel(/^Contraseña nueva/).fill('contraseña123');
    await page.getByLabel('Repita la contraseña nueva').fill('contraseña123');
    await page.getByRole('button', { name: 'Guardar contraseña' }).click();
    const refusal = page.getByText('Es una contraseña muy común y fácil de adivinar. Elija otra.');
    await refusal.waitFor();
    expect(await page.getByLabel(/^Contraseña nueva/).getAttribute('aria-invalid')).toBe('true');
    expect(await violations(page)).toEqual([]);
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'console-password-weak-360');

    const chosen = 'la hamaca azul de la abuela';
    await page.getByLabel(/^Contraseña nueva/).fill(chosen);
    await page.getByLabel('Repita la contraseña nueva').fill(chosen);
    await page.getByRole('button', { name: 'Guardar contraseña' }).click();
    await page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await context.close();

    // The new password is the one that works from now on.
    const again = await openPage(server.browser, { width: 360, height: 800 });
    await logIn(again.page, server.url, { email: agent.email, password: chosen });
    await again.page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    await again.page.getByRole('link', { name: 'Cambiar contraseña' }).click();
    await again.page.getByRole('heading', { name: 'Cambiar contraseña', level: 1 }).waitFor();
    expect(await violations(again.page)).toEqual([]);
    await again.context.close();
  }, 180_000);
});

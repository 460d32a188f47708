import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { TEST_ADMIN } from '../../src/test/app.ts';
import { loginOverHttp } from '../../src/test/processes.ts';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';

async function violations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations.map((v) => ({ rule: v.id, where: v.nodes.map((n) => n.target.join(' ')) }));
}

/** How wide the page is beyond the window: 0 when nothing scrolls sideways. */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/**
 * Where the element's text wraps, as the characters on either side of each line break, measured from
 * the rendered glyphs.
 */
const lineBreaks = (element: Locator) =>
  element.evaluate((root) => {
    const chars: Array<{ text: string; top: number }> = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      for (let i = 0; i < node.data.length; i += 1) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (rect && rect.width > 0) chars.push({ text: node.data[i] ?? '', top: rect.top });
      }
    }
    const breaks: string[] = [];
    for (let k = 1; k < chars.length; k += 1) {
      const [before, after] = [chars[k - 1], chars[k]];
      if (before && after && after.top > before.top + 2) breaks.push(`${before.text}|${after.text}`);
    }
    return breaks;
  });

// A break after a space or a dash, or before an address's @ or dot, reads as intended.
const sensible = (joint: string) => /^[ -]\||^.\|[@.]$/.test(joint);

const LONG_EMAIL = 'atencion.clientes.empresariales.corporativos@monetmicroondas-del-norte.com.mx';

describeBrowser('portal polish at 360 px', () => {
  const portal = portalUnderTest();

  it('clears each form error as soon as its field is right', async () => {
    const { context, page } = await openPage(portal.browser, { width: 360, height: 800 });
    await page.goto(`${portal.url}/portal/request`);
    await page.getByRole('button', { name: 'Enviar solicitud' }).click();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.getByRole('link').allTextContents()).toEqual([
      'Elija el tipo de solicitud.',
      'Describa su solicitud (al menos 5 caracteres).',
      'Escriba un teléfono o un correo electrónico.',
    ]);

    await page.getByLabel('Tipo de solicitud').selectOption('falla');
    expect(await page.getByLabel('Tipo de solicitud').getAttribute('aria-invalid')).toBeNull();
    expect(await summary.getByRole('link').count()).toBe(2);

    await page.getByLabel('Describa su solicitud').fill('Sin');
    // Still too short: the error stays until it is right.
    expect(await page.getByText('Describa su solicitud (al menos 5 caracteres).').count()).toBe(2);
    await page.getByLabel('Describa su solicitud').fill('Sin señal desde ayer.');
    expect(await page.getByText('Describa su solicitud (al menos 5 caracteres).').count()).toBe(0);

    // The missing contact becomes "not a valid phone" while half-typed, then goes.
    const phone = page.getByLabel('Teléfono', { exact: true });
    await phone.fill('81 45');
    await page.locator('#phone-error').getByText('Escriba un teléfono válido, a 10 dígitos.').waitFor();
    await phone.fill('81 4567 8901');
    expect(await page.locator('#phone-error').count()).toBe(0);
    expect(await phone.getAttribute('aria-invalid')).toBeNull();
    expect(await summary.count()).toBe(0);

    // No error appears while typing before a submit.
    await page.getByLabel('Correo electrónico').fill('no-es-correo');
    expect(await page.locator('#email-error').count()).toBe(0);

    await page.goto(`${portal.url}/portal/lookup`);
    await page.getByRole('button', { name: 'Consultar', exact: true }).click();
    await page.getByText('Escriba su folio.').first().waitFor();
    await page.getByLabel(/^Folio/).fill('MON-2026-000001-1');
    expect(await page.getByText('Escriba su folio.').count()).toBe(0);
    expect(await page.getByText('Escriba el teléfono o correo electrónico que nos dio.').count()).toBe(2);
    await page.getByLabel('Teléfono o correo electrónico').fill('8145678901');
    expect(await page.locator('.error-summary').count()).toBe(0);
    await context.close();
  }, 120_000);

  it('wraps long e-mail addresses and folios at their joints, never sideways', async () => {
    // The provider's e-mail made long, as some providers' are.
    const headers = await loginOverHttp(portal.url, TEST_ADMIN);
    const settings = (await (await fetch(`${portal.url}/api/v1/settings`, { headers })).json()) as {
      channels: Array<{
        channel: string;
        contactPoints: Array<{ kind: string; value: string; display: string }>;
      }>;
    };
    for (const channel of settings.channels) {
      if (channel.channel === 'email')
        channel.contactPoints = [{ kind: 'email', value: LONG_EMAIL, display: LONG_EMAIL }];
    }
    const put = await fetch(`${portal.url}/api/v1/settings`, {
      method: 'PUT',
      headers,
      body: JSON.stringify(settings),
    });
    expect(put.status).toBe(200);

    const { context, page } = await openPage(portal.browser, { width: 360, height: 800 });
    await page.goto(`${portal.url}/portal`);
    const email = page.getByRole('link', { name: LONG_EMAIL });
    await email.waitFor();
    const emailBreaks = await lineBreaks(email);
    expect(emailBreaks.length).toBeGreaterThan(0);
    expect(emailBreaks.filter((joint) => !sensible(joint))).toEqual([]);
    expect(await overflow(page)).toBe(0);
    await screenshot(page, 'portal-long-email-360');

    await page.getByRole('main').getByRole('link', { name: 'Levantar una solicitud' }).click();
    await page.getByLabel('Tipo de solicitud').selectOption('queja');
    await page.getByLabel('Describa su solicitud').fill('El técnico no llegó a la cita del martes.');
    await page.getByLabel('Correo electrónico').fill(LONG_EMAIL);
    await page.getByRole('button', { name: 'Enviar solicitud' }).click();
    const folio = page.getByTestId('folio');
    await folio.waitFor();
    expect((await lineBreaks(folio)).filter((joint) => !sensible(joint))).toEqual([]);
    expect(await overflow(page)).toBe(0);

    // Narrower still (320 px, the smallest phones): no break inside a number, nothing sideways.
    await page.setViewportSize({ width: 320, height: 800 });
    const narrow = await lineBreaks(folio);
    expect(narrow.filter((joint) => !sensible(joint))).toEqual([]);
    expect(await overflow(page)).toBe(0);
    await page.setViewportSize({ width: 360, height: 800 });

    await page.getByRole('button', { name: 'Ver mi solicitud' }).click();
    const heading = page.getByRole('heading', { level: 1, name: /^Folio / });
    await heading.waitFor();
    expect((await lineBreaks(heading)).filter((joint) => !sensible(joint))).toEqual([]);
    expect(await overflow(page)).toBe(0);
    await screenshot(page, 'portal-case-360');
    await context.close();
  }, 120_000);

  it('shows a not-found page for an unknown portal address, in both languages', async () => {
    const { context, page } = await openPage(portal.browser, { width: 360, height: 800 });
    await page.goto(`${portal.url}/portal/no-existe`);
    await page.getByRole('heading', { name: 'Esta página no existe', level: 1 }).waitFor();
    expect(await page.title()).toMatch(/^Esta página no existe/);
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'portal-not-found-360');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'This page does not exist', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Go to the home page' }).click();
    await page.getByRole('heading', { name: 'Monet Móvil customer care', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/portal');
    await context.close();
  }, 120_000);

  it('keeps a looked-up case through a reload for the tab, and forgets it on a new lookup', async () => {
    const { context, page } = await openPage(portal.browser, { width: 360, height: 800 });
    await page.goto(`${portal.url}/portal/request`);
    await page.getByLabel('Tipo de solicitud').selectOption('falla');
    await page.getByLabel('Describa su solicitud').fill('Se corta el internet cada noche.');
    await page.getByLabel('Teléfono', { exact: true }).fill('(81) 4567 8902');
    await page.getByRole('button', { name: 'Enviar solicitud' }).click();
    const folio = ((await page.getByTestId('folio').textContent()) ?? '').trim();
    await page.getByRole('button', { name: 'Ver mi solicitud' }).click();
    await page.getByRole('heading', { name: `Folio ${folio}`, level: 1 }).waitFor();

    await page.reload();
    await page.getByRole('heading', { name: `Folio ${folio}`, level: 1 }).waitFor();
    expect(await page.getByLabel('Su mensaje').count()).toBe(1);

    // Another tab (its own session storage) does not see it.
    const other = await context.newPage();
    await other.goto(`${portal.url}/portal/lookup`);
    await other.getByRole('heading', { name: 'Consultar un folio', level: 1 }).waitFor();
    await other.close();

    await page.getByRole('button', { name: 'Consultar otro folio' }).click();
    await page.getByRole('heading', { name: 'Consultar un folio', level: 1 }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.reload();
    await page.getByRole('heading', { name: 'Consultar un folio', level: 1 }).waitFor();
    await context.close();
  }, 120_000);
});

import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';

interface Focused {
  tag: string;
  id: string;
  name: string;
  className: string;
  outlined: boolean;
}

/** What has focus, named roughly as a screen reader would: its label, else its text. */
const focused = (page: Page): Promise<Focused> =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return { tag: '', id: '', name: '', className: '', outlined: false };
    const labelled = (el as HTMLInputElement).labels?.[0]?.textContent;
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: (labelled ?? el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim(),
      className: typeof el.className === 'string' ? el.className : '',
      outlined: style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0,
    };
  });

/**
 * Presses Tab until the focused element's name starts with `name`, as a keyboard user would, and
 * records every stop passed on the way that showed no focus indicator.
 */
async function tabTo(page: Page, name: string, unmarked: string[], maxStops = 40): Promise<void> {
  const passed: string[] = [];
  for (let i = 0; i < maxStops; i += 1) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (!now.outlined) unmarked.push(`${now.tag}#${now.id} "${now.name}"`);
    if (now.name.startsWith(name)) return;
    passed.push(now.name || now.tag);
  }
  throw new Error(`Tab never reached "${name}"; passed: ${passed.join(' | ')}`);
}

describeBrowser('the customer portal with the keyboard alone', () => {
  const portal = portalUnderTest();

  it('files a request, reads the folio, follows it and answers, then looks it up again, never touching a mouse', async () => {
    const { context, page } = await openPage(portal.browser, { width: 360, height: 800 });
    const unmarked: string[] = [];
    await page.goto(`${portal.url}/portal`);
    await page.locator('.channel').first().waitFor();

    await page.keyboard.press('Tab');
    expect((await focused(page)).name).toBe('Saltar al contenido');
    await tabTo(page, 'English', unmarked);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Monet Móvil customer care' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Atención a clientes de Monet Móvil' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('es-MX');

    await tabTo(page, 'Levantar una solicitud', unmarked);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Levantar una solicitud', level: 1 }).waitFor();
    expect((await focused(page)).tag).toBe('h1');

    // Sent empty, the form lists what is missing and takes the reader there.
    await tabTo(page, 'Enviar solicitud', unmarked);
    await page.keyboard.press('Enter');
    await page.locator('.error-summary').waitFor();
    expect((await focused(page)).className).toContain('error-summary');
    await screenshot(page, 'portal-keyboard-errors');
    await tabTo(page, 'Elija el tipo de solicitud.', unmarked);
    await page.keyboard.press('Enter');
    expect((await focused(page)).id).toBe('request-type');

    await page.keyboard.type('Queja');
    expect(await page.locator('#request-type').inputValue()).toBe('queja');
    await tabTo(page, 'Describa su solicitud', unmarked);
    await page.keyboard.type('El técnico no llegó a la visita programada y nadie avisó.');
    await tabTo(page, 'Nombre completo', unmarked);
    await page.keyboard.type('Jorge Treviño');
    await tabTo(page, 'Teléfono', unmarked);
    await page.keyboard.type('81 3456 7890');
    await tabTo(page, 'Enviar solicitud', unmarked);
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Su solicitud quedó registrada' }).waitFor();
    expect((await focused(page)).tag).toBe('h1');
    const folio = ((await page.getByTestId('folio').textContent()) ?? '').trim();
    expect(folio).toMatch(/^MON-\d{4}-\d{6}-\d$/);
    await screenshot(page, 'portal-keyboard-folio');

    await tabTo(page, 'Ver mi solicitud', unmarked);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Folio ${folio}` }).waitFor();
    await tabTo(page, 'Su mensaje', unmarked);
    await page.keyboard.type('¿Me pueden confirmar la nueva fecha de la visita?');
    await tabTo(page, 'Enviar mensaje', unmarked);
    await page.keyboard.press('Enter');
    await page.getByText('Recibimos su mensaje.').waitFor();
    await page.getByText('¿Me pueden confirmar la nueva fecha de la visita?').waitFor();

    await tabTo(page, 'Consultar otro folio', unmarked);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Consultar un folio', level: 1 }).waitFor();
    await tabTo(page, 'Folio', unmarked);
    await page.keyboard.type(folio.toLowerCase());
    await page.keyboard.press('Tab');
    await page.keyboard.type('8134567890');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Folio ${folio}` }).waitFor();
    await page.getByText('El técnico no llegó a la visita programada').waitFor();

    expect(unmarked).toEqual([]);
    await context.close();
  }, 180_000);
});

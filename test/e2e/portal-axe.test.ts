import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';

/** Serious and critical WCAG 2.1 A/AA violations on the page as it stands, in a readable form. */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ rule: v.id, help: v.help, where: v.nodes.map((n) => n.target.join(' ')) }));
}

const TEXT = {
  'es-MX': {
    home: 'Atención a clientes de Monet Móvil',
    request: 'Levantar una solicitud',
    type: 'Tipo de solicitud',
    description: 'Describa su solicitud',
    phone: 'Teléfono',
    submit: 'Enviar solicitud',
    created: 'Su solicitud quedó registrada',
    follow: 'Ver mi solicitud',
    reply: 'Su mensaje',
    send: 'Enviar mensaje',
    sent: 'Recibimos su mensaje.',
    another: 'Consultar otro folio',
    lookup: 'Consultar un folio',
    folio: 'Folio',
    factor: 'Teléfono o correo electrónico',
    search: 'Consultar',
    notFound: 'No encontramos una solicitud',
    privacy: 'Aviso de privacidad',
  },
  en: {
    home: 'Monet Móvil customer care',
    request: 'File a request',
    type: 'Type of request',
    description: 'Describe your request',
    phone: 'Phone',
    submit: 'Send request',
    created: 'Your request has been filed',
    follow: 'See my request',
    reply: 'Your message',
    send: 'Send message',
    sent: 'We received your message.',
    another: 'Look up another folio',
    lookup: 'Look up a folio',
    folio: 'Folio',
    factor: 'Phone or e-mail',
    search: 'Look up',
    notFound: 'We found no request',
    privacy: 'Privacy notice',
  },
} as const;

describeBrowser('accessibility of every portal state at 360 px (axe-core, WCAG 2.1 AA)', () => {
  const portal = portalUnderTest();

  for (const language of ['es-MX', 'en'] as const) {
    it(`has no serious or critical violations in ${language}`, async () => {
      const text = TEXT[language];
      const { context, page } = await openPage(portal.browser, { width: 360, height: 800 });
      const found: Record<string, Awaited<ReturnType<typeof seriousViolations>>> = {};
      const check = async (state: string) => {
        found[state] = await seriousViolations(page);
        await screenshot(page, `portal-${state}-${language}`);
      };

      await page.goto(`${portal.url}/portal`);
      await page.locator('.channel').first().waitFor();
      if (language === 'en') {
        await page.getByRole('button', { name: 'English' }).click();
        expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      }
      await page.getByRole('heading', { name: text.home }).waitFor();
      await check('home');

      await page.getByRole('main').getByRole('link', { name: text.request }).click();
      await page.getByRole('heading', { name: text.request, level: 1 }).waitFor();
      await check('form');
      await page.getByRole('button', { name: text.submit }).click();
      await page.locator('.error-summary').waitFor();
      await check('form-errors');

      await page.getByLabel(text.type).selectOption('falla');
      await page.getByLabel(text.description).fill('Intermitencia en la señal desde hace tres días.');
      await page.getByLabel(text.phone, { exact: true }).fill('(81) 4567 8901');
      await page.getByRole('button', { name: text.submit }).click();
      await page.getByRole('heading', { name: text.created }).waitFor();
      await check('folio');
      const folio = ((await page.getByTestId('folio').textContent()) ?? '').trim();

      await page.getByRole('button', { name: text.follow }).click();
      await page.getByRole('heading', { name: `Folio ${folio}` }).waitFor();
      await page.getByLabel(text.reply).fill('Hoy volvió a fallar a las 9 de la mañana.');
      await page.getByRole('button', { name: text.send }).click();
      await page.getByText(text.sent).waitFor();
      await check('case-reply');

      await page.getByRole('button', { name: text.another }).click();
      await page.getByRole('heading', { name: text.lookup, level: 1 }).waitFor();
      await check('lookup');
      await page.getByLabel(text.folio, { exact: false }).first().fill(folio);
      await page.getByLabel(text.factor).fill('8100000000');
      await page.getByRole('button', { name: text.search, exact: true }).click();
      await page.getByText(text.notFound).waitFor();
      await check('lookup-not-found');

      await page.getByRole('link', { name: text.privacy }).click();
      await page.getByRole('heading', { name: text.privacy, level: 1 }).waitFor();
      await check('privacy');

      expect(found).toEqual(Object.fromEntries(Object.keys(found).map((state) => [state, []])));
      await context.close();
    }, 180_000);
  }
});

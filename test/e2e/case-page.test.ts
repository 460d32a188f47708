import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { loginOverHttp } from '../../src/test/processes.ts';
import { describeBrowser, openPage, portalUnderTest, screenshot } from './browser.ts';
import { adminApi } from './servers.ts';

// A 1×1 PNG and a tiny PDF, as an agent would attach a photo of the modem and a visit report.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');

/** Every WCAG 2.1 A/AA violation axe finds on the page as it stands, in a readable form. */
async function violations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    where: v.nodes.map((n) => n.target.join(' ')),
  }));
}

async function logIn(page: Page, baseUrl: string, credentials: { email: string; password: string }) {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel(/Correo electrónico|E-mail/).fill(credentials.email);
  await page.getByLabel(/Contraseña|Password/).fill(credentials.password);
  await page.getByRole('button', { name: /^(Iniciar sesión|Sign in)$/ }).click();
  await page.getByRole('heading', { name: /^(Bandeja|Inbox)$/, level: 1 }).waitFor();
}

/** Pairs of header facts whose boxes overlap, and facts whose text runs out of their own box. */
const headerOverlaps = (page: Page) =>
  page.evaluate(() => {
    const cells = [...document.querySelectorAll('.case__facts > div')];
    const boxes = cells.map((cell) => cell.getBoundingClientRect());
    const found: string[] = [];
    boxes.forEach((a, i) => {
      boxes.slice(i + 1).forEach((b, j) => {
        const apart =
          a.right <= b.left + 0.5 ||
          b.right <= a.left + 0.5 ||
          a.bottom <= b.top + 0.5 ||
          b.bottom <= a.top + 0.5;
        if (!apart) found.push(`${cells[i]?.textContent} × ${cells[i + 1 + j]?.textContent}`);
      });
    });
    for (const cell of cells) {
      const dd = cell.querySelector('dd');
      if (dd && dd.scrollWidth > dd.clientWidth + 1) found.push(`overflows: ${cell.textContent}`);
    }
    return found;
  });

describeBrowser('the case page (header, timeline, reply channel, attachments, accessibility)', () => {
  const app = portalUnderTest();
  let agent: { email: string; password: string };
  let folio: string;
  let otherAreaFolio: string;

  beforeAll(async () => {
    const admin = await adminApi(app.url);
    agent = await admin.createAgent('agent', 'Luis Garza', ['atencion_quejas']);
    const headers = await loginOverHttp(app.url);
    const call = async <T>(method: string, url: string, body?: unknown) => {
      const response = await fetch(`${app.url}/api/v1${url}`, {
        method,
        headers,
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    // A complaint taken by phone from a customer with WhatsApp on file, with a photo and a report.
    const kase = await call<{ folio: string }>('POST', '/cases', {
      requestType: 'queja',
      channel: 'telefono',
      contact: { kind: 'whatsapp', address: '+528145678901' },
      customerName: 'Rosa María Treviño Cantú',
      description: 'Me cobraron dos veces la mensualidad de noviembre y el módem parpadea en rojo.',
      attachments: [
        { filename: 'modem.png', contentType: 'image/png', data: PNG },
        { filename: 'estado-de-cuenta.pdf', contentType: 'application/pdf', data: PDF },
      ],
    });
    folio = kase.folio;
    await call('POST', `/cases/${folio}/messages`, {
      kind: 'nota_interna',
      body: 'Revisar con facturación el doble cargo.',
    });
    const other = await call<{ folio: string }>('POST', '/cases', {
      requestType: 'saldo',
      channel: 'telefono',
      contact: { kind: 'phone', address: '+528112340000' },
      description: '¿Cuánto debo este mes?',
    });
    otherAreaFolio = other.folio;
  }, 240_000);

  it('shows the header without overlaps, both deadlines, the timeline in words and the files', async () => {
    const { context, page } = await openPage(app.browser, { width: 1366, height: 768, language: 'es-MX' });
    await logIn(page, app.url, agent);
    await page.goto(`${app.url}/app/cases/${folio}`);
    await page.getByRole('heading', { name: `Folio ${folio}` }).waitFor();
    await page.getByTestId('timeline').getByText('Revisar con facturación').waitFor();
    expect(await headerOverlaps(page)).toEqual([]);
    expect(await page.getByTestId('deadline-primera_respuesta').textContent()).toMatch(
      /Vence en|Venció hace/,
    );
    expect(await page.getByTestId('deadline-resolucion').textContent()).toContain('Fecha compromiso');

    // The note is the agents' own: it travelled on no channel.
    const note = page.locator('.entry--nota_interna');
    expect(await note.locator('.entry__line').textContent()).not.toContain(' por ');
    // Files open where they are: the picture in the page, the PDF in the browser.
    await page.getByRole('button', { name: 'Vista previa de modem.png' }).click();
    await page.getByRole('dialog').getByRole('img', { name: 'modem.png' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cerrar' }).click();
    const pdf = page.getByRole('link', { name: 'Abrir estado-de-cuenta.pdf' });
    const href = (await pdf.getAttribute('href')) ?? '';
    const served = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return [response.headers.get('content-type'), response.headers.get('content-disposition')];
    }, href);
    expect(served[0]).toBe('application/pdf');
    expect(served[1]).toMatch(/^inline;/);

    // A phone case is answered by default on the customer's WhatsApp, not only in the portal.
    const via = page.getByLabel('Responder por');
    await via.waitFor();
    expect(await via.locator('option:checked').textContent()).toBe('WhatsApp: (81) 4567 8901');
    expect(await page.getByTestId('reply-hint').textContent()).toContain('Se enviará por WhatsApp');

    await screenshot(page, 'case-1366');
    await context.close();
  }, 120_000);

  it('offers an agent of another area neither replies nor changes', async () => {
    const { context, page } = await openPage(app.browser, { width: 1366, height: 768 });
    await logIn(page, app.url, agent);
    await page.goto(`${app.url}/app/cases/${otherAreaFolio}`);
    await page.getByRole('heading', { name: `Folio ${otherAreaFolio}` }).waitFor();
    await page.getByTestId('read-only').waitFor();
    expect(await page.getByRole('button', { name: 'Turnar a otra área' }).count()).toBe(0);
    expect(await page.getByLabel('Nuevo estado').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Enviar respuesta' }).count()).toBe(0);
    await context.close();
  }, 120_000);

  for (const language of ['es-MX', 'en'] as const) {
    for (const width of [360, 1366]) {
      it(`has no axe violations at ${width} px in ${language}`, async () => {
        const { context, page } = await openPage(app.browser, { width, height: 800, language });
        await logIn(page, app.url, agent);
        await page.goto(`${app.url}/app/cases/${folio}`);
        await page.getByRole('heading', { name: `Folio ${folio}` }).waitFor();
        await page.getByTestId('timeline').locator('.entry--nota_interna').waitFor();
        await page
          .locator('.attachment__thumb img')
          .first()
          .evaluate((img: HTMLImageElement) => img.decode());
        expect(await violations(page)).toEqual([]);
        // Nothing wider than the window: named by tag and class, so a failure says what to fix.
        const tooWide = await page.evaluate(() =>
          [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
            .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`),
        );
        expect(tooWide).toEqual([]);
        await context.close();
      }, 120_000);
    }
  }
});

import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waMessagesPayload, waText } from '../../src/channels/testing/wa-payloads.ts';
import { signMetaPayload } from '../../src/channels/whatsapp/signature.ts';
import { TEST_ADMIN } from '../../src/test/app.ts';
import { type FakeGraph, startFakeGraph } from '../../src/test/fake-graph.ts';
import { loginOverHttp, type Servers, startServers } from '../../src/test/processes.ts';
import { describeBrowser, launchBrowser, openPage, screenshot } from './browser.ts';
import { ensureWebBuild } from './build.ts';

const SECRET = 'app-secret-for-e2e';
const MOTHER = { whatsapp: '+528112345678', account: '700800900', name: 'Rosa Garza Treviño' };
// The son's WhatsApp id as Meta sends it for a Mexican mobile (with the old `1`).
const SON_WA_ID = '5218123456789';

describeBrowser('a representative authorized in the portal files a request by WhatsApp', () => {
  let graph: FakeGraph;
  let servers: Servers;
  let browser: Browser;
  const url = () => servers.processes[0]?.url ?? '';

  beforeAll(async () => {
    graph = await startFakeGraph();
    await ensureWebBuild();
    servers = await startServers(1, {
      GRAPH_BASE_URL: graph.url,
      WHATSAPP_VERIFY_TOKEN: 'verify-token-for-e2e',
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_ACCESS_TOKEN: 'access-token-for-e2e',
      WHATSAPP_PHONE_NUMBER_ID: '200000000000001',
    });
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await servers?.stop();
    await graph?.close();
  });

  it('recognises the representative’s number and records the case on the customer’s behalf', async () => {
    const headers = await loginOverHttp(url(), TEST_ADMIN);
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${url()}/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    const customer = await call<{ id: string }>('POST', '/customers', {
      name: MOTHER.name,
      accountNumber: MOTHER.account,
      contactPoints: [{ kind: 'whatsapp', address: MOTHER.whatsapp }],
    });

    // The customer proves who she is as the portal asks: a code to her WhatsApp on file sets her PIN.
    const { context, page } = await openPage(browser, { width: 390, height: 900 });
    await page.goto(`${url()}/portal/balance`);
    await page.locator('#pin-account').fill(MOTHER.account);
    await page.locator('#pin-factor').fill('81 1234 5678');
    const sentBefore = graph.sent.length;
    await page.getByRole('button', { name: 'Enviarme un código' }).click();
    await page.getByText('le enviamos un código', { exact: false }).waitFor();
    const code = await eventually(() => codeSentAfter(graph, sentBefore));
    await page.locator('#pin-code').fill(code);
    await page.locator('#pin-new').fill('582046');
    await page.getByRole('button', { name: 'Guardar PIN' }).click();
    await page.getByText('su PIN quedó guardado', { exact: false }).waitFor();

    await page.getByRole('link', { name: 'Mis representantes' }).click();
    await page.getByRole('heading', { name: 'Mis representantes', level: 1 }).waitFor();
    await page.locator('#representatives-account').fill(MOTHER.account);
    await page.locator('#representatives-pin').fill('582046');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByText('No ha autorizado a nadie.').waitFor();
    await page.locator('#representative-name').fill('Esteban Garza');
    await page.locator('#representative-kind').selectOption('whatsapp');
    await page.locator('#representative-contact').fill('81 2345 6789');
    await page.getByRole('button', { name: 'Autorizar' }).click();
    await page.getByText('Autorizó a Esteban Garza', { exact: false }).waitFor();
    const listed = page.getByTestId('representatives');
    await listed.getByText('+528123456789', { exact: false }).waitFor();
    await listed.getByRole('button', { name: 'Revocar a Esteban Garza' }).waitFor();
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'portal-representatives-390');
    await context.close();

    // The son writes from his own WhatsApp: a signed webhook, as Meta posts it.
    const raw = JSON.stringify(
      waMessagesPayload(SON_WA_ID, 'Esteban', [
        waText('Reporto una falla, no hay internet en casa de mi mamá desde la mañana'),
      ]),
    );
    const posted = await fetch(`${url()}/webhooks/whatsapp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaPayload(Buffer.from(raw), SECRET),
      },
      body: raw,
    });
    expect(posted.status).toBe(200);

    type Detail = { cases: Array<{ folio: string }> };
    const folio = await eventually(
      async () => (await call<Detail>('GET', `/customers/${customer.id}`)).cases[0]?.folio,
    );
    const kase = await call<{ raisedBy: string; customer: { id: string }; requestType: string }>(
      'GET',
      `/cases/${folio}`,
    );
    expect(kase).toMatchObject({
      raisedBy: 'representante',
      customer: { id: customer.id },
      requestType: 'falla',
    });

    const agent = await openPage(browser, { width: 1366, height: 900 });
    await agent.page.goto(`${url()}/`);
    await agent.page.getByLabel('Correo electrónico').fill(TEST_ADMIN.email);
    await agent.page.getByLabel('Contraseña', { exact: true }).fill(TEST_ADMIN.password);
    await agent.page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await agent.page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    await agent.page.goto(`${url()}/app/cases/${folio}`);
    await agent.page
      .getByTestId('on-behalf')
      .getByText(`por Esteban Garza en nombre de ${MOTHER.name}`)
      .waitFor();
    // The message that came in is the representative's, not the customer's.
    await agent.page.locator('.entry__line strong', { hasText: /^Representante$/ }).waitFor();
    await screenshot(agent.page, 'console-case-on-behalf');
    await agent.context.close();
  }, 240_000);
});

/** Serious and critical WCAG 2.1 A/AA violations axe finds on the page as it stands. */
async function violations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ rule: v.id, where: v.nodes.map((n) => n.target.join(' ')) }));
}

/** Polls until `read` gives a value, for what background jobs do; fails after 30 s. */
async function eventually<T>(read: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('nothing came in time');
}

/** The six digits of the verification template sent to WhatsApp after the `from`-th recorded request. */
function codeSentAfter(graph: FakeGraph, from: number): string | undefined {
  for (const request of graph.sent.slice(from)) {
    const template = (request.body as { template?: { name?: string; components?: unknown[] } } | undefined)
      ?.template;
    if (template?.name !== 'codigo_verificacion') continue;
    const text = JSON.stringify(template.components ?? []);
    const code = /"text":"(\d{6})"/.exec(text)?.[1];
    if (code) return code;
  }
  return undefined;
}

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
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const WEEKDAY_ES: Record<(typeof WEEKDAYS)[number], string> = {
  monday: 'lunes',
  tuesday: 'martes',
  wednesday: 'miércoles',
  thursday: 'jueves',
  friday: 'viernes',
  saturday: 'sábado',
  sunday: 'domingo',
};
const ACKNOWLEDGEMENT =
  'Gracias por escribir a Monet{nombre}: tu folio es {folio} y te respondemos antes del {plazo}.';

/** Two days after today in the provider's zone: a day whose hours cannot make the channel open now. */
function notToday() {
  const today = new Intl.DateTimeFormat('en', { timeZone: 'America/Monterrey', weekday: 'long' })
    .format(new Date())
    .toLowerCase() as (typeof WEEKDAYS)[number];
  return WEEKDAYS[(WEEKDAYS.indexOf(today) + 2) % 7] as (typeof WEEKDAYS)[number];
}

describeBrowser('an admin runs the service from the console: hours, templates', () => {
  let graph: FakeGraph;
  let servers: Servers;
  let browser: Browser;
  let headers: Record<string, string>;
  const url = () => servers.processes[0]?.url ?? '';
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url()}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

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
    headers = await loginOverHttp(url(), TEST_ADMIN);
    // With the menu on, a first message starts the menu instead of opening a case.
    const { menu } = await call<{ menu: Record<string, unknown> }>('GET', '/settings');
    await call('PATCH', '/settings/menu', { ...menu, enabled: false });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await servers?.stop();
    await graph?.close();
  });

  /** The newest recorded settings changes, when the change history's API is there. */
  const changedPaths = async (): Promise<string[] | undefined> => {
    const response = await fetch(`${url()}/api/v1/settings/changes?limit=5`, { headers });
    if (response.status === 404) return undefined;
    const { entries } = (await response.json()) as { entries: Array<{ changes: Array<{ path: string }> }> };
    return entries.flatMap((entry) => entry.changes.map((change) => change.path));
  };

  async function loginAsAdmin() {
    const opened = await openPage(browser, { width: 1366, height: 900, language: 'es-MX' });
    await opened.page.goto(`${url()}/`);
    await opened.page.getByLabel('Correo electrónico').fill(TEST_ADMIN.email);
    await opened.page.getByLabel('Contraseña', { exact: true }).fill(TEST_ADMIN.password);
    await opened.page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await opened.page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    return opened;
  }

  it('gives the 24-hour line opening hours that close it now, and the portal says so', async () => {
    const customer = await openPage(browser, { width: 390, height: 900, language: 'es-MX' });
    await customer.page.goto(`${url()}/portal`);
    const line = customer.page.getByRole('listitem').filter({
      has: customer.page.getByRole('heading', { name: 'Línea telefónica 24 horas' }),
    });
    await line.getByText('Abierto ahora').waitFor();

    const { context, page } = await loginAsAdmin();
    await page.goto(`${url()}/app/admin/hours`);
    const channel = page.getByTestId('channel-linea_24h');
    await channel.getByLabel('Abierto las 24 horas, todos los días').uncheck();
    // Nothing typed: the console refuses a week that never opens before asking the server.
    await page.getByRole('button', { name: 'Guardar horarios y contacto' }).click();
    await page
      .getByRole('alert')
      .getByText(/nunca abre/)
      .waitFor();

    const day = notToday();
    await channel.getByLabel(WEEKDAY_ES[day], { exact: true }).fill('10:00-11:00');
    await channel
      .getByLabel(WEEKDAY_ES[notToday() === 'monday' ? 'tuesday' : 'monday'], { exact: true })
      .fill('25:00-26:00');
    await page.getByRole('button', { name: 'Guardar horarios y contacto' }).click();
    // A time the server refuses comes back at the input that holds it.
    const wrong = channel.locator('[aria-invalid="true"]');
    await wrong.waitFor();
    await wrong.fill('');
    await page.getByRole('button', { name: 'Guardar horarios y contacto' }).click();
    await page.getByRole('status').getByText('Cambios guardados.').waitFor();
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'console-admin-hours');

    const settings = await call<{ channels: Array<{ code: string; hours?: Record<string, unknown> }> }>(
      'GET',
      '/settings',
    );
    expect(settings.channels.find((c) => c.code === 'linea_24h')?.hours?.[day]).toEqual([
      { from: '10:00', to: '11:00' },
    ]);
    const paths = await changedPaths();
    if (paths) expect(paths.some((p) => p.startsWith('channels'))).toBe(true);

    await customer.page.reload();
    await line.getByText('Cerrado', { exact: true }).waitFor();
    await line.getByText(/^Abre el/).waitFor();
    await customer.context.close();
    await context.close();
  }, 180_000);

  it('rewrites the acknowledgement with a live preview, and the next WhatsApp case gets it', async () => {
    const { context, page } = await loginAsAdmin();
    await page.goto(`${url()}/app/admin/templates`);
    const acknowledgement = page.getByTestId('template-acuse');
    await acknowledgement.getByRole('button', { name: 'Editar acuse' }).click();
    const spanish = acknowledgement.getByLabel('Texto en español (acuse)');
    await spanish.fill('Hola {cliente}');
    await acknowledgement.getByText('Valor desconocido: {cliente}.').waitFor();
    await spanish.fill(ACKNOWLEDGEMENT);
    await acknowledgement
      .getByText(/^Gracias por escribir a Monet Rosa: tu folio es MON-2026-000042-6/)
      .waitFor();
    await page.getByRole('button', { name: 'Guardar textos' }).click();
    await page.getByRole('status').getByText('Cambios guardados.').waitFor();
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'console-admin-templates');
    const paths = await changedPaths();
    if (paths) expect(paths.some((p) => p.startsWith('templates'))).toBe(true);
    await context.close();

    const sentBefore = graph.sent.length;
    const raw = JSON.stringify(
      waMessagesPayload('5218119876543', 'Rosa', [waText('Quisiera hacer una sugerencia sobre la atención')]),
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
    const text = await eventually(() =>
      graph.sent
        .slice(sentBefore)
        .map((request) => (request.body as { text?: { body?: string } } | undefined)?.text?.body)
        .find((body) => body?.startsWith('Gracias por escribir a Monet')),
    );
    expect(text).toMatch(
      /^Gracias por escribir a Monet( Rosa)?: tu folio es [A-Z]+-\d{4}-\d{6}-\d y te respondemos antes del /,
    );
  }, 180_000);

  it('edits area calendars, deadlines, the business calendar and catalogues; supervisors only read', async () => {
    const supervisor = {
      email: `supervisora.${Date.now()}@example.test`,
      password: 'a long enough password',
    };
    const areas = await call<Array<{ id: number; code: string }>>('GET', '/areas');
    const support = areas.find((a) => a.code === 'soporte_tecnico')?.id;
    await call('POST', '/agents', {
      ...supervisor,
      name: 'Lorena Cantú',
      role: 'supervisor',
      areaIds: [support],
    });

    const { context, page } = await loginAsAdmin();
    await page.goto(`${url()}/app/admin/areas`);
    const area = page.getByTestId('area-soporte_tecnico');
    await area.getByText('Lorena Cantú').waitFor();
    await area.getByLabel('Un horario propio').check();
    await area.getByLabel('lunes', { exact: true }).fill('09:00-13:00');
    await area.getByRole('button', { name: 'Guardar calendario Soporte técnico' }).click();
    await page.getByRole('status').getByText('Cambios guardados.').first().waitFor();
    expect(await violations(page)).toEqual([]);

    await page.goto(`${url()}/app/admin/deadlines`);
    const falla = page.getByTestId('deadline-policy').first();
    await falla.getByTestId('policy-mark').getByText('Predeterminada').waitFor();
    await falla.getByRole('group', { name: 'Resolución' }).getByLabel('Cantidad').fill('12');
    await falla.getByTestId('policy-mark').getByText('Modificada').waitFor();
    await falla
      .getByTestId('policy-default')
      .getByText(/24 horas naturales/)
      .waitFor();
    await page.getByRole('button', { name: 'Guardar plazos' }).click();
    await page.getByRole('status').getByText('Cambios guardados.').waitFor();
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'console-admin-deadlines');

    await page.goto(`${url()}/app/admin/calendar`);
    const year = new Intl.DateTimeFormat('en', { timeZone: 'America/Monterrey', year: 'numeric' }).format(
      new Date(),
    );
    await page.getByTestId(`holidays-${year}`).getByText(`1 de enero de ${year}`).waitFor();
    await page.getByRole('button', { name: 'Agregar cierre' }).click();
    await page.getByLabel('Fecha').fill(`${Number(year) + 1}-06-02`);
    await page.getByLabel('Motivo').fill('Jornada electoral');
    await page.getByRole('button', { name: 'Guardar calendario' }).click();
    await page.getByRole('status').getByText('Cambios guardados.').waitFor();
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'console-admin-calendar');

    await page.goto(`${url()}/app/admin/catalogues`);
    await page.getByRole('button', { name: 'Agregar código de causa' }).click();
    const causes = page.getByRole('group', { name: 'Códigos de causa' });
    await causes.getByLabel('Código').last().fill('vandalismo');
    await causes.getByLabel('Nombre').last().fill('Vandalismo en la red');
    await page.getByRole('button', { name: 'Guardar códigos de causa' }).click();
    await page.getByRole('status').getByText('Cambios guardados.').waitFor();
    expect(await violations(page)).toEqual([]);
    await context.close();

    const settings = await call<{
      areas: Array<{ code: string; calendar?: { hours: Record<string, unknown> } }>;
      deadlines: {
        policies: Array<{ requestType: string; subtype?: string; resolution: { amount: number } }>;
        businessCalendar: { closures: Array<{ date: string; reason: string }> };
      };
      causeCodes: Array<{ code: string }>;
    }>('GET', '/settings');
    expect(settings.areas.find((a) => a.code === 'soporte_tecnico')?.calendar?.hours.monday).toEqual([
      { from: '09:00', to: '13:00' },
    ]);
    expect(
      settings.deadlines.policies.find((p) => p.requestType === 'falla' && !p.subtype)?.resolution.amount,
    ).toBe(12);
    expect(settings.deadlines.businessCalendar.closures).toEqual([
      { date: `${Number(year) + 1}-06-02`, reason: 'Jornada electoral' },
    ]);
    expect(settings.causeCodes.map((c) => c.code)).toContain('vandalismo');

    const asSupervisor = await openPage(browser, { width: 1366, height: 900, language: 'es-MX' });
    await asSupervisor.page.goto(`${url()}/`);
    await asSupervisor.page.getByLabel('Correo electrónico').fill(supervisor.email);
    await asSupervisor.page.getByLabel('Contraseña', { exact: true }).fill(supervisor.password);
    await asSupervisor.page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await asSupervisor.page.getByRole('heading', { name: 'Bandeja', level: 1 }).waitFor();
    await asSupervisor.page.goto(`${url()}/app/admin/templates`);
    await asSupervisor.page.getByText(/Solo un administrador puede cambiar/).waitFor();
    expect(await asSupervisor.page.getByRole('button', { name: 'Guardar textos' }).count()).toBe(0);
    await asSupervisor.context.close();
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

import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { EXAMPLE_PROFILE_PATH } from './env.ts';
import { parseProfile, readProfileFile } from './profile.ts';

describe('the shipped example profile (mo!net / Monet Móvil)', async () => {
  const profile = await readProfileFile(EXAMPLE_PROFILE_PATH);

  it('names the provider, prefix, zone and the corrected portal address', () => {
    expect(profile.provider).toMatchObject({
      name: 'Monet Móvil',
      legalName: 'mo!net',
      folioPrefix: 'MON',
      timeZone: 'America/Monterrey',
      website: 'https://monetmicroondas.com/',
    });
  });

  it('lists every channel and contact point of the Código de Prácticas Comerciales', () => {
    const points = profile.channels.map((c) => [
      c.channel,
      c.contactPoints.map((p) => p.display).join(),
      c.hours ? 'horario' : '24/7',
    ]);
    expect(points).toEqual([
      ['telefono', '(844) 688 7331', 'horario'],
      ['telefono', '(81) 4774 6333', '24/7'],
      ['whatsapp', '(81) 4774 6333', '24/7'],
      ['email', 'atencionclientes@monetmovil.com', '24/7'],
      ['portal', 'monetmicroondas.com', '24/7'],
      ['facebook', 'Monet Móvil', '24/7'],
    ]);
    expect(profile.channels[0]?.contactPoints[0]?.value).toBe('+528446887331');
    expect(profile.channels[2]?.contactPoints[0]?.value).toBe('+528147746333');
  });

  it('keeps the phone line hours exactly: weekdays 8–21, Saturday 8–19, Sunday 11–19', () => {
    const hours = profile.channels[0]?.hours;
    for (const day of ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const) {
      expect(hours?.[day]).toEqual([{ from: '08:00', to: '21:00' }]);
    }
    expect(hours?.saturday).toEqual([{ from: '08:00', to: '19:00' }]);
    expect(hours?.sunday).toEqual([{ from: '11:00', to: '19:00' }]);
  });

  it('routes every request type somewhere', () => {
    expect(profile.routingRules.at(-1)).toMatchObject({ requestTypes: [], keywords: [] });
  });
});

describe('parseProfile', () => {
  it('names the offending field', async () => {
    const profile = await readProfileFile(EXAMPLE_PROFILE_PATH);
    const broken = {
      ...profile,
      provider: { ...profile.provider, folioPrefix: 'mon', timeZone: 'Mars/Olympus' },
      routingRules: [{ requestTypes: ['falla'], area: 'no_such_area' }],
    };
    let error: unknown;
    try {
      parseProfile(broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const detail = (error as AppError).detail ?? '';
    expect(detail).toContain('provider.folioPrefix');
    expect(detail).toContain('provider.timeZone');
    expect(detail).toContain('routingRules.0.area');
  });

  it('refuses routing that leaves some request type with nowhere to go', async () => {
    const profile = await readProfileFile(EXAMPLE_PROFILE_PATH);
    const area = profile.areas[0]?.code ?? 'atencion';
    const broken = {
      ...profile,
      routingRules: [
        { requestTypes: ['falla'], keywords: [], area },
        { requestTypes: [], keywords: ['cobro'], area },
      ],
    };
    expect(() => parseProfile(broken)).toThrow(/routingRules: no rule without keywords routes .*queja/);
    expect(() =>
      parseProfile({
        ...broken,
        routingRules: [...broken.routingRules, { requestTypes: [], keywords: [], area }],
      }),
    ).not.toThrow();
  });

  describe('templates and notices', async () => {
    const profile = await readProfileFile(EXAMPLE_PROFILE_PATH);
    const refusal = (changes: Record<string, unknown>) => {
      try {
        parseProfile({ ...profile, ...changes });
      } catch (error) {
        if (error instanceof AppError) return { field: error.field, detail: error.detail };
        throw error;
      }
      return undefined;
    };

    it.each<[string, Record<string, unknown>, string, RegExp]>([
      [
        'a placeholder no notice fills',
        {
          templates: {
            ...profile.templates,
            estado_resuelto: { 'es-MX': 'Tu folio {folio} vence el {vence}.' },
          },
        },
        'templates.estado_resuelto.es-MX',
        /unknown placeholder \{vence\}; known: folio, nombre/,
      ],
      [
        'one in the English text',
        { templates: { acuse: { 'es-MX': 'Folio {folio}', en: 'Folio {folio}, {customer}' } } },
        'templates.acuse.en',
        /unknown placeholder \{customer\}/,
      ],
      [
        'an approved template parameter no notice fills',
        {
          whatsappTemplates: [
            { name: 'aviso_corte', parameters: ['monto', 'saldo'], preview: 'Pago de {{1}}: {{2}}' },
          ],
          notices: {},
        },
        'whatsappTemplates.0.parameters.1',
        /Invalid option/,
      ],
      [
        'a {{n}} past the declared parameters',
        {
          whatsappTemplates: [
            { name: 'aviso_corte', parameters: ['folio'], preview: 'Folio {{1}}, corte el {{2}}' },
          ],
        },
        'whatsappTemplates.0.preview',
        /\{\{2\}\} has no parameter; the template declares 1/,
      ],
      [
        'a notice mapped to a template that is not approved',
        { notices: { whatsappTemplates: { estado_resuelto: 'estado_atiende' } } },
        'notices.whatsappTemplates.estado_resuelto',
        /no approved WhatsApp template named estado_atiende/,
      ],
      [
        'a fallback channel with no written transport',
        { notices: { fallbackOrder: ['email', 'telefono'] } },
        'notices.fallbackOrder.1',
        /Invalid option/,
      ],
      [
        'a fallback channel listed twice',
        { notices: { fallbackOrder: ['email', 'whatsapp', 'email'] } },
        'notices.fallbackOrder.2',
        /email is listed twice/,
      ],
      [
        'a channel whose week never opens',
        {
          channels: profile.channels.map((c, i) =>
            i === 0
              ? { ...c, hours: { monday: [], tuesday: [], wednesday: [], thursday: [], friday: [] } }
              : c,
          ),
        },
        'channels.0.hours',
        /opens on no day of the week/,
      ],
      [
        'a business calendar that never opens',
        { deadlines: { ...profile.deadlines, businessCalendar: { zone: 'America/Monterrey', hours: {} } } },
        'deadlines.businessCalendar.hours',
        /opens on no day of the week/,
      ],
    ])('refuses %s, naming its path', (_what, changes, field, detail) => {
      const refused = refusal(changes);
      expect(refused?.field).toBe(field);
      expect(refused?.detail).toMatch(detail);
    });

    it('takes the new parameters, and no notice settings as the defaults', () => {
      const parsed = parseProfile({
        ...profile,
        templates: { pago_recibido: { 'es-MX': 'Recibimos {monto} el {fecha} ({referencia}).' } },
        whatsappTemplates: [
          {
            name: 'falla_zona',
            parameters: ['zona', 'eta', 'estado'],
            preview: 'En {{1}}: {{3}}, vuelve {{2}}.',
          },
        ],
        notices: undefined,
      });
      expect(parsed.notices).toEqual({
        fallbackOrder: ['whatsapp', 'email', 'facebook'],
        whatsappTemplates: {},
      });
      expect(profile.notices.whatsappTemplates).toEqual({
        estado_en_espera_cliente: 'seguimiento_folio',
        representante_actuo: 'seguimiento_folio',
      });
    });
  });
});

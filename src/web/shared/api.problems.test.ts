import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import consoleEn from '../console/locales/en.json';
import consoleEs from '../console/locales/es-MX.json';
import { ApiError, problemMessage } from './api.ts';
import commonEn from './locales/en.json';
import commonEs from './locales/es-MX.json';

const SRC = path.resolve(import.meta.dirname, '../..');

/** Every TypeScript source file under src/, tests excluded: what the server (and this client) can raise. */
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });

const CODE = String.raw`'([a-z][a-z_]*(?:\.[a-z_]+)*)'`;
// AppError and the two helpers that build one from a literal code; the framework's and the client's
// own codes are `code: '…'` members in the problem handler and the API client.
const RAISED = [
  new RegExp(String.raw`new AppError\(\s*${CODE}`, 'g'),
  new RegExp(String.raw`tooManyRequests\(\s*${CODE}`, 'g'),
  new RegExp(String.raw`\brefusal\(\s*${CODE}`, 'g'),
];
const MEMBERS = [
  new RegExp(String.raw`\bcode: ${CODE}`, 'g'),
  new RegExp(String.raw`FST_ERR_\w+: ${CODE}`, 'g'),
];
const MEMBER_FILES = new Set(['http/problem.ts', 'web/shared/api.ts']);

function problemCodes(): string[] {
  const codes = new Set<string>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const relative = path.relative(SRC, file).split(path.sep).join('/');
    const patterns = MEMBER_FILES.has(relative) ? [...RAISED, ...MEMBERS] : RAISED;
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) codes.add(match[1] ?? '');
  }
  return [...codes].sort();
}

const CODES = problemCodes();

const lookupIn = (language: 'es-MX' | 'en') => {
  const i18n = i18next.createInstance();
  void i18n.init({
    resources: {
      'es-MX': { common: commonEs, console: consoleEs },
      en: { common: commonEn, console: consoleEn },
    },
    lng: language,
    ns: ['common', 'console'],
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return (key: string, values?: Record<string, unknown>) =>
    i18n.exists(key) ? String(i18n.t(key, values as never)) : undefined;
};

const problem = (code: string, extra: Record<string, unknown> = {}) =>
  new ApiError({ status: 422, code, detail: 'English detail for developers', ...extra });

describe('every problem code the server can return', () => {
  it('is found in the source (the walk itself works)', () => {
    expect(CODES).toEqual(
      expect.arrayContaining([
        'case.forbidden',
        'channel.window_closed',
        'attachment.channel_type',
        'auth.throttled',
        'representative.out_of_scope',
        'request.malformed_json',
        'route.not_found',
        'internal',
        'network.offline',
      ]),
    );
    expect(CODES.length).toBeGreaterThan(90);
  });

  describe.each(['es-MX', 'en'] as const)('in %s', (language) => {
    const lookup = lookupIn(language);
    it.each(CODES)('%s has a translation, never the server’s detail', (code) => {
      const text = problemMessage(
        problem(code, {
          channel: 'whatsapp',
          filename: 'foto.gif',
          contentType: 'image/gif',
          maxMegabytes: 5,
          correlationId: 'req-1',
          retryAfterSeconds: 90,
        }),
        lookup,
      );
      expect(text, `add problems.${code} to the console's ${language} strings`).toBeTypeOf('string');
      expect(text).not.toContain('{{');
      expect(text).not.toContain('English detail');
    });
  });
});

describe('problemMessage', () => {
  const es = lookupIn('es-MX');
  const en = lookupIn('en');

  it('tells what the server said in the person’s language, with the problem’s members', () => {
    expect(problemMessage(problem('case.forbidden', { status: 403 }), es)).toBe(
      'Solo los asesores del área del caso (o su supervisor) pueden hacer este cambio.',
    );
    const type = problem('attachment.channel_type', {
      field: 'attachments.1.contentType',
      channel: 'whatsapp',
      filename: 'animacion.gif',
      contentType: 'image/gif',
    });
    expect(problemMessage(type, es)).toContain('WhatsApp no puede enviar «animacion.gif» (tipo image/gif)');
    expect(problemMessage(type, en)).toContain('WhatsApp cannot carry “animacion.gif” (image/gif)');
    expect(problemMessage(problem('auth.throttled', { status: 429, retryAfterSeconds: 125 }), es)).toContain(
      'Espere 3 min',
    );
  });

  it('names the field to look at for the generic refusals', () => {
    const invalid = problem('request.invalid', { status: 400, field: 'body.replyVia.address' });
    expect(problemMessage(invalid, es)).toBe('Algunos datos no son válidos. Revise: Responder por.');
    expect(problemMessage(invalid, en)).toBe('Some details are not valid. Check: Answer on.');
  });

  it('has nothing to say for a code it does not know, so the caller shows a generic message', () => {
    expect(problemMessage(problem('brand.new_code'), es)).toBeUndefined();
  });
});

import i18next from 'i18next';
import consoleEs from '../web/console/locales/es-MX.json' with { type: 'json' };
import commonEs from '../web/shared/locales/es-MX.json' with { type: 'json' };

// The console's own words, in Spanish: what the agents read on the case is what the authority reads.
const i18n = i18next.createInstance();
void i18n.init({
  resources: { 'es-MX': { common: commonEs, console: consoleEs } },
  lng: 'es-MX',
  ns: ['common', 'console'],
  defaultNS: 'console',
  interpolation: { escapeValue: false },
  initAsync: false,
});

/** A console string in Spanish (`common:` for the shared ones). */
export const t = (key: string, values?: Record<string, unknown>) =>
  String(i18n.t(key, { ns: 'console', ...values } as never));

/** The Spanish name of a domain code under `key`, or the code itself when the console has none. */
export const named = (key: string, code: string | null | undefined) => {
  if (!code) return '';
  const full = `${key}.${code}`;
  return i18n.exists(full, { ns: 'console' }) ? t(full) : code;
};

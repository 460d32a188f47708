import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from './format.ts';
import commonEn from './locales/en.json';
import commonEs from './locales/es-MX.json';

const LANGUAGES: Language[] = ['es-MX', 'en'];
const STORAGE_KEY = 'atiende.language';

const storedLanguage = (): Language => {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === 'en' ? 'en' : 'es-MX';
  } catch {
    return 'es-MX';
  }
};

/**
 * Starts i18next with the shared strings plus one app's own namespace. Spanish (es-MX) unless the
 * person chose English before on this device; the choice is remembered and sets `<html lang>`.
 */
export function setupI18n(namespace: 'console' | 'portal', own: { 'es-MX': object; en: object }) {
  const resources: Resource = {
    'es-MX': { common: commonEs, [namespace]: own['es-MX'] },
    en: { common: commonEn, [namespace]: own.en },
  };
  void i18next.use(initReactI18next).init({
    resources,
    lng: storedLanguage(),
    fallbackLng: 'es-MX',
    supportedLngs: LANGUAGES,
    ns: ['common', namespace],
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  const apply = (language: string) => {
    document.documentElement.lang = language;
  };
  apply(i18next.language);
  i18next.on('languageChanged', (language) => {
    apply(language);
    try {
      localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // Private browsing may refuse storage; the choice then lasts for this page only.
    }
  });
  return i18next;
}

export const currentLanguage = (language: string): Language => (language === 'en' ? 'en' : 'es-MX');
